using System.Globalization;

namespace Regularization.Mpi.Tests;

/// <summary>Every collective of <see cref="MpiWorld"/> under mpirun with 2 and 3 ranks, checked on every rank against values computed here.</summary>
[Collection("mpi")]
public sealed class CollectiveTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_collective_gives_the_MPI_result_on_every_rank(int size)
    {
        using var folder = new TempFolder();
        var run = MpiRun.Ranks(size, "collectives", folder.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        for (var rank = 0; rank < size; rank++)
        {
            var lines = File.ReadAllLines(folder.File($"rank{rank}.txt")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(size.ToString(CultureInfo.InvariantCulture), lines["size"]);
            Assert.Equal(rank.ToString(CultureInfo.InvariantCulture), lines["rank"]);
            Assert.Equal("1", lines["thread-level"]);
            Assert.StartsWith("Open MPI v", lines["version"], StringComparison.Ordinal);
            Assert.Equal("7,8,9", lines["bcast"]);
            var ranks = Enumerable.Range(0, size).ToArray();
            Assert.Equal(Join(ranks.Sum(r => r + 0.5), ranks.Sum(r => r * 2.0)), lines["allreduce-double-sum"]);
            Assert.Equal(Join(ranks.Sum(r => r + 0.25f)), lines["allreduce-float-sum"]);
            Assert.Equal(Join(size - 1, 0), lines["allreduce-int-max"]);
            Assert.Equal("10", lines["allreduce-long-min"]);
            // send[i] = 100 * rank + i on every rank; rank r receives the sums of elements 2r and 2r + 1.
            Assert.Equal(Join(ranks.Sum(q => (100.0 * q) + (2 * rank)), ranks.Sum(q => (100.0 * q) + (2 * rank) + 1)), lines["reduce-scatter"]);
            Assert.Equal(string.Join(',', ranks.SelectMany(q => new[] { q * 10, (q * 10) + 1 })), lines["allgather"]);
            Assert.Equal(string.Join(',', ranks.SelectMany(q => Enumerable.Repeat(q, q + 1))), lines["allgatherv"]);
        }
    }

    private static string Join(params double[] values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    private static string Join(params float[] values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    private static string Join(params int[] values) => string.Join(',', values);
}
