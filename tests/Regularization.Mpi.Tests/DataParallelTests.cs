using System.Globalization;

namespace Regularization.Mpi.Tests;

/// <summary>
/// Data-parallel training of the driver's linear regression (a 37x11 weight and an 11-element bias, 100 examples,
/// global batch 32: batches of 32, 32, 32, 4, split over the ranks by <c>[r * B / N, (r + 1) * B / N)</c>, so 3 ranks
/// get uneven slices and the last batch gives some ranks a single example), 12 steps.
/// </summary>
/// <remarks>
/// Bounds: the replicated run sums the same per-example terms in another grouping (per rank, then over ranks), so it
/// differs from the single process by rounding only. Observed on an AMD EPYC (2026-12-02): parameters within
/// 5.2e-16 x max|w| in float64 and 2.6e-7 x max|w| in float32, losses within 1.5e-15 and 8.2e-8 relative; the bounds
/// are 8 epsilon x max|w| (1.8e-15, 9.5e-7) and 16 / 4 epsilon for the losses (3.6e-15, 4.8e-7). ZeRO-1 gives the
/// replicated bits exactly.
/// </remarks>
[Collection("mpi")]
public sealed class DataParallelTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var type in new[] { "double", "float" })
        {
            foreach (var optimizer in new[] { "sgd", "adam", "adamw", "l1", "l2", "proximal" })
            {
                foreach (var ranks in new[] { 2, 3 })
                {
                    data.Add(type, optimizer, ranks);
                }
            }
        }

        return data;
    }

    /// <summary>
    /// Coupled decay (sgd, adam), decoupled decay (adamw), the l1 and l2 loss terms and the proximal step, strong
    /// enough that applying any of them once per rank moves the parameters by far more than the bound (see
    /// <see cref="A_penalty_added_on_every_rank_is_caught_by_the_same_bound"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Replicated_training_is_the_single_process_run_and_ZeRO_gives_its_bits(string type, string optimizer, int ranks)
    {
        using var folder = new TempFolder();
        var single = Train(folder, "single", type, optimizer, "single", 1);
        var replicated = Train(folder, "replicated", type, optimizer, "replicated", ranks);
        var zero = Train(folder, "zero", type, optimizer, "zero", ranks);

        AssertClose(single, replicated, type);
        Assert.Equal(replicated.Bits, zero.Bits);
        Assert.Equal(replicated.Losses, zero.Losses);
        for (var r = 0; r < ranks; r++)
        {
            // Every rank ends with the same full parameters.
            Assert.Equal(replicated.Bits, RankBits(folder.File("zero") + $".rank{r}"));
            Assert.Equal(replicated.Bits, RankBits(folder.File("replicated") + $".rank{r}"));
        }

        if (optimizer == "proximal")
        {
            Assert.True(single.Values.Count(v => v == 0) >= 10, "the proximal step should give exact zeros");
            Assert.Equal(single.Values.Select(v => v == 0), replicated.Values.Select(v => v == 0));
        }
    }

    [Theory]
    [InlineData("adam", 2)]
    [InlineData("adam", 3)]
    [InlineData("sgd", 3)]
    public void ZeRO_keeps_one_Nth_of_the_optimizer_state_on_each_rank(string optimizer, int ranks)
    {
        using var folder = new TempFolder();
        var single = Train(folder, "single", "double", optimizer, "single", 1);
        Train(folder, "zero", "double", optimizer, "zero", ranks);
        var slots = optimizer == "adam" ? 2 : 1;   // Adam: exp_avg, exp_avg_sq; SGD with momentum: the momentum buffer
        const int total = (37 * 11) + 11;
        Assert.Equal(slots * total, single.StateElements);
        var block = (total + ranks - 1) / ranks;
        var perRank = Enumerable.Range(0, ranks).Select(r => StateElements(folder.File("zero") + $".rank{r}")).ToArray();
        Assert.Equal(Enumerable.Range(0, ranks).Select(r => (long)slots * Math.Min(block, total - (r * block))), perRank);
        Assert.Equal(single.StateElements, perRank.Sum());
    }

    /// <summary>The classic mistake, <c>l2 * sum(w^2)</c> added on every rank before the sum, is far outside the bound of the equivalence test.</summary>
    [Theory]
    [InlineData("l1")]
    [InlineData("l2")]
    public void A_penalty_added_on_every_rank_is_caught_by_the_same_bound(string optimizer)
    {
        using var folder = new TempFolder();
        var single = Train(folder, "single", "double", optimizer, "single", 1);
        var wrong = Train(folder, "wrong", "double", optimizer, "per-rank-penalty", 2);
        var bound = Bound("double", single);
        var worst = single.Values.Zip(wrong.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst > 1e6 * bound, $"counting the penalty twice moved the parameters by only {worst} (bound {bound})");
    }

    private static Result Train(TempFolder folder, string name, string type, string optimizer, string mode, int ranks)
    {
        string[] args = ["train", folder.File(name), type, optimizer, mode, "12"];
        var run = ranks == 1 ? MpiRun.Single(args) : MpiRun.Ranks(ranks, args);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = File.ReadAllLines(folder.File(name));
        var losses = lines.Where(l => l.StartsWith("loss ", StringComparison.Ordinal)).Select(l => double.Parse(l[5..], CultureInfo.InvariantCulture)).ToArray();
        var parameters = lines.Where(l => !l.StartsWith("loss ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToArray();
        return new Result(
            losses,
            parameters.Select(p => double.Parse(p[1], CultureInfo.InvariantCulture)).ToArray(),
            parameters.Select(p => p[2]).ToArray(),
            StateElements(folder.File(name) + ".rank0"));
    }

    private static string[] RankBits(string file) =>
        File.ReadAllLines(file).Where(l => !l.StartsWith("state-elements ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToArray();

    private static long StateElements(string file) =>
        long.Parse(File.ReadAllLines(file).Single(l => l.StartsWith("state-elements ", StringComparison.Ordinal))["state-elements ".Length..], CultureInfo.InvariantCulture);

    private static double Epsilon(string type) => type == "double" ? Math.Pow(2, -52) : Math.Pow(2, -23);

    private static double Bound(string type, Result reference) => 8 * Epsilon(type) * reference.Values.Max(Math.Abs);

    private static void AssertClose(Result single, Result replicated, string type)
    {
        Assert.Equal(single.Values.Length, replicated.Values.Length);
        Assert.Equal(12, single.Losses.Length);
        var bound = Bound(type, single);
        var worst = single.Values.Zip(replicated.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= bound, $"parameters differ by up to {worst}; the bound is {bound}");
        var lossBound = (type == "double" ? 16 : 4) * Epsilon(type);
        var worstLoss = single.Losses.Zip(replicated.Losses, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
        Assert.True(worstLoss <= lossBound, $"losses differ by up to {worstLoss} relative; the bound is {lossBound}");
    }

    private sealed record Result(double[] Losses, double[] Values, string[] Bits, long StateElements);
}
