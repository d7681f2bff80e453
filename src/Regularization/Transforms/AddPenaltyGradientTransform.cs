using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Adds a penalty's (sub)gradient to the updates: <c>u' = u + grad R(p)</c>, the two terms rounded separately, exactly as
/// when the penalty is added to the loss before differentiation (the second seed's <c>loss + lambda * sum(w^2)</c>).
/// See <see cref="Transforms.AddPenaltyGradient"/>. State: <see cref="EmptyState"/>.
/// </summary>
public sealed record AddPenaltyGradientTransform : IGradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="penalty">The penalty.</param>
    public AddPenaltyGradientTransform(Penalty penalty)
    {
        Penalty = penalty ?? throw new ArgumentNullException(nameof(penalty));
    }

    /// <summary>The penalty.</summary>
    public Penalty Penalty { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return EmptyState.Instance;
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        Validate.State<EmptyState>(state, this);
        var g = Penalty.Gradient(parameters).Items;
        var result = Buffers.Compute(parameters, (i, d) => Kernels.Add(Buffers.Data(u[i]), Buffers.Data(g[i]), d));
        return new Step(result, state);
    }
}
