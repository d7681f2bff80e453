using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Internal;

/// <summary>The number of state slots a rule touches, as a type, so that the loop loads and stores only those.</summary>
internal interface IArity
{
    static abstract int Count { get; }
}

internal readonly struct Arity0 : IArity
{
    public static int Count => 0;
}

internal readonly struct Arity1 : IArity
{
    public static int Count => 1;
}

internal readonly struct Arity2 : IArity
{
    public static int Count => 2;
}

internal readonly struct Arity3 : IArity
{
    public static int Count => 3;
}

internal readonly struct Arity4 : IArity
{
    public static int Count => 4;
}

/// <summary>Runs one rule over one block of elements.</summary>
internal abstract class BlockRunner<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>The rule over the block: <c>u</c> in, the new <c>u</c> out.</summary>
    public void Run(Span<T> p, Span<T> u, Span<T> s0, Span<T> s1, Span<T> s2, Span<T> s3) => Run(p, u, u, false, s0, s1, s2, s3);

    /// <summary>
    /// The rule over the block with the update read from <paramref name="source"/> (the gradient, for a parameter's
    /// first rule; <paramref name="u"/> itself otherwise) and, when <paramref name="apply"/>, written as <c>p + u</c>
    /// into <paramref name="p"/> instead of into <paramref name="u"/> (a parameter's last rule in the in-place step).
    /// Both save a pass over the block and the same numbers come out: <c>p + u</c> is one rounding either way.
    /// </summary>
    public abstract void Run(Span<T> p, ReadOnlySpan<T> source, Span<T> u, bool apply, Span<T> s0, Span<T> s1, Span<T> s2, Span<T> s3);

    /// <summary>The number of state slots the rule touches.</summary>
    public abstract int SlotCount { get; }

    /// <summary>
    /// The runner of this rule followed by <paramref name="next"/>'s in one loop, over this rule's slots then the next
    /// one's (<paramref name="reuse"/> when it is a runner of that type, which then takes the new rules; otherwise a new
    /// one), or null when the two rules touch more than four slots together.
    /// </summary>
    public abstract BlockRunner<T>? Then(BlockRunner<T> next, BlockRunner<T>? reuse);

    /// <summary>The second half of <see cref="Then"/>: this runner's rule after <paramref name="first"/>.</summary>
    protected internal abstract BlockRunner<T>? After<TFirst, TFirstArity>(TFirst first, BlockRunner<T>? reuse)
        where TFirst : struct, IElementRule<T>
        where TFirstArity : struct, IArity;
}

/// <summary>
/// Two rules as one: <typeparamref name="TFirst"/> on slots 0 to its arity - 1, then <typeparamref name="TSecond"/> on
/// the slots after those, each element getting exactly the operations the two rules give it one after the other. A
/// rule sees only its own slots (the others are scratch values), so neither can write the other's.
/// </summary>
/// <remarks>Not readonly: calls on a readonly struct's fields of a type parameter would copy the rules at every vector.</remarks>
internal struct ComposedRule<T, TFirst, TFirstArity, TSecond>(TFirst first, TSecond second) : IElementRule<T>
    where T : struct, IEquatable<T>, IFormattable
    where TFirst : struct, IElementRule<T>
    where TFirstArity : struct, IArity
    where TSecond : struct, IElementRule<T>
{
    private TFirst _first = first;
    private TSecond _second = second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
    {
        Vector<T> d0 = default, d1 = default, d2 = default, d3 = default;
        switch (TFirstArity.Count)
        {
            case 0:
                _first.Apply(p, ref u, ref d0, ref d1, ref d2, ref d3);
                _second.Apply(p, ref u, ref s0, ref s1, ref s2, ref s3);
                break;
            case 1:
                _first.Apply(p, ref u, ref s0, ref d1, ref d2, ref d3);
                _second.Apply(p, ref u, ref s1, ref s2, ref s3, ref d0);
                break;
            case 2:
                _first.Apply(p, ref u, ref s0, ref s1, ref d2, ref d3);
                _second.Apply(p, ref u, ref s2, ref s3, ref d0, ref d1);
                break;
            case 3:
                _first.Apply(p, ref u, ref s0, ref s1, ref s2, ref d3);
                _second.Apply(p, ref u, ref s3, ref d0, ref d1, ref d2);
                break;
            default:
                _first.Apply(p, ref u, ref s0, ref s1, ref s2, ref s3);
                _second.Apply(p, ref u, ref d0, ref d1, ref d2, ref d3);
                break;
        }
    }
}

/// <summary>
/// The library's one element loop: hardware vectors over the block, then the tail through a padded vector, so that
/// the rule's vector arithmetic is the only arithmetic there is (no scalar copy of any rule).
/// </summary>
internal sealed class BlockRunner<T, TRule, TArity> : BlockRunner<T>
    where T : struct, IEquatable<T>, IFormattable
    where TRule : struct, IElementRule<T>
    where TArity : struct, IArity
{
    public TRule Rule;

    public override int SlotCount => TArity.Count;

    public override BlockRunner<T>? Then(BlockRunner<T> next, BlockRunner<T>? reuse) => next.After<TRule, TArity>(Rule, reuse);

    protected internal override BlockRunner<T>? After<TFirst, TFirstArity>(TFirst first, BlockRunner<T>? reuse)
    {
        var rule = new ComposedRule<T, TFirst, TFirstArity, TRule>(first, Rule);
        return (TFirstArity.Count + TArity.Count) switch
        {
            0 => Composed<ComposedRule<T, TFirst, TFirstArity, TRule>, Arity0>(rule, reuse),
            1 => Composed<ComposedRule<T, TFirst, TFirstArity, TRule>, Arity1>(rule, reuse),
            2 => Composed<ComposedRule<T, TFirst, TFirstArity, TRule>, Arity2>(rule, reuse),
            3 => Composed<ComposedRule<T, TFirst, TFirstArity, TRule>, Arity3>(rule, reuse),
            4 => Composed<ComposedRule<T, TFirst, TFirstArity, TRule>, Arity4>(rule, reuse),
            _ => null,
        };
    }

    private static BlockRunner<T> Composed<TComposed, TComposedArity>(TComposed rule, BlockRunner<T>? reuse)
        where TComposed : struct, IElementRule<T>
        where TComposedArity : struct, IArity
    {
        if (reuse is BlockRunner<T, TComposed, TComposedArity> runner)
        {
            runner.Rule = rule;
            return runner;
        }

        return new BlockRunner<T, TComposed, TComposedArity> { Rule = rule };
    }

    public override void Run(Span<T> p, ReadOnlySpan<T> source, Span<T> u, bool apply, Span<T> s0, Span<T> s1, Span<T> s2, Span<T> s3)
    {
        var rule = Rule;
        var n = source.Length;
        var w = Vector<T>.Count;
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var ru = ref MemoryMarshal.GetReference(u);
        ref var r0 = ref MemoryMarshal.GetReference(s0);
        ref var r1 = ref MemoryMarshal.GetReference(s1);
        ref var r2 = ref MemoryMarshal.GetReference(s2);
        ref var r3 = ref MemoryMarshal.GetReference(s3);
        Vector<T> v0 = default, v1 = default, v2 = default, v3 = default;
        var i = 0;
        for (; i <= n - w; i += w)
        {
            var k = (nuint)i;
            var pv = Vector.LoadUnsafe(ref rp, k);
            var uv = Vector.LoadUnsafe(ref rs, k);
            if (TArity.Count > 0)
            {
                v0 = Vector.LoadUnsafe(ref r0, k);
            }

            if (TArity.Count > 1)
            {
                v1 = Vector.LoadUnsafe(ref r1, k);
            }

            if (TArity.Count > 2)
            {
                v2 = Vector.LoadUnsafe(ref r2, k);
            }

            if (TArity.Count > 3)
            {
                v3 = Vector.LoadUnsafe(ref r3, k);
            }

            rule.Apply(pv, ref uv, ref v0, ref v1, ref v2, ref v3);
            if (apply)
            {
                (pv + uv).StoreUnsafe(ref rp, k);
            }
            else
            {
                uv.StoreUnsafe(ref ru, k);
            }

            if (TArity.Count > 0)
            {
                v0.StoreUnsafe(ref r0, k);
            }

            if (TArity.Count > 1)
            {
                v1.StoreUnsafe(ref r1, k);
            }

            if (TArity.Count > 2)
            {
                v2.StoreUnsafe(ref r2, k);
            }

            if (TArity.Count > 3)
            {
                v3.StoreUnsafe(ref r3, k);
            }
        }

        if (i < n)
        {
            Tail(rule, i, p, source, u, apply, s0, s1, s2, s3);
        }
    }

    private void Tail(TRule rule, int start, Span<T> p, ReadOnlySpan<T> source, Span<T> u, bool apply, Span<T> s0, Span<T> s1, Span<T> s2, Span<T> s3)
    {
        var w = Vector<T>.Count;
        var len = source.Length - start;
        var vectors = default(TailVectors<T>);
        var buffer = MemoryMarshal.CreateSpan(ref Unsafe.As<Vector<T>, T>(ref vectors[0]), 6 * w);
        p.Slice(start, len).CopyTo(buffer);
        source.Slice(start, len).CopyTo(buffer.Slice(w));
        if (TArity.Count > 0)
        {
            s0.Slice(start, len).CopyTo(buffer.Slice(2 * w));
        }

        if (TArity.Count > 1)
        {
            s1.Slice(start, len).CopyTo(buffer.Slice(3 * w));
        }

        if (TArity.Count > 2)
        {
            s2.Slice(start, len).CopyTo(buffer.Slice(4 * w));
        }

        if (TArity.Count > 3)
        {
            s3.Slice(start, len).CopyTo(buffer.Slice(5 * w));
        }

        var pv = new Vector<T>(buffer.Slice(0, w));
        var uv = new Vector<T>(buffer.Slice(w, w));
        var v0 = new Vector<T>(buffer.Slice(2 * w, w));
        var v1 = new Vector<T>(buffer.Slice(3 * w, w));
        var v2 = new Vector<T>(buffer.Slice(4 * w, w));
        var v3 = new Vector<T>(buffer.Slice(5 * w, w));
        rule.Apply(pv, ref uv, ref v0, ref v1, ref v2, ref v3);
        (apply ? pv + uv : uv).CopyTo(buffer.Slice(w, w));
        v0.CopyTo(buffer.Slice(2 * w, w));
        v1.CopyTo(buffer.Slice(3 * w, w));
        v2.CopyTo(buffer.Slice(4 * w, w));
        v3.CopyTo(buffer.Slice(5 * w, w));
        buffer.Slice(w, len).CopyTo(apply ? p.Slice(start) : u.Slice(start));
        if (TArity.Count > 0)
        {
            buffer.Slice(2 * w, len).CopyTo(s0.Slice(start));
        }

        if (TArity.Count > 1)
        {
            buffer.Slice(3 * w, len).CopyTo(s1.Slice(start));
        }

        if (TArity.Count > 2)
        {
            buffer.Slice(4 * w, len).CopyTo(s2.Slice(start));
        }

        if (TArity.Count > 3)
        {
            buffer.Slice(5 * w, len).CopyTo(s3.Slice(start));
        }
    }
}

/// <summary>
/// The padded vectors of a block's tail (p, u and four slots), on the caller's stack: a runner is shared by the
/// parameters of its group and, in a team step (<see cref="Plan{T}.ExecuteRanges"/>), by the team's threads.
/// </summary>
[InlineArray(6)]
internal struct TailVectors<T>
    where T : struct
{
    private Vector<T> _element;
}

/// <summary>Keeps the runner of one primitive; a new rule of the same type reuses it (no allocation per step).</summary>
internal sealed class RuleSink<T> : IElementRuleSink<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly int _slots;
    private bool _used;

    public RuleSink(int slots) => _slots = slots;

    public BlockRunner<T>? Runner { get; private set; }

    public void Reset() => _used = false;

    public bool Used => _used;

    public void Use<TRule>(TRule rule)
        where TRule : struct, IElementRule<T>
    {
        if (_used)
        {
            throw new InvalidOperationException("CreateRule must call sink.Use exactly once per step.");
        }

        _used = true;
        switch (_slots)
        {
            case 0: Set<TRule, Arity0>(rule); break;
            case 1: Set<TRule, Arity1>(rule); break;
            case 2: Set<TRule, Arity2>(rule); break;
            case 3: Set<TRule, Arity3>(rule); break;
            default: Set<TRule, Arity4>(rule); break;
        }
    }

    private void Set<TRule, TArity>(TRule rule)
        where TRule : struct, IElementRule<T>
        where TArity : struct, IArity
    {
        if (Runner is BlockRunner<T, TRule, TArity> runner)
        {
            runner.Rule = rule;
        }
        else
        {
            Runner = new BlockRunner<T, TRule, TArity> { Rule = rule };
        }
    }
}

/// <summary>
/// A transform tree of element-wise primitives and the combinators (chain, mask, partition, a root guard), compiled for
/// one parameter layout: for each parameter, the primitives that apply to it, in order. One <see cref="Execute"/> runs
/// the pure path (into new buffers) and the facade's in-place step.
/// </summary>
internal sealed class Plan<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>
    /// Elements per block: 64 KiB. Every node of a parameter runs over one block (in the loops of <see cref="Group"/>)
    /// before the next block starts, so each state array is read in runs of one block. With 4 KiB blocks every run was
    /// one page, where the hardware prefetchers stop, and AdamW at N = 10^7 took 25 ms in float64 against 19 ms with
    /// 64 KiB (2-core AMD EPYC Zen 5, 2026-12-03); the blocks of the four streams AdamW touches (256 KiB) still fit in
    /// a 1 MiB L2.
    /// </summary>
    public static readonly int Block = 65536 / Unsafe.SizeOf<T>();

    private Plan(
        NonFiniteGuardTransform? guard, NonFiniteState? guardState, Node[] nodes, Barrier[] barriers, int[][] ops, Func<TransformState[], TransformState> rebuild, int[] lengths)
    {
        Guard = guard;
        GuardState = guardState;
        Nodes = nodes;
        Barriers = barriers;
        Ops = ops;
        Rebuild = rebuild;
        Segmented = ops.Select(o => o.Any(k => k < 0)).ToArray();
        (_groups, _groupNodes) = Group(nodes, ops);
        _groupRunners = new BlockRunner<T>?[_groupNodes.Length];
        _composed = _groupNodes.Select(g => new BlockRunner<T>?[Math.Max(g.Length - 1, 0)]).ToArray();
        ScratchLength = Math.Max(Math.Min(Block, lengths.DefaultIfEmpty(0).Max()), lengths.Where((_, i) => Segmented[i]).DefaultIfEmpty(0).Max());
    }

    /// <summary>At most this many state slots in one fused loop (the rule interface's four).</summary>
    private const int MaxFusedSlots = 4;

    /// <summary>For each parameter, its node ops as groups (barriers between them): ops [From, To) run as one loop, runner Id.</summary>
    private readonly (int From, int To, int Id)[][] _groups;

    /// <summary>The distinct groups: the nodes each one runs, in order.</summary>
    private readonly int[][] _groupNodes;

    /// <summary>Each distinct group's runner for this step (see <see cref="PrepareRules"/>).</summary>
    private readonly BlockRunner<T>?[] _groupRunners;

    /// <summary>The composed runners of each group, kept from step to step so that composing allocates nothing.</summary>
    private readonly BlockRunner<T>?[][] _composed;

    public NonFiniteGuardTransform? Guard { get; }

    public NonFiniteState? GuardState { get; }

    public Node[] Nodes { get; }

    /// <summary>
    /// For each parameter, what runs on it in order: a node index (&gt;= 0), or <c>~b</c> for barrier <c>b</c> of
    /// <see cref="Barriers"/> (a per-parameter reduction that splits the parameter's pass in two).
    /// </summary>
    public int[][] Ops { get; }

    /// <summary>The reductions of the tree (trust ratios), in the order the walk met them.</summary>
    public Barrier[] Barriers { get; }

    /// <summary>For each parameter, whether a barrier applies to it (its pass runs in segments over the whole parameter).</summary>
    public bool[] Segmented { get; }

    /// <summary>The scratch length the in-place step needs: one block, or the largest segmented parameter.</summary>
    public int ScratchLength { get; }

    /// <summary>The state below the guard, from one state per node.</summary>
    public Func<TransformState[], TransformState> Rebuild { get; }

    public sealed class Node(ElementwiseTransform transform, SlotState<T> state, int[] members, int[] local)
    {
        public ElementwiseTransform Transform { get; } = transform;

        public SlotState<T> State { get; } = state;

        public int[] Members { get; } = members;

        public int[] Local { get; } = local;

        public RuleSink<T> Sink { get; } = new(transform.SlotNames.Count);

        public int SlotCount => Transform.SlotNames.Count;
    }

    /// <summary>
    /// A per-parameter reduction between element passes: every op before it runs over the whole parameter first, then
    /// the norms of the parameter and of the update give one factor that scales the update before the ops after it.
    /// </summary>
    public sealed class Barrier(ScaleByTrustRatioTransform transform)
    {
        public ScaleByTrustRatioTransform Transform { get; } = transform;

        /// <summary>Scales a block by this parameter's factor (a rule, so the pure and in-place paths give the same bits).</summary>
        public BlockRunner<T, ScaleRule<T>, Arity0> Scale { get; } = new();
    }

    /// <summary>Compiles the tree, or returns null when some part of it has no element rule. A state that does not fit throws.</summary>
    public static Plan<T>? TryCompile(IGradientTransform transform, TransformState state, ParamSet<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        NonFiniteGuardTransform? guard = null;
        NonFiniteState? guardState = null;
        if (transform is NonFiniteGuardTransform g)
        {
            guard = g;
            guardState = Validate.State<NonFiniteState>(state, g);
            transform = g.Inner;
            state = guardState.Inner;
        }

        var walker = new Walker(parameters);
        var all = Enumerable.Range(0, parameters.Count).ToArray();
        var rebuild = walker.Walk(transform, state, all);
        return rebuild is null
            ? null
            : new Plan<T>(
                guard, guardState, walker.Nodes.ToArray(), walker.Barriers.ToArray(), walker.Ops.Select(o => o.ToArray()).ToArray(), rebuild,
                parameters.Select(q => q.Count).ToArray());
    }

    /// <summary>Creates every node's rule for the step before anything is written (a schedule that throws changes nothing).</summary>
    public void PrepareRules(ReadOnlySpan<long> counts)
    {
        for (var k = 0; k < Nodes.Length; k++)
        {
            var sink = Nodes[k].Sink;
            sink.Reset();
            Nodes[k].Transform.CreateRule(counts[k], sink);
            if (!sink.Used)
            {
                throw new InvalidOperationException($"{Nodes[k].Transform}: CreateRule did not call sink.Use.");
            }
        }

        for (var id = 0; id < _groupNodes.Length; id++)
        {
            var members = _groupNodes[id];
            var runner = Nodes[members[0]].Sink.Runner!;
            for (var j = 1; j < members.Length; j++)
            {
                runner = runner.Then(Nodes[members[j]].Sink.Runner!, _composed[id][j - 1])
                    ?? throw new InvalidOperationException($"The rules of group {id} touch more than {MaxFusedSlots} slots.");
                _composed[id][j - 1] = runner;
            }

            _groupRunners[id] = runner;
        }
    }

    /// <summary>
    /// Splits each parameter's ops into runs of consecutive nodes that together touch at most four state slots, a
    /// barrier ending a run; each run becomes one loop over the block
    /// (<see cref="ComposedRule{T, TFirst, TFirstArity, TSecond}"/>), so that a block's elements go through the whole
    /// chain while they are in registers. Two loops over a block, one per rule, cost SGD with momentum about 40 % more
    /// at N = 10^7 (2-core AMD EPYC Zen 2, 2026-12-03), whatever the block size. Parameters with the same nodes share
    /// the groups.
    /// </summary>
    private static ((int From, int To, int Id)[][] Groups, int[][] Nodes) Group(Node[] nodes, int[][] ops)
    {
        // The pure path compiles a plan per call, so this allocates little: no keys, one scratch row.
        var distinct = new List<int[]>();
        var groups = new (int From, int To, int Id)[ops.Length][];
        var row = new (int From, int To, int Id)[ops.Select(o => o.Length).DefaultIfEmpty(0).Max()];
        for (var i = 0; i < ops.Length; i++)
        {
            if (i > 0 && ops[i].AsSpan().SequenceEqual(ops[i - 1]))
            {
                groups[i] = groups[i - 1];
                continue;
            }

            var count = 0;
            var o = 0;
            while (o < ops[i].Length)
            {
                if (ops[i][o] < 0)
                {
                    o++;
                    continue;
                }

                var end = o + 1;
                var slots = nodes[ops[i][o]].SlotCount;
                while (end < ops[i].Length && ops[i][end] >= 0 && slots + nodes[ops[i][end]].SlotCount <= MaxFusedSlots)
                {
                    slots += nodes[ops[i][end]].SlotCount;
                    end++;
                }

                var members = ops[i].AsSpan(o, end - o);
                var id = 0;
                while (id < distinct.Count && !members.SequenceEqual(distinct[id]))
                {
                    id++;
                }

                if (id == distinct.Count)
                {
                    distinct.Add(members.ToArray());
                }

                row[count++] = (o, end, id);
                o = end;
            }

            groups[i] = row.AsSpan(0, count).ToArray();
        }

        return (groups, distinct.ToArray());
    }

    /// <summary>
    /// Runs the step over every parameter, block by block. Pure mode (<paramref name="updates"/> given): the updates
    /// go there and each slot block is first copied from <paramref name="sourceSlots"/> into <paramref name="slots"/>.
    /// In-place mode: the updates go through <paramref name="scratch"/> (at least <see cref="ScratchLength"/> long),
    /// the slots change in place, and the parameters get <c>p + u</c>.
    /// </summary>
    /// <remarks>
    /// A parameter with a barrier runs in segments: the ops before the barrier over every block of the whole parameter
    /// (its update kept whole), then the barrier's factor from the norms of <c>p</c> and of that update, then the next
    /// segment over every block, starting with the scaling. Each node still touches each block of its slots once.
    /// </remarks>
    public void Execute(T[][] p, T[][] g, T[][]? updates, T[]? scratch, T[][][][] slots, T[][][][]? sourceSlots, bool zero)
    {
        for (var i = 0; i < p.Length; i++)
        {
            if (Segmented[i])
            {
                ExecuteSegmented(i, p, g, updates, scratch, slots, sourceSlots, zero);
                continue;
            }

            ExecuteBlocks(i, 0, p[i].Length, p, g, updates, scratch, slots, sourceSlots, zero);
        }
    }

    /// <summary>
    /// The in-place step over element ranges only, <c>(parameter, from, to)</c>, none of them in a segmented parameter:
    /// one team member's share of a step (see <c>Optimizer{T}.StepWithTeam</c>). The members' ranges
    /// cover every element once; each element gets exactly the operations <see cref="Execute"/> gives it, since the rules
    /// act on each element alone, so the bits are the same. <paramref name="scratch"/> is the member's own (at least
    /// <see cref="ScratchLength"/> long).
    /// </summary>
    public void ExecuteRanges(T[][] p, T[][] g, T[] scratch, T[][][][] slots, bool zero, ReadOnlySpan<(int Param, int From, int To)> ranges)
    {
        foreach (var (i, from, to) in ranges)
        {
            ExecuteBlocks(i, from, to, p, g, null, scratch, slots, null, zero);
        }
    }

    /// <summary>Parameter <paramref name="i"/>'s elements [<paramref name="from"/>, <paramref name="to"/>), block by block (no barrier).</summary>
    private void ExecuteBlocks(int i, int from, int to, T[][] p, T[][] g, T[][]? updates, T[]? scratch, T[][][][] slots, T[][][][]? sourceSlots, bool zero)
    {
        var ops = Ops[i];
        for (var b = from; b < to; b += Block)
        {
            var len = Math.Min(Block, to - b);
            var u = updates is not null ? updates[i].AsSpan(b, len) : scratch.AsSpan(0, len);
            var pb = p[i].AsSpan(b, len);
            ReadOnlySpan<T> source = g[i].AsSpan(b, len);
            if (zero || ops.Length == 0)
            {
                source.CopyTo(u);
                if (zero)
                {
                    Elements.ZeroNonFinite(u);
                }

                source = u;
            }

            if (ops.Length == 0)
            {
                if (updates is null)
                {
                    Elements.Add(pb, u, pb);
                }

                continue;
            }

            // The first loop reads the gradient, and in place the last one writes p + u (no copy pass, no add pass).
            RunGroups(i, 0, ops.Length, pb, source, u, updates is null, b, len, slots, sourceSlots);
        }
    }

    private void ExecuteSegmented(int i, T[][] p, T[][] g, T[][]? updates, T[]? scratch, T[][][][] slots, T[][][][]? sourceSlots, bool zero)
    {
        var n = p[i].Length;
        var ops = Ops[i];
        var whole = updates is not null ? updates[i].AsSpan() : scratch.AsSpan(0, n);
        g[i].AsSpan().CopyTo(whole);
        if (zero)
        {
            Elements.ZeroNonFinite(whole);
        }

        Barrier? pending = null;
        var start = 0;
        while (true)
        {
            var end = start;
            while (end < ops.Length && ops[end] >= 0)
            {
                end++;
            }

            var last = end == ops.Length;
            for (var b = 0; b < n; b += Block)
            {
                var len = Math.Min(Block, n - b);
                var u = whole.Slice(b, len);
                var pb = p[i].AsSpan(b, len);
                pending?.Scale.Run(pb, u, default, default, default, default);
                RunGroups(i, start, end, pb, u, u, false, b, len, slots, sourceSlots);
                if (last && updates is null)
                {
                    Elements.Add(pb, u, pb);
                }
            }

            if (last)
            {
                return;
            }

            // The parameter has not changed yet (it is written in the last segment only).
            pending = Barriers[~ops[end]];
            var factor = pending.Transform.Factor(Math.Sqrt(Elements.SumSquares<T>(p[i])), Math.Sqrt(Elements.SumSquares<T>(whole)));
            pending.Scale.Rule = new ScaleRule<T>(Num<T>.Splat(factor));
            start = end + 1;
        }
    }

    /// <summary>
    /// Runs parameter <paramref name="i"/>'s groups within ops [<paramref name="from"/>, <paramref name="to"/>) over one
    /// block (see <see cref="Group"/>), each over its nodes' slots in order: the first reads <paramref name="source"/>,
    /// and the last writes <c>p + u</c> into <paramref name="pb"/> when <paramref name="apply"/>.
    /// </summary>
    private void RunGroups(int i, int from, int to, Span<T> pb, ReadOnlySpan<T> source, Span<T> u, bool apply, int b, int len, T[][][][] slots, T[][][][]? sourceSlots)
    {
        var groups = _groups[i];
        var ops = Ops[i];
        var first = 0;
        while (first < groups.Length && groups[first].From < from)
        {
            first++;
        }

        var end = first;
        while (end < groups.Length && groups[end].To <= to)
        {
            end++;
        }

        for (var q = first; q < end; q++)
        {
            var (start, stop, id) = groups[q];
            Span<T> s0 = default, s1 = default, s2 = default, s3 = default;
            var next = 0;
            for (var o = start; o < stop; o++)
            {
                var k = ops[o];
                var node = Nodes[k];
                for (var slot = 0; slot < node.SlotCount; slot++, next++)
                {
                    var block = SlotBlock(slots, sourceSlots, k, slot, node.Local[i], b, len);
                    switch (next)
                    {
                        case 0: s0 = block; break;
                        case 1: s1 = block; break;
                        case 2: s2 = block; break;
                        default: s3 = block; break;
                    }
                }
            }

            _groupRunners[id]!.Run(pb, q == first ? source : u, u, apply && q == end - 1, s0, s1, s2, s3);
        }
    }

    private static Span<T> SlotBlock(T[][][][] slots, T[][][][]? source, int node, int slot, int local, int start, int length)
    {
        var destination = slots[node][slot][local].AsSpan(start, length);
        source?[node][slot][local].AsSpan(start, length).CopyTo(destination);
        return destination;
    }

    /// <summary>The slot arrays of every node's state: [node][slot][member].</summary>
    public T[][][][] SlotArrays() =>
        Nodes.Select(n => n.State.Slots.Select(set => set.Select(q => q.Value.AsColumnMajorArray()).ToArray()).ToArray()).ToArray();

    /// <summary>New zero-filled slot arrays shaped like every node's state.</summary>
    public T[][][][] NewSlotArrays() =>
        Nodes.Select(n => n.State.Slots.Select(set => set.Select(q => new T[q.Count]).ToArray()).ToArray()).ToArray();

    /// <summary>The node states with these counts and slot arrays (wrapped, not copied).</summary>
    public TransformState[] NodeStates(ReadOnlySpan<long> counts, T[][][][] slots)
    {
        var states = new TransformState[Nodes.Length];
        for (var k = 0; k < Nodes.Length; k++)
        {
            var old = Nodes[k].State;
            var sets = new ParamSet<T>[old.Slots.Count];
            for (var j = 0; j < sets.Length; j++)
            {
                var layout = old.Slots[j];
                var arrays = slots[k][j];
                sets[j] = layout.WithValues(layout.Items.Select((q, m) => MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(q.Rows, q.Columns, arrays[m])).ToArray());
            }

            states[k] = new SlotState<T>(counts[k], old.SlotNames.ToArray(), sets);
        }

        return states;
    }

    private sealed class Walker(ParamSet<T> parameters)
    {
        private readonly ParamInfo[] _infos = parameters.Select(q => q.Info).ToArray();

        public List<Node> Nodes { get; } = [];

        public List<Barrier> Barriers { get; } = [];

        public List<int>[] Ops { get; } = parameters.Select(_ => new List<int>()).ToArray();

        public Func<TransformState[], TransformState>? Walk(IGradientTransform transform, TransformState state, int[] subset)
        {
            switch (transform)
            {
                case ElementwiseTransform e:
                {
                    var slot = Validate.State<SlotState<T>>(state, e);
                    var layout = new ParamSet<T>(subset.Select(i => parameters[i]));
                    StateFormat.CheckLayout(e, slot, layout);
                    var local = new int[_infos.Length];
                    Array.Fill(local, -1);
                    for (var m = 0; m < subset.Length; m++)
                    {
                        local[subset[m]] = m;
                    }

                    var k = Nodes.Count;
                    Nodes.Add(new Node(e, slot, subset, local));
                    foreach (var i in subset)
                    {
                        Ops[i].Add(k);
                    }

                    return states => states[k];
                }

                case IdentityTransform:
                    Validate.State<EmptyState>(state, transform);
                    return _ => EmptyState.Instance;
                case ScaleByTrustRatioTransform trust:
                {
                    Validate.State<EmptyState>(state, transform);
                    var b = Barriers.Count;
                    Barriers.Add(new Barrier(trust));
                    foreach (var i in subset)
                    {
                        Ops[i].Add(~b);
                    }

                    return _ => EmptyState.Instance;
                }
                case ChainTransform chain:
                {
                    var cs = Validate.State<ChainState>(state, chain);
                    ChainTransform.CheckCount(chain, cs);
                    var parts = new Func<TransformState[], TransformState>[chain.Items.Length];
                    for (var k = 0; k < parts.Length; k++)
                    {
                        var part = Walk(chain.Items[k], cs.Inner[k], subset);
                        if (part is null)
                        {
                            return null;
                        }

                        parts[k] = part;
                    }

                    return states => new ChainState(Array.ConvertAll(parts, r => r(states)));
                }

                case MaskedTransform masked:
                    return Walk(masked.Inner, state, subset.Where(i => masked.Mask.Includes(_infos[i])).ToArray());
                case PartitionTransform partition:
                {
                    var ps = Validate.State<PartitionState>(state, partition);
                    PartitionTransform.CheckCount(partition, ps);
                    var assignment = partition.Assign(subset.Select(i => _infos[i]).ToArray());
                    var parts = new Func<TransformState[], TransformState>[partition.Items.Length];
                    for (var k = 0; k < parts.Length; k++)
                    {
                        var group = k;
                        var part = Walk(partition.Items[k].Transform, ps.Groups[k], subset.Where((_, m) => assignment[m] == group).ToArray());
                        if (part is null)
                        {
                            return null;
                        }

                        parts[k] = part;
                    }

                    return states => new PartitionState(Array.ConvertAll(parts, r => r(states)));
                }

                default:
                    return null;
            }
        }
    }
}

/// <summary>The pure path's entry points, shared by every transform that the plan can run.</summary>
internal static class Engine<T>
    where T : struct, IEquatable<T>, IFormattable
{
    public static SlotState<T> InitSlots(ElementwiseTransform transform, ParamSet<T> parameters)
    {
        var names = transform.SlotNames.ToArray();
        var slots = new ParamSet<T>[names.Length];
        for (var j = 0; j < names.Length; j++)
        {
            var value = transform.InitialValueOf(j);
            slots[j] = parameters.Map(q => value == 0 ? Num<T>.Dense(q.Rows, q.Columns) : Num<T>.Dense(q.Rows, q.Columns, value));
        }

        return new SlotState<T>(0, names, slots);
    }

    /// <summary>The pure update of a fusable tree: one pass per parameter into new buffers.</summary>
    public static StepResult<T>? TryUpdatePure(IGradientTransform transform, ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var g = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var plan = Plan<T>.TryCompile(transform, state, parameters);
        if (plan is null)
        {
            return null;
        }

        var zeroed = 0L;
        if (plan.Guard is { } guard)
        {
            zeroed = NonFiniteScan.Check(g, guard.Policy);
            if (zeroed < 0)
            {
                var gs = plan.GuardState!;
                return new StepResult<T>(NoChange(parameters), new NonFiniteState(gs.Inner, gs.SkippedSteps + 1, gs.ZeroedEntries, gs.ZeroedSteps));
            }
        }

        var counts = plan.Nodes.Select(n => n.State.Count).ToArray();
        plan.PrepareRules(counts);
        var items = parameters.Items;
        var p = Array.ConvertAll(items, q => q.Value.AsColumnMajorArray());
        var gd = Array.ConvertAll(g, q => q.Value.AsColumnMajorArray());
        var u = Array.ConvertAll(items, q => new T[q.Count]);
        var slots = plan.NewSlotArrays();
        plan.Execute(p, gd, u, null, slots, plan.SlotArrays(), zeroed > 0);
        for (var k = 0; k < counts.Length; k++)
        {
            counts[k]++;
        }

        var inner = plan.Rebuild(plan.NodeStates(counts, slots));
        TransformState result = plan.GuardState is { } s
            ? new NonFiniteState(inner, s.SkippedSteps, s.ZeroedEntries + zeroed, s.ZeroedSteps + (zeroed > 0 ? 1 : 0))
            : inner;
        var values = new MathNet.Numerics.LinearAlgebra.Matrix<T>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            values[i] = MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(items[i].Rows, items[i].Columns, u[i]);
        }

        return new StepResult<T>(parameters.WithValues(values), result);
    }

    /// <summary>Updates that change nothing: <c>-0.0</c>, since <c>p + (-0.0)</c> is <c>p</c> for every <c>p</c> (<c>+0.0</c> would turn <c>-0.0</c> into <c>+0.0</c>).</summary>
    public static ParamSet<T> NoChange(ParamSet<T> parameters) => parameters.Map(q => Num<T>.Dense(q.Rows, q.Columns, -0.0));

    public static StepResult<T> UpdatePure(ElementwiseTransform transform, ParamSet<T> updates, TransformState state, ParamSet<T> parameters) =>
        TryUpdatePure(transform, updates, state, parameters)!;
}

/// <summary>The one non-finite scan of gradients, shared by the pure guard and the facade.</summary>
internal static class NonFiniteScan
{
    /// <summary>
    /// Checks every gradient. Returns 0 when all are finite; under <see cref="NonFinitePolicy.Throw"/> throws for the
    /// first bad parameter; under Skip returns -1; under Zero returns the number of entries to zero.
    /// </summary>
    public static long Check<T>(Param<T>[] gradients, NonFinitePolicy policy)
        where T : struct, IEquatable<T>, IFormattable
    {
        long bad = 0;
        foreach (var q in gradients)
        {
            var data = q.Value.AsColumnMajorArray();
            if (Elements.AllFinite<T>(data))
            {
                continue;
            }

            var count = Elements.CountNonFinite<T>(data, out var first);
            if (policy == NonFinitePolicy.Throw)
            {
                var rows = Math.Max(q.Rows, 1);
                throw new NonFiniteGradientException(q.Name, count, first % rows, first / rows, Num<T>.ToDouble(data[first]));
            }

            bad += count;
        }

        return bad > 0 && policy == NonFinitePolicy.Skip ? -1 : bad;
    }
}
