namespace Regularization.Training;

/// <summary>
/// The processes of a data-parallel training job, as the trainer needs them: this process's rank, the number of
/// processes, and sums over all of them. The command line implements it over Open MPI (<c>mpirun -np N regularization
/// train</c>); a test can implement it in memory.
/// </summary>
/// <remarks>
/// Every method is a collective: every rank calls it, in the same order, with the same lengths.
/// </remarks>
public interface IDataParallelGroup
{
    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Size { get; }

    /// <summary>Replaces each value by its sum over the ranks.</summary>
    /// <param name="values">The local values in, the sums out.</param>
    void SumInPlace(Span<double> values);

    /// <summary>Replaces each gradient matrix by its sum over the ranks.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="gradients">The local gradients in, the sums out.</param>
    void SumInPlace<T>(ParamSet<T> gradients)
        where T : struct, IEquatable<T>, IFormattable;
}

/// <summary>The examples one rank takes from a global batch: <c>[Start, Start + Count)</c>, relative to the batch's first example.</summary>
/// <param name="Start">The first example of the rank's share.</param>
/// <param name="Count">How many examples (0 when the batch has fewer examples than there are ranks).</param>
public readonly record struct BatchShare(int Start, int Count);

/// <summary>The data-parallel split of a global batch over the ranks.</summary>
public static class DataParallel
{
    /// <summary>
    /// Rank r of N takes examples <c>[floor(r * B / N), floor((r + 1) * B / N))</c> of a global batch of B examples
    /// (every rank shuffles identically, so the global batch is the single process's batch): contiguous shares whose
    /// sizes differ by at most one, in rank order. A batch of 64 on 3 ranks gives 21, 21, 22.
    /// </summary>
    /// <param name="batch">The global batch's size, &gt;= 0.</param>
    /// <param name="rank">The rank, 0 to <paramref name="size"/> - 1.</param>
    /// <param name="size">The number of ranks, &gt;= 1.</param>
    /// <returns>The rank's share.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public static BatchShare Share(int batch, int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (rank < 0 || rank >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"'rank' must be 0 to {size - 1}.");
        }

        var start = (int)((long)rank * batch / size);
        var end = (int)((long)(rank + 1) * batch / size);
        return new BatchShare(start, end - start);
    }
}
