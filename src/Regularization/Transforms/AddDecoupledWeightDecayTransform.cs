using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Decoupled weight decay, placed after the learning-rate scaling: <c>u' = u - c(t) * p</c> (one rounding), so that
/// <c>p + u'</c> shrinks each weight by the factor <c>1 - c(t)</c> on top of the optimizer's step. The coefficient
/// <c>c(t)</c> depends on <see cref="Scaling"/>: <c>lr(t)*lambda(t)</c> (PyTorch <c>AdamW</c>, the default),
/// <c>eta(t)*lambda(t)</c> (the paper: schedule multiplier only) or <c>lambda(t)</c> (TensorFlow Addons).
/// See <see cref="Transforms.AddDecoupledWeightDecay"/>.
/// </summary>
/// <remarks>
/// PyTorch's AdamW multiplies the parameter by <c>1 - lr*weight_decay</c> before adding the Adam step; here the same
/// shrink is part of the additive update, which agrees with PyTorch to rounding (the reference tests bound it).
/// When <c>c(t)</c> is 0 the updates pass through untouched. State: a <see cref="CountState"/>.
/// </remarks>
public sealed record AddDecoupledWeightDecayTransform : IGradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="weightDecay">The decay <c>lambda(t)</c>, values &gt;= 0.</param>
    /// <param name="learningRate">The learning rate the decay follows (unused with <see cref="DecayScaling.None"/>).</param>
    /// <param name="scaling">How the coefficient follows the learning rate.</param>
    public AddDecoupledWeightDecayTransform(Schedule weightDecay, Schedule learningRate, DecayScaling scaling = DecayScaling.LearningRate)
    {
        WeightDecay = weightDecay ?? throw new ArgumentNullException(nameof(weightDecay));
        LearningRate = learningRate ?? throw new ArgumentNullException(nameof(learningRate));
        Scaling = Enum.IsDefined(scaling) ? scaling : throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown DecayScaling.");
    }

    /// <summary>The decay <c>lambda(t)</c>.</summary>
    public Schedule WeightDecay { get; }

    /// <summary>The learning rate the decay follows.</summary>
    public Schedule LearningRate { get; }

    /// <summary>How <c>c(t)</c> follows the learning rate.</summary>
    public DecayScaling Scaling { get; }

    /// <summary>The coefficient <c>c(t)</c>: the weights shrink by the factor <c>1 - c(t)</c> at step <paramref name="step"/>.</summary>
    /// <param name="step">Updates done before this one.</param>
    public double Coefficient(long step) => DecayMath.Coefficient(WeightDecay, LearningRate, Scaling, step, "weight decay");

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
        var c = Coefficient(count.Count);
        var next = new CountState(count.Count + 1);
        if (c == 0)
        {
            return new Step(updates, next);
        }

        var p = parameters.Items;
        var result = Buffers.Compute(parameters, (i, d) => Kernels.MultiplyAdd(Buffers.Data(u[i]), -c, Buffers.Data(p[i]), d));
        return new Step(result, next);
    }
}
