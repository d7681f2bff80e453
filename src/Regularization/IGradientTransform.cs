using System.Diagnostics.Contracts;

namespace Regularization;

/// <summary>
/// A gradient transformation: a pair of pure functions over immutable values (the model is Optax's
/// <c>GradientTransformation</c>), for <see cref="float"/> and <see cref="double"/> parameters alike, plus the two
/// functions that write and read its state for checkpoints. Optimizers are chains of transforms; see
/// <see cref="Transforms"/> and <see cref="Optimizers"/>.
/// </summary>
/// <remarks>
/// <para>
/// Convention: <see cref="Update{T}"/> maps incoming updates (gradients, for the first transform of a chain) to outgoing
/// updates, and the new parameters are <c>parameters + updates</c> (<see cref="Updates.Apply{T}"/>). The sign flip of
/// gradient descent happens in <see cref="Transforms.ScaleByLearningRate(Schedule)"/>.
/// </para>
/// <para>
/// Purity: neither method changes its arguments (not even the matrices inside them), keeps hidden state, or reads
/// mutable global state; the same inputs give the same bits. The property suite checks this for every transform.
/// A transform value is element-type agnostic: the same <c>Optimizers.AdamW(...)</c> serves float32 and float64.
/// </para>
/// <para>
/// Writing your own: derive from <see cref="ElementwiseTransform"/> when the rule is element-wise (it then fuses with
/// the built-in primitives into one pass and gets its state, checkpoints and validation for free); implement this
/// interface directly otherwise (it then runs unfused, and <see cref="WriteState"/>/<see cref="ReadState{T}"/> are
/// yours to write with <see cref="StateWriter"/> and <see cref="StateReader"/>).
/// </para>
/// <example>
/// <code>
/// IGradientTransform sgd = Optimizers.Sgd(learningRate: 0.01, weightDecay: 1e-4);
/// TransformState state = sgd.Init(parameters);
/// StepResult&lt;double&gt; step = sgd.Update(gradients, state, parameters);
/// parameters = Updates.Apply(parameters, step.Updates);
/// state = step.State;
/// </code>
/// </example>
/// </remarks>
public interface IGradientTransform
{
    /// <summary>Creates the initial state for these parameters (buffers of zeros or the primitive's initial value, counters at zero).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters the transform will update.</param>
    /// <returns>The initial state.</returns>
    [Pure]
    TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable;

    /// <summary>Transforms updates and advances the state.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="updates">Incoming updates (gradients for the first transform), named and shaped like <paramref name="parameters"/>.</param>
    /// <param name="state">The state from <see cref="Init{T}"/> or from the previous <see cref="Update{T}"/>.</param>
    /// <param name="parameters">The current parameters.</param>
    /// <returns>The outgoing updates and the new state.</returns>
    /// <exception cref="ArgumentException">Names or shapes do not match, or the state is not this transform's.</exception>
    [Pure]
    StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable;

    /// <summary>Writes <paramref name="state"/> (a state of this transform) for a checkpoint.</summary>
    /// <param name="state">The state.</param>
    /// <param name="writer">Where to write it.</param>
    void WriteState(TransformState state, StateWriter writer);

    /// <summary>Reads a state written by <see cref="WriteState"/>, checking it against the parameters.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="reader">Where to read it.</param>
    /// <param name="parameters">The parameters the state belongs to.</param>
    /// <returns>The state.</returns>
    /// <exception cref="InvalidDataException">The data is not a valid state of this transform for these parameters.</exception>
    TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable;
}

/// <summary>The result of <see cref="IGradientTransform.Update{T}"/>: the outgoing updates and the new state.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed record StepResult<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>Creates a result.</summary>
    /// <param name="updates">The updates.</param>
    /// <param name="state">The new state.</param>
    public StepResult(ParamSet<T> updates, TransformState state)
    {
        Updates = updates ?? throw new ArgumentNullException(nameof(updates));
        State = state ?? throw new ArgumentNullException(nameof(state));
    }

    /// <summary>The updates; add them to the parameters with <see cref="Regularization.Updates.Apply{T}"/>.</summary>
    public ParamSet<T> Updates { get; }

    /// <summary>The state to pass to the next update.</summary>
    public TransformState State { get; }

    /// <summary>Deconstructs into updates and state.</summary>
    /// <param name="updates">The updates.</param>
    /// <param name="state">The state.</param>
    public void Deconstruct(out ParamSet<T> updates, out TransformState state) => (updates, state) = (Updates, State);
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

/// <summary>How a decoupled decay coefficient or a proximal threshold follows the learning rate.</summary>
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
