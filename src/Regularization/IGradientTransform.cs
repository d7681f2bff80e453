using System.Diagnostics.Contracts;

namespace Regularization;

/// <summary>
/// A gradient transformation: a pair of pure functions over immutable values (the model is Optax's
/// <c>GradientTransformation</c>). Optimizers are chains of transforms; see <see cref="Transforms"/> and <see cref="Optimizers"/>.
/// </summary>
/// <remarks>
/// <para>
/// Convention: <see cref="Update"/> maps incoming updates (gradients, for the first transform of a chain) to outgoing
/// updates, and the new parameters are <c>parameters + updates</c> (<see cref="Updates.Apply"/>). The sign flip of
/// gradient descent happens in <see cref="Transforms.ScaleByLearningRate(Schedule)"/>.
/// </para>
/// <para>
/// Purity: neither method changes its arguments (not even the matrices inside them), keeps hidden state, or reads
/// mutable global state; the same inputs give the same bits. The property suite checks this for every transform.
/// </para>
/// <example>
/// <code>
/// IGradientTransform sgd = Optimizers.Sgd(learningRate: 0.01, weightDecay: 1e-4);
/// TransformState state = sgd.Init(parameters);
/// Step step = sgd.Update(gradients, state, parameters);
/// ParamSet next = Updates.Apply(parameters, step.Updates);
/// state = step.State;
/// </code>
/// </example>
/// </remarks>
public interface IGradientTransform
{
    /// <summary>Creates the initial state for these parameters (buffers of zeros, counters at zero).</summary>
    /// <param name="parameters">The parameters the transform will update.</param>
    /// <returns>The initial state.</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not suit the transform (for example it is empty).</exception>
    [Pure]
    TransformState Init(ParamSet parameters);

    /// <summary>Transforms updates and advances the state.</summary>
    /// <param name="updates">Incoming updates (gradients for the first transform), named and shaped like <paramref name="parameters"/>.</param>
    /// <param name="state">The state from <see cref="Init"/> or from the previous <see cref="Update"/>.</param>
    /// <param name="parameters">The current parameters.</param>
    /// <returns>The outgoing updates and the new state.</returns>
    /// <exception cref="ArgumentException">Names or shapes do not match, or the state is not this transform's.</exception>
    [Pure]
    Step Update(ParamSet updates, TransformState state, ParamSet parameters);
}

/// <summary>The result of <see cref="IGradientTransform.Update"/>: the outgoing updates and the new state.</summary>
public sealed record Step
{
    /// <summary>Creates a step result.</summary>
    /// <param name="updates">The updates; add them to the parameters with <see cref="Regularization.Updates.Apply"/>.</param>
    /// <param name="state">The state to pass to the next update.</param>
    public Step(ParamSet updates, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(state);
        Updates = updates;
        State = state;
    }

    /// <summary>The updates; add them to the parameters with <see cref="Regularization.Updates.Apply"/>.</summary>
    public ParamSet Updates { get; }

    /// <summary>The state to pass to the next update.</summary>
    public TransformState State { get; }

    /// <summary>Deconstructs into updates and state.</summary>
    /// <param name="updates">The updates.</param>
    /// <param name="state">The state.</param>
    public void Deconstruct(out ParamSet updates, out TransformState state)
    {
        updates = Updates;
        state = State;
    }
}

/// <summary>What to do when a gradient holds NaN or an infinity (see <see cref="Transforms.GuardNonFinite"/>).</summary>
public enum NonFinitePolicy
{
    /// <summary>Throw <see cref="NonFiniteGradientException"/>; nothing changes. The default.</summary>
    Throw = 0,

    /// <summary>Skip the step: the updates are zero, the guarded state is unchanged, and the skip is counted.</summary>
    Skip = 1,

    /// <summary>Replace each non-finite entry by zero and take the step; the entries are counted.</summary>
    Zero = 2,
}

/// <summary>
/// How a decoupled decay coefficient or a proximal threshold follows the learning rate (see
/// <see cref="Optimizers.AdamW(Schedule, Schedule, DecayScaling, double, double, double, bool, bool, Mask?)"/>).
/// </summary>
/// <remarks>
/// With learning-rate schedule <c>lr(t) = alpha * eta(t)</c> (base value <c>alpha</c>, multiplier <c>eta(t)</c>) and
/// decay <c>lambda(t)</c>, the per-step shrink is <c>1 - c(t)</c> with <c>c(t)</c> below.
/// </remarks>
public enum DecayScaling
{
    /// <summary><c>c(t) = lr(t) * lambda(t)</c>: PyTorch <c>AdamW</c>, Optax <c>adamw</c>, Keras. The default.</summary>
    LearningRate = 0,

    /// <summary><c>c(t) = eta(t) * lambda(t)</c>: Loshchilov and Hutter's paper (schedule multiplier only, not the base rate).</summary>
    ScheduleMultiplier = 1,

    /// <summary><c>c(t) = lambda(t)</c>: TensorFlow Addons <c>SGDW</c>/<c>AdamW</c> (schedule the decay yourself).</summary>
    None = 2,
}
