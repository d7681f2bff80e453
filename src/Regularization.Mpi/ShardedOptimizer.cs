using MathNet.Numerics.LinearAlgebra;
using Regularization.Mpi.Internal;

namespace Regularization.Mpi;

/// <summary>
/// ZeRO stage 1 (optimizer state sharding): the parameters are laid end to end in one buffer and cut into
/// <see cref="MpiWorld.Size"/> equal contiguous blocks of <c>ceil(total / size)</c> elements (the last one padded);
/// rank r keeps the optimizer state of block r only. A <see cref="Step"/> sums the local gradients over the ranks and
/// gives each rank the sum of its own block (<c>MPI_Reduce_scatter_block</c>), runs the optimizer on that block, and
/// restores the full parameters on every rank (<c>MPI_Allgather</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Exactness: the block optimizer is an ordinary <see cref="Optimizer{T}"/> over pieces of the parameters (each piece
/// keeps its parameter's name and rank, stored as one column), so an element-wise rule (every optimizer, decay,
/// penalty and proximal step of this library) computes the bits the replicated optimizer computes for that element,
/// and each element is updated by exactly one rank, once per step: decay is never applied once per rank. A transform
/// that is not element-wise (it does not run fused) is refused, and so is one whose masks or groups see a different
/// decay on a piece than on the whole parameter (masks that depend on shapes; name and rank masks are fine).
/// </para>
/// <para>
/// Memory: each rank holds the state slots of its block only, about <c>1/size</c> of the replicated state
/// (<see cref="StateElements"/>); communication per step is a reduce-scatter of the gradient and an all-gather of the
/// parameters, the same bytes as one ring all-reduce.
/// </para>
/// <para>
/// Non-finite gradients: one extra 8-byte all-reduce counts non-finite entries of the summed gradient; when there is
/// any, every rank throws <see cref="InvalidOperationException"/> before anything changes (a skip or zero policy of
/// the transform's guard cannot be applied consistently per block, so sharded steps treat them as Throw).
/// </para>
/// <example>
/// <code>
/// var zero = new ShardedOptimizer&lt;float&gt;(world, Optimizers.AdamW(1e-3, weightDecay: 0.01), model.Parameters);
/// var g = model.Backward(localBatch, scale: 1f / globalBatch);   // not summed yet
/// zero.Step(g);                                                   // model.Parameters now updated on every rank
/// </code>
/// </example>
/// </remarks>
public sealed class ShardedOptimizer<T>
    where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly MpiWorld _world;
    private readonly FlatLayout _layout;
    private readonly T[] _send;
    private readonly T[] _block;
    private readonly T[] _gathered;
    private readonly Piece[] _pieces;
    private readonly ParamSet<T>? _shardParameters;
    private readonly ParamSet<T>? _shardGradients;
    private readonly long[] _nonFinite = new long[1];

    /// <summary>Creates the sharded optimizer; every rank must call it with the same transform and layout.</summary>
    /// <param name="world">The initialized MPI world.</param>
    /// <param name="transform">An element-wise transform, e.g. <c>Optimizers.AdamW(1e-3, weightDecay: 0.01)</c>.</param>
    /// <param name="parameters">The full parameters, equal on every rank; updated in place at each step.</param>
    /// <exception cref="ArgumentException">The transform is not element-wise, or its decay on a piece differs from that on the parameter.</exception>
    public ShardedOptimizer(MpiWorld world, IGradientTransform transform, ParamSet<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(parameters);
        _world = world;
        Transform = transform;
        Parameters = parameters;
        _layout = FlatLayout.Of(parameters, nameof(parameters));
        var size = world.Size;
        BlockLength = (_layout.Total + size - 1) / size;
        ShardStart = Math.Min((long)world.Rank * BlockLength, _layout.Total);
        ShardLength = (int)(Math.Min(ShardStart + BlockLength, _layout.Total) - ShardStart);
        _send = new T[(long)BlockLength * size];
        _gathered = new T[(long)BlockLength * size];
        _block = new T[BlockLength];

        var pieces = new List<Piece>();
        var values = new List<Param<T>>();
        var gradients = new List<Param<T>>();
        long lo = ShardStart, hi = ShardStart + ShardLength;
        for (var i = 0; i < parameters.Count; i++)
        {
            long start = _layout.Offsets[i], end = start + parameters[i].Count;
            var from = Math.Max(lo, start);
            var to = Math.Min(hi, end);
            if (from >= to)
            {
                continue;
            }

            var length = (int)(to - from);
            var p = parameters[i];
            var value = Matrix<T>.Build.Dense(length, 1);
            values.Add(new Param<T>(p.Name, value, p.Rank));
            gradients.Add(new Param<T>(p.Name, Matrix<T>.Build.Dense(length, 1), p.Rank));
            pieces.Add(new Piece(i, (int)(from - start), (int)(from - lo), length));
        }

        _pieces = [.. pieces];
        if (values.Count > 0)
        {
            _shardParameters = ParamSet.Of(values);
            _shardGradients = ParamSet.Of(gradients);
            CopyIn();
            Shard = Optimizer.Create(transform, _shardParameters);
            if (!Shard.IsFused)
            {
                throw new ArgumentException(
                    $"'{nameof(transform)}' is not element-wise (it does not run as a fused element-wise step), so its state cannot be sharded exactly; use a replicated Optimizer with GradientReducer.",
                    nameof(transform));
            }

            CheckDecayAgrees(transform, parameters, _shardParameters);
        }
    }

    /// <summary>The full parameters; their matrices change in place at each <see cref="Step"/>, on every rank.</summary>
    public ParamSet<T> Parameters { get; }

    /// <summary>The transform.</summary>
    public IGradientTransform Transform { get; }

    /// <summary>The optimizer of this rank's block (pieces named as their parameters), or null when the block is empty (more ranks than elements).</summary>
    public Optimizer<T>? Shard { get; }

    /// <summary>Elements per block, <c>ceil(total / size)</c>.</summary>
    public int BlockLength { get; }

    /// <summary>The flat index of this rank's first element: <c>min(rank * BlockLength, total)</c>.</summary>
    public long ShardStart { get; }

    /// <summary>The number of elements this rank updates (<see cref="BlockLength"/>, less on the last ranks).</summary>
    public int ShardLength { get; }

    /// <summary>The number of parameter elements of all ranks together.</summary>
    public int TotalLength => _layout.Total;

    /// <summary>Completed steps.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// The elements of optimizer state this rank holds: the sum over the state's slot buffers (<see cref="SlotState{T}"/>).
    /// About <c>slots * total / size</c>; a replicated optimizer holds <c>slots * total</c>.
    /// </summary>
    public long StateElements => Shard is null ? 0 : CountStateElements(Shard.State);

    /// <summary>The number of state elements of <paramref name="state"/>: the sum over its <see cref="SlotState{T}"/> slot buffers.</summary>
    /// <param name="state">Any state.</param>
    /// <returns>The element count.</returns>
    public static long CountStateElements(TransformState state) => state switch
    {
        SlotState<T> s => s.Slots.Sum(slot => slot.ElementCount),
        ChainState c => c.Inner.Sum(CountStateElements),
        PartitionState p => p.Groups.Sum(CountStateElements),
        NonFiniteState n => CountStateElements(n.Inner),
        _ => 0,
    };

    /// <summary>
    /// One step from this rank's local gradients (not yet summed over ranks; every rank must call it): reduce-scatter,
    /// the block's optimizer step, all-gather. Afterwards <see cref="Parameters"/> holds the updated values on every rank.
    /// </summary>
    /// <param name="localGradients">This rank's gradients, laid out like <see cref="Parameters"/> (names, order, shapes).</param>
    /// <exception cref="ArgumentException">The layout differs.</exception>
    /// <exception cref="InvalidOperationException">The summed gradient holds NaN or an infinity (thrown on every rank; nothing changed).</exception>
    public void Step(ParamSet<T> localGradients)
    {
        _layout.Gather(localGradients, _send, nameof(localGradients));
        _world.ReduceScatterBlock<T>(_send, _block, MpiOp.Sum);
        _nonFinite[0] = CountNonFinite(_block.AsSpan(0, ShardLength));
        _world.AllReduce<long>(_nonFinite, MpiOp.Sum);
        if (_nonFinite[0] > 0)
        {
            throw new InvalidOperationException(
                $"The gradient summed over the ranks has {_nonFinite[0]} non-finite entr{(_nonFinite[0] == 1 ? "y" : "ies")} (NaN or infinity); nothing was changed. " +
                "A sharded (ZeRO-1) step refuses it on every rank, whatever the transform's non-finite policy (a skip or zero policy cannot be applied per block consistently); use a replicated Optimizer with GradientReducer for those policies.");
        }

        if (Shard is not null)
        {
            for (var k = 0; k < _pieces.Length; k++)
            {
                var piece = _pieces[k];
                _block.AsSpan(piece.BlockOffset, piece.Length).CopyTo(_shardGradients![k].Value.AsColumnMajorArray());
            }

            CopyIn();
            Shard.Step(_shardGradients!);
            var own = _gathered.AsSpan(_world.Rank * BlockLength, BlockLength);
            for (var k = 0; k < _pieces.Length; k++)
            {
                var piece = _pieces[k];
                _shardParameters![k].Value.AsColumnMajorArray().CopyTo(own.Slice(piece.BlockOffset, piece.Length));
            }
        }

        _world.AllGatherInPlace<T>(_gathered);
        _layout.Scatter<T>(_gathered, Parameters);
        StepCount++;
    }

    private static long CountNonFinite(ReadOnlySpan<T> values)
    {
        long bad = 0;
        if (typeof(T) == typeof(double))
        {
            foreach (var v in System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values))
            {
                bad += double.IsFinite(v) ? 0 : 1;
            }
        }
        else
        {
            foreach (var v in System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values))
            {
                bad += float.IsFinite(v) ? 0 : 1;
            }
        }

        return bad;
    }

    private static void CheckDecayAgrees(IGradientTransform transform, ParamSet<T> full, ParamSet<T> shard)
    {
        var whole = DecayPlan.Of(transform, full);
        var part = DecayPlan.Of(transform, shard);
        foreach (var entry in part.Entries)
        {
            var expected = whole.For(entry.Parameter);
            if (!expected.Select(e => (e.Kind, e.Shrink)).SequenceEqual(part.For(entry.Parameter).Select(e => (e.Kind, e.Shrink))))
            {
                throw new ArgumentException(
                    $"Parameter '{entry.Parameter}': the transform decays a piece of it differently from the whole parameter (a mask or group that depends on its shape?); ZeRO sharding needs masks that depend on names and ranks only.",
                    nameof(transform));
            }
        }
    }

    /// <summary>Copies this rank's slice of the full parameters into the block's pieces (they may have been changed from outside, e.g. by a restore).</summary>
    private void CopyIn()
    {
        for (var k = 0; k < _pieces.Length; k++)
        {
            var piece = _pieces[k];
            Parameters[piece.Parameter].Value.AsColumnMajorArray().AsSpan(piece.Start, piece.Length)
                .CopyTo(_shardParameters![k].Value.AsColumnMajorArray());
        }
    }

    private readonly record struct Piece(int Parameter, int Start, int BlockOffset, int Length);
}
