using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// The C# facade: an optimizer that owns its state and updates the parameters' matrices in place, PyTorch style.
/// It runs any <see cref="IGradientTransform"/> and gives exactly the bits of the pure path
/// (<see cref="IGradientTransform.Update{T}"/> followed by <see cref="Updates.Apply{T}"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// A transform made of element-wise primitives (every optimizer of <see cref="Optimizers"/>, user primitives derived
/// from <see cref="ElementwiseTransform"/>, in any chain order, with masks, groups and the non-finite guard) runs fused:
/// one pass over each parameter, its gradient and its state per step, with no allocation. Other transforms run through
/// the pure path and the result is copied into the parameters. <see cref="IsFused"/> tells which.
/// </para>
/// <para>
/// Not thread-safe: one optimizer, one training loop. A <see cref="Step"/> entered while another is running on the same
/// optimizer throws <see cref="InvalidOperationException"/> (a compare-and-swap flag, checked before anything changes).
/// </para>
/// <example>
/// <code>
/// Optimizer&lt;float&gt; optimizer = Optimizer.AdamW(learningRate: 1e-3).WeightDecay(0.01).ExcludeBiases().Build(model.Parameters);
/// for (...)
/// {
///     ParamSet&lt;float&gt; gradients = model.Backward(batch);
///     optimizer.Step(gradients);          // model.Parameters' matrices change in place
/// }
/// </code>
/// </example>
/// </remarks>
public sealed class Optimizer<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private TransformState _state;
    private Plan<T>? _plan;
    private long[] _counts = [];
    private T[][][][] _slots = [];
    private T[] _scratch = [];
    private T[][] _p = [];
    private long _skipped;
    private long _zeroedEntries;
    private long _zeroedSteps;
    private int _busy;

    internal Optimizer(IGradientTransform transform, ParamSet<T> parameters, TransformState state)
    {
        Transform = transform;
        Parameters = parameters;
        _state = state;
        Compile(state);
    }

    /// <summary>The parameters; their matrices change in place at each <see cref="Step"/>.</summary>
    public ParamSet<T> Parameters { get; }

    /// <summary>The pure transform this optimizer runs.</summary>
    public IGradientTransform Transform { get; }

    /// <summary>True when steps run as one fused in-place pass; false when they run the pure path and copy.</summary>
    public bool IsFused => _plan is not null;

    /// <summary>Completed calls of <see cref="Step"/> (skipped steps included, thrown ones not).</summary>
    public long StepCount { get; private set; }

    /// <summary>Steps skipped because a gradient held NaN or an infinity (<see cref="NonFinitePolicy.Skip"/>).</summary>
    public long SkippedSteps => (State as NonFiniteState)?.SkippedSteps ?? 0;

    /// <summary>Gradient entries replaced by zero (<see cref="NonFinitePolicy.Zero"/>).</summary>
    public long ZeroedEntries => (State as NonFiniteState)?.ZeroedEntries ?? 0;

    /// <summary>
    /// A deep copy of the state, equal to the state the pure path would hold after the same steps
    /// (use it for checkpoints, with <see cref="Restore"/> or <see cref="StateCodec"/>).
    /// </summary>
    public TransformState State
    {
        get
        {
            if (_plan is null)
            {
                return _state;
            }

            var copies = _slots.Select(node => node.Select(slot => slot.Select(a => (T[])a.Clone()).ToArray()).ToArray()).ToArray();
            var inner = _plan.Rebuild(_plan.NodeStates(_counts, copies));
            return _plan.GuardState is { } g
                ? new NonFiniteState(inner, g.SkippedSteps + _skipped, g.ZeroedEntries + _zeroedEntries, g.ZeroedSteps + _zeroedSteps)
                : inner;
        }
    }

    /// <summary>
    /// One optimizer step: updates <see cref="Parameters"/> in place from <paramref name="gradients"/>. If it throws
    /// (mismatched names or shapes, a non-finite gradient under <see cref="NonFinitePolicy.Throw"/>, a schedule giving
    /// a bad value, a concurrent call), nothing has changed.
    /// </summary>
    /// <param name="gradients">The loss gradients, named and shaped like <see cref="Parameters"/> (any order).</param>
    /// <exception cref="InvalidOperationException">Another thread is inside <see cref="Step"/> or <see cref="Restore"/> of this optimizer.</exception>
    public void Step(ParamSet<T> gradients)
    {
        Enter();
        try
        {
            var g = Validate.Aligned(Parameters, nameof(gradients), gradients, "parameters");
            if (_plan is null)
            {
                StepPure(gradients);
                return;
            }

            var bad = 0L;
            if (_plan.Guard is { } guard)
            {
                bad = NonFiniteScan.Check(g, guard.Policy);
                if (Skip(bad))
                {
                    return;
                }
            }

            _plan.PrepareRules(_counts);
            _plan.Execute(_p, Gradients(g), null, _scratch, _slots, null, bad > 0);
            Count(bad);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// <see cref="Step(ParamSet{T})"/> with the work split across <paramref name="team"/>: each member checks and
    /// updates its own contiguous share of every large parameter (<see cref="TeamShares"/>), so that data a member
    /// wrote in the backward pass stays in its core's cache. The same bits as <see cref="Step(ParamSet{T})"/>, which
    /// runs instead when the step is not fused or a parameter has a trust-ratio barrier (LAMB, LARS).
    /// </summary>
    internal void StepWithTeam(ParamSet<T> gradients, WorkTeam? team)
    {
        if (team is null || _plan is null || Array.IndexOf(_plan.Segmented, true) >= 0)
        {
            Step(gradients);
            return;
        }

        Enter();
        try
        {
            var g = Validate.Aligned(Parameters, nameof(gradients), gradients, "parameters");
            var work = _team is { } w && w.Members == team.Members ? w : _team = new TeamStepWork(this, team.Members);
            work.Gradients = Gradients(g);
            var bad = 0L;
            if (_plan.Guard is { } guard)
            {
                work.Scanning = true;
                team.Run(work);
                if (Array.IndexOf(work.NonFinite, true) >= 0)
                {
                    // Rare: the one serial scan, for its count, its policy and its message.
                    bad = NonFiniteScan.Check(g, guard.Policy);
                    if (Skip(bad))
                    {
                        return;
                    }
                }
            }

            _plan.PrepareRules(_counts);
            work.Scanning = false;
            work.Zero = bad > 0;
            team.Run(work);
            Count(bad);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Member <paramref name="member"/>'s share of a team step: <c>(parameter, from, to)</c> element ranges. A
    /// parameter of at least <see cref="TeamSplitMinimum"/> elements is split into contiguous column ranges (of
    /// <see cref="WorkTeam.Share"/>; elements for a vector), one per member; a smaller one goes to member 0 whole.
    /// </summary>
    internal static (int Param, int From, int To)[] TeamShares(ParamSet<T> parameters, int members, int member)
    {
        var shares = new List<(int, int, int)>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var q = parameters[i];
            var n = q.Rows * q.Columns;
            if (n < TeamSplitMinimum)
            {
                if (member == 0 && n > 0)
                {
                    shares.Add((i, 0, n));
                }

                continue;
            }

            var unit = q.Columns >= members ? q.Rows : 1;
            var (from, to) = WorkTeam.Share(n / unit, members, member);
            if (to > from)
            {
                shares.Add((i, from * unit, to * unit));
            }
        }

        return shares.ToArray();
    }

    /// <summary>The smallest parameter a team step splits (smaller ones are not worth a second core's cache).</summary>
    internal const int TeamSplitMinimum = 16384;

    private TeamStepWork? _team;

    /// <summary>The two phases of a team step: the guard's finiteness check, then the update, each over the member's shares.</summary>
    private sealed class TeamStepWork : ITeamWork
    {
        private readonly Optimizer<T> _owner;
        private readonly (int Param, int From, int To)[][] _shares;
        private readonly T[][] _scratch;

        public TeamStepWork(Optimizer<T> owner, int members)
        {
            _owner = owner;
            _shares = Enumerable.Range(0, members).Select(m => TeamShares(owner.Parameters, members, m)).ToArray();
            _scratch = Enumerable.Range(0, members).Select(m => m == 0 ? owner._scratch : new T[owner._scratch.Length]).ToArray();
            NonFinite = new bool[members];
        }

        public int Members => _shares.Length;

        public T[][] Gradients { get; set; } = [];

        public bool Scanning { get; set; }

        public bool Zero { get; set; }

        public bool[] NonFinite { get; }

        public void Run(int member, int members)
        {
            var shares = _shares[member];
            if (Scanning)
            {
                var finite = true;
                foreach (var (i, from, to) in shares)
                {
                    finite &= Elements.AllFinite<T>(Gradients[i].AsSpan(from, to - from));
                }

                NonFinite[member] = !finite;
                return;
            }

            _owner._plan!.ExecuteRanges(_owner._p, Gradients, _scratch[member], _owner._slots, Zero, shares);
        }
    }

    /// <summary>Replaces the state (for example from a checkpoint); the state is deep-copied and checked against the parameters.</summary>
    /// <param name="state">A state of <see cref="Transform"/> for these parameters.</param>
    /// <exception cref="ArgumentException">The state does not belong to this transform or these parameters.</exception>
    public void Restore(TransformState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Enter();
        try
        {
            // Check the state without changing anything: a zero-gradient dry run of the pure path.
            Transform.Update(ParamSet<T>.ZerosLike(Parameters), state, Parameters);
            Compile(state);
            _state = state;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>How each parameter is decayed or penalized, with the per-step shrink, at the current step.</summary>
    [Pure]
    public DecayPlan DescribeDecay() => DecayPlan.Of(Transform, Parameters, StepCount);

    /// <summary>True (and the step counted as skipped) when the guard's scan says to skip the step (<paramref name="bad"/> &lt; 0).</summary>
    private bool Skip(long bad)
    {
        if (bad >= 0)
        {
            return false;
        }

        _skipped++;
        StepCount++;
        return true;
    }

    /// <summary>The bookkeeping after a fused step ran: the zeroed entries, the nodes' step counts, the step.</summary>
    private void Count(long bad)
    {
        if (bad > 0)
        {
            _zeroedEntries += bad;
            _zeroedSteps++;
        }

        for (var k = 0; k < _counts.Length; k++)
        {
            _counts[k]++;
        }

        StepCount++;
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                "This Optimizer is already inside Step or Restore on another thread; an optimizer is not thread-safe (use one per training loop, or lock around Step).");
        }
    }

    private void Compile(TransformState state)
    {
        var plan = Plan<T>.TryCompile(Transform, state, Parameters);
        _plan = plan;
        _team = null;
        _skipped = _zeroedEntries = _zeroedSteps = 0;
        if (plan is null)
        {
            return;
        }

        // The facade owns deep copies of the slots and updates them in place.
        _slots = plan.SlotArrays().Select(node => node.Select(slot => slot.Select(a => (T[])a.Clone()).ToArray()).ToArray()).ToArray();
        _counts = plan.Nodes.Select(n => n.State.Count).ToArray();
        _scratch = new T[plan.ScratchLength];
        _p = Parameters.Items.Select(q => q.Value.AsColumnMajorArray()).ToArray();
        _gradients = new T[_p.Length][];
    }

    private T[][] _gradients = [];

    private T[][] Gradients(Param<T>[] g)
    {
        for (var i = 0; i < g.Length; i++)
        {
            _gradients[i] = g[i].Value.AsColumnMajorArray();
        }

        return _gradients;
    }

    private void StepPure(ParamSet<T> gradients)
    {
        var step = Transform.Update(gradients, _state, Parameters);
        var next = Updates.Apply(Parameters, step.Updates);
        var items = Parameters.Items;
        for (var i = 0; i < items.Length; i++)
        {
            next[i].Value.AsColumnMajorArray().CopyTo(items[i].Value.AsColumnMajorArray(), 0);
        }

        _state = step.State;
        StepCount++;
    }
}

/// <summary>Builders and factories of the facade <see cref="Optimizer{T}"/>.</summary>
/// <example>
/// <code>
/// var optimizer = Optimizer.Sgd(0.01).WeightDecay(1e-4).Build(parameters);
/// var same = Optimizer.Create(Optimizers.Sgd(0.01, weightDecay: 1e-4), parameters);
/// </code>
/// </example>
public static class Optimizer
{
    /// <summary>Builder for SGD (PyTorch <c>torch.optim.SGD</c>, coupled decay).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Sgd(double learningRate) => OptimizerBuilder.Create(BuilderFamily.Sgd, learningRate, 0);

    /// <summary>Builder for SGDW (SGD with decoupled decay).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <param name="weightDecay">The decoupled decay, &gt;= 0.</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder SgdW(double learningRate, double weightDecay) => OptimizerBuilder.Create(BuilderFamily.SgdW, learningRate, weightDecay);

    /// <summary>Builder for Adam (PyTorch <c>torch.optim.Adam</c>, coupled decay, default learning rate 1e-3).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Adam(double learningRate = 1e-3) => OptimizerBuilder.Create(BuilderFamily.Adam, learningRate, 0);

    /// <summary>Builder for AdamW (PyTorch <c>torch.optim.AdamW</c>, default learning rate 1e-3 and decay 1e-2).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder AdamW(double learningRate = 1e-3) => OptimizerBuilder.Create(BuilderFamily.AdamW, learningRate, 1e-2);

    /// <summary>
    /// Builder for RMSprop (<see cref="Optimizers.RmsProp(double, double, double, double, double, bool, bool)"/>, coupled
    /// decay); options <c>Alpha</c>, <c>Centered</c>, <c>Momentum</c>, <c>Epsilon</c>.
    /// </summary>
    /// <example><code>var opt = Optimizer.RmsProp(1e-3).Momentum(0.9).Centered().WeightDecay(1e-4).ExcludeBiases().Build(parameters);</code></example>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-2).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder RmsProp(double learningRate = 1e-2) => OptimizerBuilder.Create(BuilderFamily.RmsProp, learningRate, 0);

    /// <summary>Builder for Adagrad (<see cref="Optimizers.Adagrad(double, double, double, double, double, bool)"/>); options <c>LrDecay</c>, <c>InitialAccumulatorValue</c>, <c>Epsilon</c> (default 1e-10).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-2).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Adagrad(double learningRate = 1e-2) => OptimizerBuilder.Create(BuilderFamily.Adagrad, learningRate, 0);

    /// <summary>Builder for Adadelta (<see cref="Optimizers.Adadelta(double, double, double, double, bool)"/>); options <c>Rho</c>, <c>Epsilon</c> (default 1e-6).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1.0).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Adadelta(double learningRate = 1.0) => OptimizerBuilder.Create(BuilderFamily.Adadelta, learningRate, 0);

    /// <summary>Builder for Adamax (<see cref="Optimizers.Adamax(double, double, double, double, double, bool)"/>); options <c>Betas</c>, <c>Epsilon</c>.</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 2e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Adamax(double learningRate = 2e-3) => OptimizerBuilder.Create(BuilderFamily.Adamax, learningRate, 0);

    /// <summary>Builder for NAdam (<see cref="Optimizers.NAdam(double, double, double, double, double, double)"/>, coupled decay); options <c>Betas</c>, <c>Epsilon</c>, <c>MomentumDecay</c>.</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 2e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder NAdam(double learningRate = 2e-3) => OptimizerBuilder.Create(BuilderFamily.NAdam, learningRate, 0);

    /// <summary>Builder for RAdam (<see cref="Optimizers.RAdam(double, double, double, double, double)"/>, coupled decay); options <c>Betas</c>, <c>Epsilon</c>.</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder RAdam(double learningRate = 1e-3) => OptimizerBuilder.Create(BuilderFamily.RAdam, learningRate, 0);

    /// <summary>Builder for NAdamW (<see cref="Optimizers.NAdamW(double, double, double, double, double, double)"/>, decoupled decay, default 1e-2).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 2e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder NAdamW(double learningRate = 2e-3) => OptimizerBuilder.Create(BuilderFamily.NAdamW, learningRate, 1e-2);

    /// <summary>Builder for RAdamW (<see cref="Optimizers.RAdamW(double, double, double, double, double)"/>, decoupled decay, default 1e-2).</summary>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder RAdamW(double learningRate = 1e-3) => OptimizerBuilder.Create(BuilderFamily.RAdamW, learningRate, 1e-2);

    /// <summary>
    /// Builder for ASGD (<see cref="Optimizers.Asgd(double, double, double, double, double, bool)"/>, coupled decay);
    /// options <c>Lambd</c>, <c>Alpha</c> (the power of the step-size decay), <c>T0</c>.
    /// </summary>
    /// <example><code>var opt = Optimizer.Asgd(0.05).T0(100).WeightDecay(1e-4).ExcludeBiases().Build(parameters);</code></example>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-2).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Asgd(double learningRate = 1e-2) => OptimizerBuilder.Create(BuilderFamily.Asgd, learningRate, 0);

    /// <summary>
    /// Builder for Rprop (<see cref="Optimizers.Rprop(double, double, double, double, double, bool)"/>, no weight decay, as
    /// PyTorch's); options <c>Etas</c>, <c>StepSizes</c>, and a learning-rate schedule (its multiplier scales the update).
    /// </summary>
    /// <example><code>var opt = Optimizer.Rprop(0.01).Etas(0.5, 1.2).StepSizes(1e-6, 1).Build(parameters);</code></example>
    /// <param name="learningRate">The initial step size, &gt; 0 (default 1e-2).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Rprop(double learningRate = 1e-2) => OptimizerBuilder.Create(BuilderFamily.Rprop, learningRate, 0);

    /// <summary>
    /// Builder for Lion (<see cref="Optimizers.Lion(double, double, double, double)"/>, decoupled decay on the sign update,
    /// default decay 0); options <c>Betas</c> (default (0.9, 0.99)), <c>DecayScaling</c>.
    /// </summary>
    /// <example><code>var opt = Optimizer.Lion(3e-4).WeightDecay(0.1).ExcludeBiases().Build(parameters);</code></example>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-4).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Lion(double learningRate = 1e-4) => OptimizerBuilder.Create(BuilderFamily.Lion, learningRate, 0);

    /// <summary>
    /// Builder for LAMB (<see cref="Optimizers.Lamb(double, double, double, double, double, bool, double)"/>, decay inside
    /// the trust ratio); options <c>Betas</c>, <c>Epsilon</c> (default 1e-6), <c>BiasCorrection</c>, <c>MaxWeightNorm</c>,
    /// <c>TrustRatioOnly</c>.
    /// </summary>
    /// <example><code>var opt = Optimizer.Lamb(1e-3).WeightDecay(0.01).ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors).Build(parameters);</code></example>
    /// <param name="learningRate">The learning rate, &gt; 0 (default 1e-3).</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Lamb(double learningRate = 1e-3) => OptimizerBuilder.Create(BuilderFamily.Lamb, learningRate, 0);

    /// <summary>
    /// Builder for LARS (<see cref="Optimizers.Lars(double, double, double, double, double, bool)"/>, coupled decay through
    /// the trust ratio); options <c>Momentum</c> (default 0.9; Nesterov allowed, no dampening), <c>TrustCoefficient</c>,
    /// <c>Epsilon</c> (default 0), <c>TrustRatioOnly</c>.
    /// </summary>
    /// <example><code>var opt = Optimizer.Lars(0.2).WeightDecay(1.5e-6).ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors).Build(parameters);</code></example>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    /// <returns>The builder.</returns>
    public static OptimizerBuilder Lars(double learningRate) => OptimizerBuilder.Create(BuilderFamily.Lars, learningRate, 0);

    /// <summary>An optimizer that runs <paramref name="transform"/> on <paramref name="parameters"/>, starting from <c>transform.Init</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="transform">Any transform, for example <c>Optimizers.Sgd(0.01, weightDecay: 1e-4)</c>.</param>
    /// <param name="parameters">The parameters to update in place (not copied).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty or does not suit the transform.</exception>
    public static Optimizer<T> Create<T>(IGradientTransform transform, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(transform);
        Validate.NotEmpty(parameters, nameof(parameters));
        return new Optimizer<T>(transform, parameters, transform.Init(parameters));
    }

    /// <summary>An optimizer that continues from a saved state (from <see cref="Optimizer{T}.State"/> or the pure path). The state is copied.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="transform">The transform that produced the state.</param>
    /// <param name="parameters">The parameters to update in place.</param>
    /// <param name="state">The state to continue from.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer<T> Create<T>(IGradientTransform transform, ParamSet<T> parameters, TransformState state)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(state);
        var optimizer = Create(transform, parameters);
        optimizer.Restore(state);
        return optimizer;
    }
}
