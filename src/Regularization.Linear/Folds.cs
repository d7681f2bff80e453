using System.Diagnostics.Contracts;

namespace Regularization.Linear;

/// <summary>
/// Fold assignments for cross-validation: an array with one fold id per row (any integers; each distinct value is a
/// fold, so ids from R's <c>foldid</c> 1..K work as they are). The same functions as <see cref="Tuning.Folds"/>, the
/// library's one implementation of fold assignment, kept here so that glmnet-style code reads as before.
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
    public static int[] RowModulo(int rowCount, int foldCount) => Tuning.Folds.RowModulo(rowCount, foldCount);

    /// <summary>
    /// <see cref="RowModulo"/> applied to a random permutation of the rows (Fisher-Yates with SplitMix64 seeded by
    /// <paramref name="seed"/>): balanced folds (sizes differ by at most one); the same seed gives the same folds on every platform.
    /// </summary>
    /// <param name="rowCount">n, &gt;= k.</param>
    /// <param name="foldCount">k, &gt;= 2.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Fold ids 0..k-1.</returns>
    [Pure]
    public static int[] Shuffled(int rowCount, int foldCount, ulong seed) => Tuning.Folds.Shuffled(rowCount, foldCount, seed);
}
