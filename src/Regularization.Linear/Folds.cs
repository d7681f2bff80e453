using System.Diagnostics.Contracts;

namespace Regularization.Linear;

/// <summary>
/// Fold assignments for cross-validation: an array with one fold id per row (any integers; each distinct value is a
/// fold, so ids from R's <c>foldid</c> 1..K work as they are).
/// </summary>
public static class Folds
{
    /// <summary>
    /// Row <c>i</c> (0-based) goes to fold <c>i mod k</c>: deterministic, no seed, and the same as R's
    /// <c>foldid = ((1:n) - 1) %% k + 1</c> shifted by one.
    /// </summary>
    /// <param name="rowCount">n, &gt;= k.</param>
    /// <param name="foldCount">k, &gt;= 2.</param>
    /// <returns>Fold ids 0..k-1.</returns>
    [Pure]
    public static int[] RowModulo(int rowCount, int foldCount)
    {
        CheckCounts(rowCount, foldCount);
        var ids = new int[rowCount];
        for (var i = 0; i < rowCount; i++)
        {
            ids[i] = i % foldCount;
        }

        return ids;
    }

    /// <summary>
    /// <see cref="RowModulo"/> applied to a random permutation of the rows (Fisher-Yates with SplitMix64 seeded by
    /// <paramref name="seed"/>): balanced folds (sizes differ by at most one); the same seed gives the same folds on every platform.
    /// </summary>
    /// <param name="rowCount">n, &gt;= k.</param>
    /// <param name="foldCount">k, &gt;= 2.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Fold ids 0..k-1.</returns>
    [Pure]
    public static int[] Shuffled(int rowCount, int foldCount, ulong seed)
    {
        CheckCounts(rowCount, foldCount);
        var order = new int[rowCount];
        for (var i = 0; i < rowCount; i++)
        {
            order[i] = i;
        }

        var state = seed;
        for (var i = rowCount - 1; i > 0; i--)
        {
            var j = (int)(SplitMix64(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        var ids = new int[rowCount];
        for (var k = 0; k < rowCount; k++)
        {
            ids[order[k]] = k % foldCount;
        }

        return ids;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void CheckCounts(int rowCount, int foldCount)
    {
        if (foldCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(foldCount), foldCount, "Cross-validation needs at least 2 folds.");
        }

        if (rowCount < foldCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"{foldCount} folds need at least {foldCount} rows.");
        }
    }
}
