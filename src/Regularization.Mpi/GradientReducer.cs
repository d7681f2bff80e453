using Regularization.Mpi.Internal;

namespace Regularization.Mpi;

/// <summary>
/// Sums a gradient <see cref="ParamSet{T}"/> over every rank, in place: the parameters are laid end to end in one
/// buffer (in set order, each column-major), one <c>MPI_Allreduce</c> sums it, and the sums are copied back. The
/// buffer is allocated once; a call allocates nothing.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Data-parallel training with a global batch of B examples split over the ranks: each rank computes the gradient of
/// <c>(1/B) * sum of the losses of its own examples</c> (divide by the <em>global</em> batch, not the local one);
/// after <see cref="SumInPlace"/> every rank holds the gradient of the global mean loss, and every rank runs the same
/// optimizer step (replicated), or <see cref="ShardedOptimizer{T}"/> shards it. Terms that do not come from examples
/// (a penalty <c>lambda * sum(w^2)</c> in the loss) must be added after the sum, or on one rank only, or they count
/// once per rank; the optimizer's own decay (coupled or decoupled) and proximal steps run after the sum, so they
/// count once.
/// </para>
/// <example>
/// <code>
/// var reducer = new GradientReducer&lt;float&gt;(world, model.Parameters);
/// var g = model.Backward(localBatch, scale: 1f / globalBatch);
/// reducer.SumInPlace(g);
/// optimizer.Step(g);
/// </code>
/// </example>
/// </remarks>
public sealed class GradientReducer<T>
    where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly MpiWorld _world;
    private readonly FlatLayout _layout;
    private readonly T[] _buffer;

    /// <summary>Creates a reducer for gradients laid out like <paramref name="layout"/> (names, order and shapes).</summary>
    /// <param name="world">The initialized MPI world.</param>
    /// <param name="layout">The parameters (or any set of the same layout); only the layout is kept.</param>
    /// <exception cref="ArgumentException">The set is empty or has more than 2^31 - 1 elements.</exception>
    public GradientReducer(MpiWorld world, ParamSet<T> layout)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(layout);
        _world = world;
        _layout = FlatLayout.Of(layout, nameof(layout));
        _buffer = new T[_layout.Total];
    }

    /// <summary>The number of elements summed per call.</summary>
    public int ElementCount => _layout.Total;

    /// <summary>Replaces every gradient matrix by its sum over the ranks (one <c>MPI_Allreduce</c>; every rank must call it).</summary>
    /// <param name="gradients">Gradients with the layout given at construction (same names, order and shapes).</param>
    /// <exception cref="ArgumentException">The layout differs.</exception>
    public void SumInPlace(ParamSet<T> gradients)
    {
        _layout.Gather(gradients, _buffer, nameof(gradients));
        _world.AllReduce<T>(_buffer, MpiOp.Sum);
        _layout.Scatter(_buffer, gradients);
    }
}
