using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Regularization.Training;
using Xunit.Abstractions;

namespace Regularization.Mpi.Tests;

/// <summary>
/// <c>mpirun -np N regularization train</c>, the command itself (not the driver): the seed's SimpleNet on the first 600
/// MNIST images (global batch 64: nine batches of 64 and one of 24, split over the ranks by
/// <c>[r * B / N, (r + 1) * B / N)</c>, so 3 ranks get uneven slices), managed provider, one thread per rank.
/// </summary>
/// <remarks>
/// Bounds: the ranks sum the same per-example gradients in another grouping (per rank, then over ranks), so a
/// data-parallel run is the single-process run to rounding, and rounding differences grow slowly through 20 steps of
/// a ReLU network. Observed on an AMD EPYC (2026-12-02), largest |difference| / max|w| over all parameters: float64
/// 2.5e-16 to 8.2e-16 (2 and 3 ranks, resumed 2 -> 3 and 2 -> 1), float32 5.3e-7 (2 ranks) and 1.1e-6 (3 ranks);
/// epoch losses within 2.7e-16 and 6.8e-8 relative. The bounds are 16 epsilon x max|w| for the parameters (3.6e-15 in
/// float64, 1.9e-6 in float32) and 8 (float64) or 2 (float32) epsilon relative for the losses (1.8e-15, 2.4e-7). Every run has strong coupled or decoupled decay and a loss term or proximal
/// step: applying any of them once per rank instead of once per step moves the parameters by at least as much as
/// leaving them out does, and that is checked to be more than a thousand times the bound (observed: 6e4 times in
/// float32, 1e10 times in float64).
/// </remarks>
[Collection("mpi")]
public sealed class CliUnderMpiTests : IDisposable
{
    private readonly TempFolder _folder = new("regularization-mpi-cli-tests-");
    private readonly ITestOutputHelper _log;

    public CliUnderMpiTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var configuration in Configurations.Keys)
        {
            foreach (var ranks in new[] { 2, 3 })
            {
                data.Add(configuration, ranks);
            }
        }

        return data;
    }

    private static Dictionary<string, (string DType, string[] Args, string[] WithoutRegularization)> Configurations { get; } = new()
    {
        ["float64 sgd coupled decay, l2 term, proximal l1"] = (
            "float64",
            ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--weight-decay", "0.05", "--l2", "1e-3", "--proximal-l1", "1e-4"],
            ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--weight-decay", "0"]),
        ["float64 adamw decoupled decay, l1 term, biases excluded"] = (
            "float64",
            ["--optimizer", "adamw", "--lr", "1e-3", "--weight-decay", "0.5", "--l1", "1e-4", "--exclude-biases"],
            ["--optimizer", "adamw", "--lr", "1e-3", "--weight-decay", "0", "--exclude-biases"]),
        ["float32 adam coupled decay, l2 term"] = (
            "float32",
            ["--optimizer", "adam", "--lr", "1e-3", "--weight-decay", "0.05", "--l2", "1e-3"],
            ["--optimizer", "adam", "--lr", "1e-3", "--weight-decay", "0"]),
    };

    /// <summary>
    /// The job prints rank 0's JSON once (the other ranks are silent), and its epoch losses, accuracies and final
    /// parameters (rank 0's checkpoint) are the single-process run's within the bound; the decay, loss terms and
    /// proximal steps are applied once per step (their effect is a million bounds, so once per rank would show).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Train_under_mpirun_is_the_single_process_run_and_decays_once_per_step(string configuration, int ranks)
    {
        var (dtype, args, without) = Configurations[configuration];
        var single = Train(1, "single", dtype, args, epochs: 2);
        var parallel = Train(ranks, "parallel", dtype, args, epochs: 2);
        var undecayed = Train(1, "undecayed", dtype, without, epochs: 2);

        Assert.Equal(single.Json.Accuracies, parallel.Json.Accuracies);
        AssertClose(single, parallel, dtype);
        var effect = MaxDifference(single.Parameters, undecayed.Parameters);
        _log.WriteLine($"regularization effect: {effect / Bound(dtype, single):E2} bounds");
        Assert.True(effect > 1000 * Bound(dtype, single), $"the regularization moved the parameters by only {effect}; a per-rank application would not be caught");
    }

    /// <summary>A checkpoint written by a 2-rank job resumes under 3 ranks and under one process, and both continue the
    /// uninterrupted single-process run within the bound.</summary>
    [Fact]
    public void A_checkpoint_of_two_ranks_resumes_with_three_ranks_or_one()
    {
        var (dtype, args, _) = Configurations["float64 adamw decoupled decay, l1 term, biases excluded"];
        var straight = Train(1, "straight", dtype, args, epochs: 2);
        var first = Train(2, "first", dtype, args, epochs: 1);
        Assert.Equal(1, first.Checkpoint.CompletedEpochs);
        foreach (var ranks in new[] { 3, 1 })
        {
            var resumed = Resume(ranks, $"resumed-{ranks}", first.CheckpointPath, epochs: 2);
            Assert.Equal(2, resumed.Checkpoint.CompletedEpochs);
            Assert.Equal(straight.Checkpoint.Step, resumed.Checkpoint.Step);
            AssertCloseParameters(straight, resumed, dtype);
            AssertCloseLosses(straight.Json.Losses, resumed.Json.Losses, dtype);  // the history includes the saved epoch
        }
    }

    /// <summary>
    /// A rank killed (SIGKILL) while rank 0 writes the second checkpoint (paused between the complete temporary file and
    /// the rename): the job ends within a bounded time with Open MPI's message naming the rank, the file on disk is
    /// still the complete epoch-1 checkpoint (Open MPI kills rank 0 before its rename), and a 2-rank job resumed from
    /// it ends where the uninterrupted run ends.
    /// </summary>
    [Fact]
    public async Task A_killed_rank_stops_the_job_with_a_message_and_its_last_checkpoint_resumes_it()
    {
        var (dtype, args, _) = Configurations["float64 sgd coupled decay, l2 term, proximal l1"];
        var straight = Train(1, "straight", dtype, args, epochs: 3);
        var path = _folder.File("killed.ckpt");
        var marker = _folder.File("saving");
        var job = Guid.NewGuid().ToString("N");
        var start = MpiRun.CliStart(
            3,
            ["train", "--dtype", dtype, "--epochs", "3", "--save", path, .. Common, .. args],
            new("REGULARIZATION_TEST_PAUSE", $"save,2,10000,{marker}"),
            new("REGULARIZATION_TEST_JOB", job));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        while (!File.Exists(marker) && !process.HasExited && clock.Elapsed < MpiRun.Limit)
        {
            await Task.Delay(20);
        }

        Assert.True(File.Exists(marker), $"rank 0 never began its second save (exit {(process.HasExited ? process.ExitCode : -1)})");
        var victim = RankProcess(job, rank: 1);
        Assert.True(victim > 0, "rank 1's process was not found");
        Process.GetProcessById(victim).Kill();
        using (var limit = new CancellationTokenSource(MpiRun.Limit))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("the job did not end after a rank was killed (a hang)");
            }
        }

        var all = await output + await error;
        Assert.True(process.ExitCode != 0, all);
        Assert.Contains("mpirun noticed that process rank 1 with PID", all, StringComparison.Ordinal);
        Assert.Contains("exited on signal 9 (Killed)", all, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed} to end");

        var saved = Checkpoint.Load(path);
        Assert.Equal((1, 0), (saved.CompletedEpochs, saved.BatchInEpoch));
        var resumed = Resume(2, "resumed", path, epochs: 3);
        AssertCloseParameters(straight, resumed, dtype);
    }

    /// <summary>
    /// <c>mpirun -np N regularization tune</c>: the evaluations spread over the ranks give the single-process search
    /// exactly (every trial's fold scores, the best and one-standard-error choices, the retrained model's test
    /// accuracy), with successive halving continuing each session on its own rank and Bayesian optimization proposing
    /// from the gathered scores; one JSON document (rank 0's) and one trial log, written by rank 0, that holds every
    /// evaluation.
    /// </summary>
    [Theory]
    [InlineData("halving", 2)]
    [InlineData("bayes", 3)]
    public void Tune_under_mpirun_is_the_single_process_search(string strategy, int ranks)
    {
        string[] args =
        [
            "tune", "--param", "weight-decay", "--range", "1e-4:1", "--strategy", strategy, "--trials", "5", "--folds", "2", "--epochs", "2",
            "--train-limit", "300", "--test-limit", "100", "--provider", "managed", "--threads", "1", "--parallel", "1", "--json",
        ];
        var single = MpiRun.Cli(1, [.. args, "--save", _folder.File("single.log")]);
        var spread = MpiRun.Cli(ranks, [.. args, "--save", _folder.File("spread.log")]);
        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.True(spread.ExitCode == 0, spread.ToString());
        using var a = JsonDocument.Parse(single.Out);
        using var b = JsonDocument.Parse(spread.Out);
        foreach (var key in new[] { "Trials", "Best", "OneStandardError", "TestAccuracyPercent", "EvaluationsRun" })
        {
            Assert.Equal(a.RootElement.GetProperty(key).GetRawText(), b.RootElement.GetProperty(key).GetRawText());
        }

        Assert.Equal((1, ranks), (a.RootElement.GetProperty("Processes").GetInt32(), b.RootElement.GetProperty("Processes").GetInt32()));
        var evaluations = a.RootElement.GetProperty("EvaluationsRun").GetInt32();
        Assert.True(evaluations >= 10, $"{evaluations} evaluations");
        using var log = JsonDocument.Parse(File.ReadAllText(_folder.File("spread.log")));
        Assert.Equal(evaluations, log.RootElement.GetProperty("Evaluations").GetArrayLength());
    }

    // 600 images: 10 batches per epoch (9 of 64, one of 24).
    private static readonly string[] Common = ["--train-limit", "600", "--test-limit", "200", "--provider", "managed", "--threads", "1", "--json"];

    private Run Train(int ranks, string name, string dtype, string[] args, int epochs)
    {
        var path = _folder.File(name + ".ckpt");
        var run = MpiRun.Cli(ranks, ["train", "--dtype", dtype, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--save", path, .. Common, .. args]);
        return Parse(run, path);
    }

    private Run Resume(int ranks, string name, string from, int epochs)
    {
        var path = _folder.File(name + ".ckpt");
        File.Copy(from, path);
        var run = MpiRun.Cli(ranks, ["train", "--resume", path, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--save", path, .. Common]);
        return Parse(run, path);
    }

    private static Run Parse(ProcessResult run, string path)
    {
        Assert.True(run.ExitCode == 0, run.ToString());

        // One JSON document: rank 0's; a second rank writing would make it unparseable.
        using var json = JsonDocument.Parse(run.Out);
        var epochs = json.RootElement.GetProperty("Epochs").EnumerateArray().ToArray();
        var summary = new Summary(
            epochs.Select(e => e.GetProperty("AverageLoss").GetDouble()).ToArray(),
            epochs.Select(e => e.GetProperty("TestAccuracyPercent").GetDouble()).ToArray());
        var checkpoint = Checkpoint.Load(path);
        var parameters = checkpoint.CopyParametersAsDouble().SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        return new Run(summary, checkpoint, path, parameters);
    }

    /// <summary>The process of this job (marked by <c>REGULARIZATION_TEST_JOB</c>) that Open MPI gave <paramref name="rank"/>.</summary>
    private static int RankProcess(string job, int rank)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environment.Contains($"REGULARIZATION_TEST_JOB={job}") && environment.Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one that is not ours.
            }
        }

        return 0;
    }

    private static double Epsilon(string dtype) => dtype == "float64" ? Math.Pow(2, -52) : Math.Pow(2, -23);

    private static double Bound(string dtype, Run reference) => 16 * Epsilon(dtype) * reference.Parameters.Max(Math.Abs);

    private static double MaxDifference(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }

    private void AssertClose(Run expected, Run actual, string dtype)
    {
        AssertCloseParameters(expected, actual, dtype);
        AssertCloseLosses(expected.Json.Losses, actual.Json.Losses, dtype);
    }

    private void AssertCloseParameters(Run expected, Run actual, string dtype)
    {
        var bound = Bound(dtype, expected);
        var worst = MaxDifference(expected.Parameters, actual.Parameters);
        _log.WriteLine($"parameters: largest difference {worst / expected.Parameters.Max(Math.Abs):E2} of max|w| (bound {16 * Epsilon(dtype):E2})");
        Assert.True(worst <= bound, $"parameters differ by up to {worst} ({worst / expected.Parameters.Max(Math.Abs):E2} of max|w|); the bound is {bound}");
        Assert.Equal(expected.Parameters.Select(v => v == 0), actual.Parameters.Select(v => v == 0));
    }

    private void AssertCloseLosses(double[] expected, double[] actual, string dtype)
    {
        Assert.Equal(expected.Length, actual.Length);
        var bound = (dtype == "float64" ? 8 : 2) * Epsilon(dtype);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
        _log.WriteLine($"losses: largest relative difference {worst:E2} (bound {bound:E2})");
        Assert.True(worst <= bound, $"epoch losses differ by up to {worst:E2} relative; the bound is {bound:E2}");
    }

    private sealed record Summary(double[] Losses, double[] Accuracies);

    private sealed record Run(Summary Json, Checkpoint Checkpoint, string CheckpointPath, double[] Parameters);
}
