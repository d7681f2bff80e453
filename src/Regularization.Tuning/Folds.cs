using System.Diagnostics.Contracts;

namespace Regularization.Tuning;

/// <summary>
/// One split of the training data: the rows a trial trains on and the rows it is validated on (indices into the
/// training data; the test set is never part of a split).
/// </summary>
/// <param name="Train">The training rows, ascending.</param>
/// <param name="Validation">The validation rows, ascending; disjoint from <paramref name="Train"/>.</param>
public sealed record Split(IReadOnlyList<int> Train, IReadOnlyList<int> Validation);

/// <summary>
/// Seeded splits of the training data for cross-validation and hold-out validation, and the fold assignments they
/// come from (one fold id per row; each distinct id is a fold, so R's <c>foldid</c> 1..K works as it is). This is the
/// one implementation of fold assignment in the library: <c>Regularization.Linear</c>'s cross-validated paths use it too.
/// </summary>
/// <remarks>
/// Shuffles are Fisher-Yates with SplitMix64 seeded by the caller's seed: the same seed gives the same folds on every
/// platform and in every process. Splits list folds in increasing id order and rows in increasing order.
/// <example>
/// <code>
/// IReadOnlyList&lt;Split&gt; folds = Folds.KFold(rowCount: 10_000, foldCount: 3, seed: 0);   // 3334, 3333, 3333 validation rows
/// IReadOnlyList&lt;Split&gt; strata = Folds.StratifiedKFold(labels, foldCount: 5, seed: 0);  // class shares kept in every fold
/// Split holdOut = Folds.HoldOut(rowCount: 10_000, validationFraction: 0.2, seed: 0);         // 2000 validation rows
/// </code>
/// </example>
/// </remarks>
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
        var order = Permutation(rowCount, seed);
        var ids = new int[rowCount];
        for (var k = 0; k < rowCount; k++)
        {
            ids[order[k]] = k % foldCount;
        }

        return ids;
    }

    /// <summary>
    /// Stratified fold ids: the rows of each class (in increasing label order) are shuffled (SplitMix64 seeded by
    /// <paramref name="seed"/>, one stream for all classes) and dealt to the folds in turn, continuing from class to
    /// class, so every fold holds each class's share to within one row and fold sizes differ by at most one.
    /// </summary>
    /// <param name="labels">One class label per row.</param>
    /// <param name="foldCount">k, &gt;= 2, at most the number of rows.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>Fold ids 0..k-1.</returns>
    [Pure]
    public static int[] Stratified(IReadOnlyList<int> labels, int foldCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckCounts(labels.Count, foldCount);
        var ids = new int[labels.Count];
        var state = seed;
        var next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            Shuffle(rows, ref state);
            foreach (var row in rows)
            {
                ids[row] = next;
                next = (next + 1) % foldCount;
            }
        }

        return ids;
    }

    /// <summary>The K splits of a fold assignment: split f validates on the rows of the f-th smallest id and trains on all others.</summary>
    /// <param name="foldIds">One fold id per row; at least 2 distinct ids.</param>
    /// <returns>One split per distinct id, in increasing id order.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 distinct ids.</exception>
    [Pure]
    public static IReadOnlyList<Split> FromIds(IReadOnlyList<int> foldIds)
    {
        ArgumentNullException.ThrowIfNull(foldIds);
        var folds = foldIds.Distinct().Order().ToArray();
        if (folds.Length < 2)
        {
            throw new ArgumentException($"Cross-validation needs at least 2 folds; foldIds has {folds.Length}.", nameof(foldIds));
        }

        var n = foldIds.Count;
        var splits = new Split[folds.Length];
        for (var f = 0; f < folds.Length; f++)
        {
            var id = folds[f];
            var validation = new List<int>();
            var train = new List<int>(n);
            for (var i = 0; i < n; i++)
            {
                (foldIds[i] == id ? validation : train).Add(i);
            }

            splits[f] = new Split(train.AsReadOnly(), validation.AsReadOnly());
        }

        return splits;
    }

    /// <summary>K-fold cross-validation splits of <paramref name="rowCount"/> rows: <see cref="FromIds"/> of <see cref="Shuffled"/>.</summary>
    /// <param name="rowCount">n, &gt;= k.</param>
    /// <param name="foldCount">k, &gt;= 2.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>k splits whose validation rows partition the rows.</returns>
    [Pure]
    public static IReadOnlyList<Split> KFold(int rowCount, int foldCount, ulong seed) => FromIds(Shuffled(rowCount, foldCount, seed));

    /// <summary>Stratified K-fold splits: <see cref="FromIds"/> of <see cref="Stratified"/>.</summary>
    /// <param name="labels">One class label per row.</param>
    /// <param name="foldCount">k, &gt;= 2.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <returns>k splits whose validation rows partition the rows.</returns>
    [Pure]
    public static IReadOnlyList<Split> StratifiedKFold(IReadOnlyList<int> labels, int foldCount, ulong seed) => FromIds(Stratified(labels, foldCount, seed));

    /// <summary>
    /// A hold-out split: the first <c>round(fraction * n)</c> rows of a seeded permutation (the one <see cref="Shuffled"/>
    /// uses) validate, the others train.
    /// </summary>
    /// <param name="rowCount">n, &gt;= 2.</param>
    /// <param name="validationFraction">The validation share, in (0, 1); at least one row on each side.</param>
    /// <param name="seed">The seed of the permutation.</param>
    /// <returns>The split.</returns>
    [Pure]
    public static Split HoldOut(int rowCount, double validationFraction, ulong seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        }

        var count = (int)Math.Round(validationFraction * rowCount, MidpointRounding.AwayFromZero);
        if (rowCount < 2 || count < 1 || count >= rowCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction, $"A validation fraction of {validationFraction} of {rowCount} rows leaves {count} validation and {rowCount - count} training rows; both need at least one.");
        }

        var order = Permutation(rowCount, seed);
        var validation = order.Take(count).Order().ToArray();
        var train = order.Skip(count).Order().ToArray();
        return new Split(Array.AsReadOnly(train), Array.AsReadOnly(validation));
    }

    private static int[] Permutation(int rowCount, ulong seed)
    {
        var order = new int[rowCount];
        for (var i = 0; i < rowCount; i++)
        {
            order[i] = i;
        }

        var state = seed;
        Shuffle(order, ref state);
        return order;
    }

    private static void Shuffle(int[] order, ref ulong state)
    {
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)(SplitMix64.Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
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

/// <summary>SplitMix64 (Steele, Lea and Flood 2014): the library's seeded stream for shuffles and draws.</summary>
internal static class SplitMix64
{
    public static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public static double NextDouble(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
