using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Adds decayed weights to the updates: <c>u' = u + lambda(t) * p</c>, rounded once (a fused multiply-add, as
/// PyTorch's <c>d_p.add(param, alpha=weight_decay)</c>). This is the gradient of <c>(lambda/2) * sum(p^2)</c>.
/// See <see cref="Transforms.AddDecayedWeights"/>.
/// </summary>
/// <remarks>
/// Placed before momentum or Adam scaling it is coupled decay, PyTorch's <c>SGD(weight_decay=)</c> and
/// <c>Adam(weight_decay=)</c> (L2 through the optimizer). Placed after them and before
/// <see cref="Transforms.ScaleByLearningRate(Schedule)"/> it is Optax's decoupled decay. When <c>lambda(t)</c> is 0 the
/// updates pass through untouched. State: a <see cref="CountState"/> for the schedule.
/// </remarks>
public sealed record AddDecayedWeightsTransform : IGradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="weightDecay">The decay <c>lambda(t)</c>, values &gt;= 0.</param>
    public AddDecayedWeightsTransform(Schedule weightDecay)
    {
        WeightDecay = weightDecay ?? throw new ArgumentNullException(nameof(weightDecay));
    }

    /// <summary>The decay coefficient <c>lambda(t)</c> (PyTorch's <c>weight_decay</c>).</summary>
    public Schedule WeightDecay { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new CountState(0);
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var count = Validate.State<CountState>(state, this);
        var lambda = WeightDecay.Checked(count.Count, "weight decay");
        var next = new CountState(count.Count + 1);
        if (lambda == 0)
        {
            return new Step(updates, next);
        }

        var p = parameters.Items;
        var result = Buffers.Compute(parameters, (i, d) => Kernels.MultiplyAdd(Buffers.Data(u[i]), lambda, Buffers.Data(p[i]), d));
        return new Step(result, next);
    }
}
