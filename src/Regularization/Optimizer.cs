using Regularization.Internal;

namespace Regularization;

/// <summary>
/// The C# facade: an optimizer that owns its state and updates the parameters' matrices in place, PyTorch style.
/// It runs any <see cref="IGradientTransform"/> and gives exactly the bits of the pure path
/// (<see cref="IGradientTransform.Update"/> followed by <see cref="Updates.Apply"/>).
/// </summary>
/// <remarks>
/// <para>
/// The optimizers of <see cref="Optimizers"/> and of the builders here (with masks, groups, schedules, proximal steps
/// and the non-finite guard) run as fused kernels: one pass over each parameter, its gradient and its state buffers
/// per step, with no temporary arrays. Other transforms run through the pure path and the result is copied into the
/// parameters. <see cref="IsFused"/> tells which.
/// </para>
/// <para>Not thread-safe: one optimizer, one training loop.</para>
/// <example>
/// <code>
/// var optimizer = Optimizer.AdamW(learningRate: 1e-3).WeightDecay(0.01).ExcludeBiases().Build(model.Parameters);
/// for (...)
/// {
///     ParamSet gradients = model.Backward(batch);
///     optimizer.Step(gradients);          // model.Parameters' matrices change in place
/// }
/// </code>
/// </example>
/// </remarks>
public sealed class Optimizer
{
    private TransformState _state;
    private FusedProgram? _program;
    private long _executed;
    private long _skipped;
    private long _zeroedEntries;
    private long _zeroedSteps;

    private Optimizer(IGradientTransform transform, ParamSet parameters, TransformState state)
    {
        Transform = transform;
        Parameters = parameters;
        _state = state;
        _program = FusedProgram.TryCompile(transform, state, parameters);
    }

    /// <summary>The parameters; their matrices change in place at each <see cref="Step"/>.</summary>
    public ParamSet Parameters { get; }

    /// <summary>The pure transform this optimizer runs.</summary>
    public IGradientTransform Transform { get; }

    /// <summary>True when steps run as fused in-place kernels; false when they run the pure path and copy.</summary>
    public bool IsFused => _program is not null;

    /// <summary>Completed calls of <see cref="Step"/> (skipped steps included, thrown ones not).</summary>
    public long StepCount { get; private set; }

    /// <summary>Steps skipped because a gradient held NaN or an infinity (<see cref="NonFinitePolicy.Skip"/>), counted in the state.</summary>
    public long SkippedSteps => ((_state as NonFiniteState)?.SkippedSteps ?? 0) + _skipped;

    /// <summary>Gradient entries replaced by zero (<see cref="NonFinitePolicy.Zero"/>), counted in the state.</summary>
    public long ZeroedEntries => ((_state as NonFiniteState)?.ZeroedEntries ?? 0) + _zeroedEntries;

    /// <summary>
    /// A deep copy of the state, equal to the state the pure path would hold after the same steps
    /// (use it for checkpoints, with <see cref="Restore"/>).
    /// </summary>
    public TransformState State => StateCopy.Materialize(_state, _executed, _skipped, _zeroedEntries, _zeroedSteps, deepCopy: true);

    /// <summary>Builder for SGD (PyTorch <c>torch.optim.SGD</c>, coupled decay).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    public static OptimizerBuilder Sgd(double learningRate) => OptimizerBuilder.Create(OptimizerKind.Sgd, learningRate, 0);

    /// <summary>Builder for SGDW (SGD with decoupled decay).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <param name="weightDecay">The decoupled decay, &gt;= 0.</param>
    public static OptimizerBuilder SgdW(double learningRate, double weightDecay) => OptimizerBuilder.Create(OptimizerKind.SgdW, learningRate, weightDecay);

    /// <summary>Builder for Adam (PyTorch <c>torch.optim.Adam</c>, coupled decay, default learning rate 1e-3).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    public static OptimizerBuilder Adam(double learningRate = 1e-3) => OptimizerBuilder.Create(OptimizerKind.Adam, learningRate, 0);

    /// <summary>Builder for AdamW (PyTorch <c>torch.optim.AdamW</c>, default learning rate 1e-3 and decay 1e-2).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    public static OptimizerBuilder AdamW(double learningRate = 1e-3) => OptimizerBuilder.Create(OptimizerKind.AdamW, learningRate, 1e-2);

    /// <summary>An optimizer that runs <paramref name="transform"/> on <paramref name="parameters"/>, starting from <c>transform.Init</c>.</summary>
    /// <param name="transform">Any transform, for example <c>Optimizers.Sgd(0.01, weightDecay: 1e-4)</c>.</param>
    /// <param name="parameters">The parameters to update in place (not copied).</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty or does not suit the transform.</exception>
    public static Optimizer Create(IGradientTransform transform, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(transform);
        Validate.NotEmpty(parameters, nameof(parameters));
        return new Optimizer(transform, parameters, transform.Init(parameters));
    }

    /// <summary>
    /// An optimizer that continues from a saved state (from <see cref="State"/> or the pure path). The state is copied.
    /// </summary>
    /// <param name="transform">The transform that produced the state.</param>
    /// <param name="parameters">The parameters to update in place.</param>
    /// <param name="state">The state to continue from.</param>
    public static Optimizer Create(IGradientTransform transform, ParamSet parameters, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(transform);
        Validate.NotEmpty(parameters, nameof(parameters));
        ArgumentNullException.ThrowIfNull(state);
        var optimizer = new Optimizer(transform, parameters, transform.Init(parameters));
        optimizer.Restore(state);
        return optimizer;
    }

    /// <summary>
    /// One optimizer step: updates <see cref="Parameters"/> in place from <paramref name="gradients"/>. If it throws
    /// (mismatched names or shapes, a non-finite gradient under <see cref="NonFinitePolicy.Throw"/>, a schedule giving
    /// a bad value), nothing has changed.
    /// </summary>
    /// <param name="gradients">The loss gradients, named and shaped like <see cref="Parameters"/> (any order).</param>
    public void Step(ParamSet gradients)
    {
        var g = Validate.Aligned(Parameters, nameof(gradients), gradients, "parameters");
        if (_program is null)
        {
            StepPure(gradients);
            return;
        }

        var zero = false;
        var bad = 0L;
        if (_program.Guard is { } guard)
        {
            for (var i = 0; i < g.Length; i++)
            {
                var data = Buffers.Data(g[i]);
                if (Kernels.AllFinite(data))
                {
                    continue;
                }

                var count = Kernels.CountNonFinite(data, out var first);
                if (guard.Policy == NonFinitePolicy.Throw)
                {
                    var rows = Math.Max(g[i].Rows, 1);
                    throw new NonFiniteGradientException(g[i].Name, count, first % rows, first / rows, data[first]);
                }

                bad += count;
            }

            if (bad > 0 && guard.Policy == NonFinitePolicy.Skip)
            {
                _skipped++;
                StepCount++;
                return;
            }

            zero = bad > 0;
        }

        _program.Run(Parameters.Items, g, _executed, zero);
        if (zero)
        {
            _zeroedEntries += bad;
            _zeroedSteps++;
        }

        _executed++;
        StepCount++;
    }

    /// <summary>Replaces the state (for example from a checkpoint); the state is deep-copied and checked against the parameters.</summary>
    /// <param name="state">A state of <see cref="Transform"/> for these parameters.</param>
    /// <exception cref="ArgumentException">The state does not belong to this transform or these parameters.</exception>
    public void Restore(TransformState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var copy = StateCopy.Materialize(state, 0, 0, 0, 0, deepCopy: true);
        var program = FusedProgram.TryCompile(Transform, copy, Parameters);
        if (program is null)
        {
            // Let the pure path check the state's type and buffers without changing anything: a zero-gradient dry run.
            Transform.Update(ParamSet.ZerosLike(Parameters), copy, Parameters);
        }

        _state = copy;
        _program = program;
        _executed = 0;
        _skipped = _zeroedEntries = _zeroedSteps = 0;
    }

    /// <summary>How each parameter is decayed or penalized, with the per-step shrink, at the current step.</summary>
    public DecayPlan DescribeDecay() => DecayPlan.Of(Transform, Parameters, StepCount);

    private void StepPure(ParamSet gradients)
    {
        var current = StateCopy.Materialize(_state, _executed, _skipped, _zeroedEntries, _zeroedSteps, deepCopy: false);
        var step = Transform.Update(gradients, current, Parameters);
        var next = Updates.Apply(Parameters, step.Updates);
        var items = Parameters.Items;
        for (var i = 0; i < items.Length; i++)
        {
            Buffers.Data(next[i]).CopyTo(Buffers.Data(items[i]), 0);
        }

        _state = step.State;
        _executed = 0;
        _skipped = _zeroedEntries = _zeroedSteps = 0;
        StepCount++;
    }
}
