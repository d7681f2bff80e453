using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Scales updates by the negative learning rate: <c>u' = u * (-lr(t))</c>, turning a descent direction into the
/// update that <see cref="Updates.Apply"/> adds. See <see cref="Transforms.ScaleByLearningRate(Schedule)"/>.
/// State: a <see cref="CountState"/> for the schedule.
/// </summary>
public sealed record ScaleByLearningRateTransform : IGradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="learningRate">The learning rate; its base value must be &gt; 0.</param>
    public ScaleByLearningRateTransform(Schedule learningRate)
    {
        LearningRate = learningRate ?? throw new ArgumentNullException(nameof(learningRate));
        if (!(learningRate.Base > 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(learningRate), learningRate.Base, $"The learning rate must be > 0, but its base value is {Validate.Format(learningRate.Base)}.");
        }
    }

    /// <summary>The learning rate.</summary>
    public Schedule LearningRate { get; }

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
        var negLr = -LearningRate.Checked(count.Count, "learning rate");
        var result = Buffers.Compute(parameters, (i, d) => Kernels.Scale(Buffers.Data(u[i]), negLr, d));
        return new Step(result, new CountState(count.Count + 1));
    }
}
