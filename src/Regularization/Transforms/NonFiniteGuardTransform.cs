using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Checks the incoming updates (gradients) for NaN and infinities before the guarded transform sees them, and acts by
/// <see cref="Policy"/>: throw (nothing changes), skip the step (the updates are <c>-0.0</c>, so <see cref="Updates.Apply"/>
/// returns the parameters bit for bit, and the guarded state is unchanged), or zero the bad entries and go on. The
/// state counts skipped steps and zeroed entries (<see cref="NonFiniteState"/>). See <see cref="Transforms.GuardNonFinite"/>.
/// </summary>
/// <remarks>
/// Every optimizer of <see cref="Optimizers"/> is wrapped in a guard with <see cref="NonFinitePolicy.Throw"/>, and the
/// guard also rejects an empty parameter set at <see cref="Init"/>.
/// </remarks>
public sealed record NonFiniteGuardTransform : IGradientTransform
{
    /// <summary>Creates a guard.</summary>
    /// <param name="inner">The guarded transform.</param>
    /// <param name="policy">What to do with non-finite gradients.</param>
    public NonFiniteGuardTransform(IGradientTransform inner, NonFinitePolicy policy = NonFinitePolicy.Throw)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Policy = Enum.IsDefined(policy) ? policy : throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown NonFinitePolicy.");
    }

    /// <summary>The guarded transform.</summary>
    public IGradientTransform Inner { get; }

    /// <summary>What to do with non-finite gradients.</summary>
    public NonFinitePolicy Policy { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        Validate.NotEmpty(parameters, nameof(parameters));
        return new NonFiniteState(Inner.Init(parameters), 0, 0, 0);
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        Validate.NotEmpty(parameters, nameof(parameters));
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var guard = Validate.State<NonFiniteState>(state, this);

        var bad = 0L;
        for (var i = 0; i < u.Length; i++)
        {
            var data = Buffers.Data(u[i]);
            if (Kernels.AllFinite(data))
            {
                continue;
            }

            var count = Kernels.CountNonFinite(data, out var first);
            if (Policy == NonFinitePolicy.Throw)
            {
                var rows = Math.Max(u[i].Rows, 1);
                throw new NonFiniteGradientException(u[i].Name, count, first % rows, first / rows, data[first]);
            }

            bad += count;
        }

        if (bad == 0)
        {
            var step = Inner.Update(updates, guard.Inner, parameters);
            return new Step(step.Updates, guard.WithInner(step.State));
        }

        if (Policy == NonFinitePolicy.Skip)
        {
            var none = Buffers.Filled(parameters, -0.0);
            return new Step(none, new NonFiniteState(guard.Inner, guard.SkippedSteps + 1, guard.ZeroedEntries, guard.ZeroedSteps));
        }

        var cleaned = Buffers.Compute(parameters, (i, d) => Kernels.ZeroNonFinite(Buffers.Data(u[i]), d));
        var zeroed = Inner.Update(cleaned, guard.Inner, parameters);
        return new Step(zeroed.Updates, new NonFiniteState(zeroed.State, guard.SkippedSteps, guard.ZeroedEntries + bad, guard.ZeroedSteps + 1));
    }
}
