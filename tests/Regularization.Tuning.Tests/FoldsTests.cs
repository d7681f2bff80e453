using Regularization.Tuning;

namespace Regularization.Tuning.Tests;

public class FoldsTests
{
    [Theory]
    [InlineData(10_000, 3, 0UL)]
    [InlineData(103, 10, 7UL)]
    [InlineData(5, 5, 1UL)]
    public void KFold_partitions_the_rows_into_balanced_folds(int n, int k, ulong seed)
    {
        var splits = Folds.KFold(n, k, seed);
        Assert.Equal(k, splits.Count);
        Assert.Equal(Enumerable.Range(0, n), splits.SelectMany(s => s.Validation).Order());
        foreach (var s in splits)
        {
            Assert.Equal(Enumerable.Range(0, n), s.Train.Concat(s.Validation).Order());
            Assert.Empty(s.Train.Intersect(s.Validation));
            Assert.Equal(s.Validation.Order(), s.Validation);
        }

        var sizes = splits.Select(s => s.Validation.Count).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
        Assert.Equal(splits.Select(s => s.Validation), Folds.KFold(n, k, seed).Select(s => s.Validation));
        Assert.NotEqual(splits[0].Validation, Folds.KFold(n, k, seed + 1)[0].Validation);
    }

    [Fact]
    public void Stratified_folds_keep_each_class_share()
    {
        // 70 of class 0, 20 of class 1, 10 of class 2, shuffled.
        var labels = Enumerable.Range(0, 100).Select(i => i < 70 ? 0 : i < 90 ? 1 : 2).OrderBy(i => (i * 7919) % 101).ToArray();
        var splits = Folds.StratifiedKFold(labels, 5, 3);
        foreach (var s in splits)
        {
            var counts = s.Validation.GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(14, counts[0]);
            Assert.Equal(4, counts[1]);
            Assert.Equal(2, counts[2]);
        }

        Assert.Equal(Enumerable.Range(0, 100), splits.SelectMany(s => s.Validation).Order());
    }

    [Fact]
    public void Hold_out_takes_the_rounded_fraction()
    {
        var s = Folds.HoldOut(1000, 0.2, 5);
        Assert.Equal(200, s.Validation.Count);
        Assert.Equal(800, s.Train.Count);
        Assert.Equal(Enumerable.Range(0, 1000), s.Train.Concat(s.Validation).Order());

        // The validation rows are the first 200 of the permutation Shuffled uses.
        Assert.Equal(s.Validation, Folds.HoldOut(1000, 0.2, 5).Validation);
        Assert.Throws<ArgumentOutOfRangeException>(() => Folds.HoldOut(1000, 1.0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Folds.HoldOut(3, 0.01, 5));
    }

    [Fact]
    public void Too_few_folds_or_rows_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Folds.KFold(10, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Folds.KFold(2, 3, 0));
        var e = Assert.Throws<ArgumentException>(() => Folds.FromIds([1, 1, 1]));
        Assert.StartsWith("Cross-validation needs at least 2 folds; foldIds has 1.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_uses_the_same_fold_code()
    {
        Assert.Equal(Folds.Shuffled(257, 7, 11), Regularization.Linear.Folds.Shuffled(257, 7, 11));
        Assert.Equal(Folds.RowModulo(257, 7), Regularization.Linear.Folds.RowModulo(257, 7));
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Folds.RowModulo(7, 3));
    }
}
