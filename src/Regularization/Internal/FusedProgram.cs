namespace Regularization.Internal;

/// <summary>
/// A transform tree compiled for in-place execution: for every parameter, the primitives that act on it, bound to
/// the state buffers (owned by the facade) they read and write. Compilation succeeds only when every parameter's
/// primitives follow the fused kernels' order:
/// <c>[Scale] [AddDecayedWeights] [Trace | ScaleByAdam] ScaleByLearningRate [AddDecoupledWeightDecay] [Proximal]</c>,
/// with masks and partitions deciding which primitives a parameter gets, and at most one non-finite guard at the top.
/// </summary>
internal sealed class FusedProgram
{
    private readonly Node[] _nodes;
    private readonly ParamPlan[] _plans;

    private FusedProgram(Node[] nodes, ParamPlan[] plans, NonFiniteGuardTransform? guard)
    {
        _nodes = nodes;
        _plans = plans;
        Guard = guard;
    }

    /// <summary>The top-level guard, if any.</summary>
    public NonFiniteGuardTransform? Guard { get; }

    /// <summary>Compiles <paramref name="transform"/> over <paramref name="parameters"/> with its state; null when it cannot be fused.</summary>
    public static FusedProgram? TryCompile(IGradientTransform transform, TransformState state, ParamSet parameters)
    {
        var guard = transform as NonFiniteGuardTransform;
        var root = guard?.Inner ?? transform;
        var rootState = state;
        if (guard is not null)
        {
            if (state is not NonFiniteState g)
            {
                return null;
            }

            rootState = g.Inner;
        }

        var nodes = new List<Node>();
        var ops = new List<Op>[parameters.Count];
        for (var i = 0; i < ops.Length; i++)
        {
            ops[i] = new List<Op>();
        }

        var all = Enumerable.Range(0, parameters.Count).ToArray();
        if (!Collect(root, rootState, parameters, all, nodes, ops))
        {
            return null;
        }

        var plans = new ParamPlan[parameters.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var plan = ParamPlan.TryCreate(parameters[i], ops[i]);
            if (plan is null)
            {
                return null;
            }

            plans[i] = plan;
        }

        return new FusedProgram(nodes.ToArray(), plans, guard);
    }

    /// <summary>
    /// Computes every node's scalars for the step (this may throw, for example for a schedule that gives NaN: nothing
    /// has been written yet), then updates every parameter in place and the state buffers it is bound to.
    /// </summary>
    public void Run(Param[] parameters, Param[] gradients, long executed, bool zeroNonFinite)
    {
        Prepare(executed);
        for (var i = 0; i < _plans.Length; i++)
        {
            var p = Buffers.Data(parameters[i]);
            _plans[i].Run(p, Buffers.Data(gradients[i]), zeroNonFinite, p, apply: true);
        }
    }

    /// <summary>
    /// Like <see cref="Run"/>, but writes the updates into <paramref name="updates"/> and leaves the parameters alone
    /// (the pure chain: the state buffers it is bound to are the new state's).
    /// </summary>
    public void RunUpdates(Param[] parameters, Param[] gradients, double[][] updates)
    {
        Prepare(0);
        for (var i = 0; i < _plans.Length; i++)
        {
            _plans[i].Run(Buffers.Data(parameters[i]), Buffers.Data(gradients[i]), zeroNonFinite: false, updates[i], apply: false);
        }
    }

    private void Prepare(long executed)
    {
        foreach (var node in _nodes)
        {
            node.Prepare(executed);
        }
    }

    private static bool Collect(IGradientTransform t, TransformState state, ParamSet parameters, int[] included, List<Node> nodes, List<Op>[] ops)
    {
        switch (t)
        {
            case ChainTransform chain when state is ChainState cs && cs.Inner.Count == chain.Transforms.Count:
                for (var k = 0; k < chain.Transforms.Count; k++)
                {
                    if (!Collect(chain.Transforms[k], cs.Inner[k], parameters, included, nodes, ops))
                    {
                        return false;
                    }
                }

                return true;
            case MaskedTransform masked when state is MaskedState ms:
                return Collect(masked.Inner, ms.Inner, parameters, included.Where(i => masked.Mask.Includes(parameters[i])).ToArray(), nodes, ops);
            case PartitionTransform partition when state is PartitionState ps && ps.Groups.Count == partition.Groups.Count:
                var subset = parameters.Where((_, i) => included.Contains(i));
                var assignment = partition.Assign(new ParamSet(subset));
                for (var k = 0; k < partition.Groups.Count; k++)
                {
                    var members = included.Where((_, j) => assignment[j] == k).ToArray();
                    if (!Collect(partition.Groups[k].Transform, ps.Groups[k], parameters, members, nodes, ops))
                    {
                        return false;
                    }
                }

                return true;
            case ScaleTransform scale when state is EmptyState:
                return AddAll(included, ops, new Op(OpKind.Scale, new ScaleNode(scale.Factor)), nodes);
            case AddDecayedWeightsTransform decay when state is CountState c:
                return AddAll(included, ops, new Op(OpKind.Decay, new ScheduleNode(decay.WeightDecay, c.Count, "weight decay")), nodes);
            case ScaleByLearningRateTransform lr when state is CountState c:
                return AddAll(included, ops, new Op(OpKind.LearningRate, new ScheduleNode(lr.LearningRate, c.Count, "learning rate")), nodes);
            case AddDecoupledWeightDecayTransform d when state is CountState c:
                return AddAll(included, ops, new Op(OpKind.Decoupled, new DecoupledNode(d, c.Count)), nodes);
            case ProximalTransform prox when state is CountState c:
                return AddAll(included, ops, new Op(OpKind.Proximal, new ProximalNode(prox, c.Count)), nodes);
            case TraceTransform trace when state is TraceState ts:
                var traceNode = new TraceNode(trace, ts.Count);
                nodes.Add(traceNode);
                foreach (var i in included)
                {
                    if (!ts.Trace.TryGet(parameters[i].Name, out var buffer) || !SameShape(buffer, parameters[i]))
                    {
                        return false;
                    }

                    ops[i].Add(new Op(OpKind.Trace, traceNode, Buffers.Data(buffer)));
                }

                return true;
            case ScaleByAdamTransform adam when state is AdamState st:
                var adamNode = new AdamNode(adam, st.Count);
                nodes.Add(adamNode);
                foreach (var i in included)
                {
                    var name = parameters[i].Name;
                    if (!st.Mu.TryGet(name, out var m) || !st.Nu.TryGet(name, out var v) || !SameShape(m, parameters[i]) || !SameShape(v, parameters[i]))
                    {
                        return false;
                    }

                    double[] max = [];
                    if (adam.AmsGrad)
                    {
                        if (!st.MaxNu.TryGet(name, out var x) || !SameShape(x, parameters[i]))
                        {
                            return false;
                        }

                        max = Buffers.Data(x);
                    }

                    ops[i].Add(new Op(OpKind.Adam, adamNode, Buffers.Data(m), Buffers.Data(v), max));
                }

                return true;
            default:
                return false;
        }
    }

    private static bool SameShape(Param a, Param b) => a.Rows == b.Rows && a.Columns == b.Columns;

    private static bool AddAll(int[] included, List<Op>[] ops, Op op, List<Node> nodes)
    {
        nodes.Add(op.Node);
        foreach (var i in included)
        {
            ops[i].Add(op);
        }

        return true;
    }

    private enum OpKind
    {
        Scale,
        Decay,
        Trace,
        Adam,
        LearningRate,
        Decoupled,
        Proximal,
    }

    private sealed record Op(OpKind Kind, Node Node, double[]? Buffer1 = null, double[]? Buffer2 = null, double[]? Buffer3 = null);

    /// <summary>One primitive of the tree: computes its scalars once per step.</summary>
    private abstract class Node
    {
        public abstract void Prepare(long executed);
    }

    private sealed class ScaleNode(double factor) : Node
    {
        public double Factor { get; } = factor;

        public override void Prepare(long executed)
        {
        }
    }

    private sealed class ScheduleNode(Schedule schedule, long count, string role) : Node
    {
        public double Value { get; private set; }

        public override void Prepare(long executed) => Value = schedule.Checked(count + executed, role);
    }

    private sealed class DecoupledNode(AddDecoupledWeightDecayTransform transform, long count) : Node
    {
        public double Coefficient { get; private set; }

        public override void Prepare(long executed) => Coefficient = transform.Coefficient(count + executed);
    }

    private sealed class ProximalNode(ProximalTransform transform, long count) : Node
    {
        public double Threshold { get; private set; }

        public double Divisor { get; private set; }

        public override void Prepare(long executed) => (Threshold, Divisor) = transform.At(count + executed);
    }

    private sealed class TraceNode(TraceTransform transform, long count) : Node
    {
        public TraceTransform Transform { get; } = transform;

        public bool First { get; private set; }

        public override void Prepare(long executed) => First = count + executed == 0;
    }

    private sealed class AdamNode(ScaleByAdamTransform transform, long count) : Node
    {
        public AdamScalars Scalars { get; private set; }

        public override void Prepare(long executed) =>
            Scalars = new AdamScalars(transform.Beta1, transform.Beta2, transform.Epsilon, transform.AmsGrad, count + executed + 1);
    }

    /// <summary>The fused update of one parameter.</summary>
    private sealed class ParamPlan
    {
        private Op? _scale;
        private Op? _decay;
        private Op? _trace;
        private Op? _adam;
        private Op _lr = null!;
        private Op? _decoupled;
        private Op? _proximal;

        public static ParamPlan? TryCreate(Param parameter, List<Op> ops)
        {
            // The order the kernels implement: each kind at most once, in this order, the learning rate required.
            var plan = new ParamPlan();
            var position = 0;
            var order = new[] { OpKind.Scale, OpKind.Decay, OpKind.Trace, OpKind.LearningRate, OpKind.Decoupled, OpKind.Proximal };
            foreach (var op in ops)
            {
                var kind = op.Kind == OpKind.Adam ? OpKind.Trace : op.Kind;
                var at = Array.IndexOf(order, kind, position);
                if (at < 0)
                {
                    return null;
                }

                position = at + 1;
                switch (op.Kind)
                {
                    case OpKind.Scale: plan._scale = op; break;
                    case OpKind.Decay: plan._decay = op; break;
                    case OpKind.Trace: plan._trace = op; break;
                    case OpKind.Adam: plan._adam = op; break;
                    case OpKind.LearningRate: plan._lr = op; break;
                    case OpKind.Decoupled: plan._decoupled = op; break;
                    case OpKind.Proximal: plan._proximal = op; break;
                }
            }

            _ = parameter;
            return plan._lr is null ? null : plan;
        }

        public void Run(double[] p, double[] g, bool zeroNonFinite, double[] destination, bool apply)
        {
            var scale = (_scale?.Node as ScaleNode)?.Factor;
            var decay = (_decay?.Node as ScheduleNode)?.Value ?? 0;
            var lr = ((ScheduleNode)_lr.Node).Value;
            var c = (_decoupled?.Node as DecoupledNode)?.Coefficient ?? 0;
            var prox = _proximal?.Node as ProximalNode;
            var hasProx = prox is not null && !(prox.Threshold == 0 && prox.Divisor == 1);
            if (_adam is not null)
            {
                var s = new AdamFusedScalars
                {
                    Apply = apply,
                    ZeroNonFinite = zeroNonFinite,
                    HasScale = scale.HasValue,
                    Scale = scale ?? 1,
                    HasDecay = decay != 0,
                    Decay = decay,
                    Adam = ((AdamNode)_adam.Node).Scalars,
                    NegLearningRate = -lr,
                    HasDecoupled = c != 0,
                    NegDecoupled = -c,
                    HasProximal = hasProx,
                    Threshold = prox?.Threshold ?? 0,
                    Divisor = prox?.Divisor ?? 1,
                };
                FusedKernels.Adam(p, g, _adam.Buffer1, _adam.Buffer2, _adam.Buffer3, destination, s);
            }
            else
            {
                var trace = _trace?.Node as TraceNode;
                var s = new SgdScalars
                {
                    Apply = apply,
                    ZeroNonFinite = zeroNonFinite,
                    HasScale = scale.HasValue,
                    Scale = scale ?? 1,
                    HasDecay = decay != 0,
                    Decay = decay,
                    HasMomentum = trace is not null,
                    FirstStep = trace?.First ?? false,
                    Nesterov = trace?.Transform.Nesterov ?? false,
                    Momentum = trace?.Transform.Momentum ?? 0,
                    OneMinusDampening = 1 - (trace?.Transform.Dampening ?? 0),
                    NegLearningRate = -lr,
                    HasDecoupled = c != 0,
                    NegDecoupled = -c,
                    HasProximal = hasProx,
                    Threshold = prox?.Threshold ?? 0,
                    Divisor = prox?.Divisor ?? 1,
                };
                FusedKernels.Sgd(p, g, _trace?.Buffer1, destination, s);
            }
        }
    }
}
