using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Regularization.Cli.Tests;

public sealed class TuneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tune-tests-").FullName;

    public TuneTests() => TinyData.Write(Path.Combine(_dir, "data"), train: 120, test: 16);

    private string Data => Path.Combine(_dir, "data");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--range 1e-2:1e-5", "error: --range 1e-2:1e-5 for weight-decay: LO must be below HI.")]
    [InlineData("--range 1e-3:1e-3", "error: --range 1e-3:1e-3 for weight-decay: LO must be below HI.")]
    [InlineData("--range 0:1e-2", "error: --range 0:1e-2 for weight-decay: the search is on a log scale, so LO must be > 0.")]
    [InlineData("--range -1:1", "error: --range -1:1 for weight-decay: the search is on a log scale, so LO must be > 0.")]
    [InlineData("--range 1e-5", "error: --range must be LO:HI with two numbers, for example 1e-5:1e-2, not '1e-5'.")]
    [InlineData("--range 1e-5:1e-2 --folds 1", "error: --folds must be a whole number >= 2, not 1. Run 'regularization tune --help' for usage.")]
    [InlineData("--range 1e-5:1e-2 --validation 1.5", "error: --validation must be a fraction in (0, 1), not '1.5'. Run 'regularization tune --help' for usage.")]
    [InlineData("--range 1e-5:1e-2 --folds 3 --validation 0.2", "error: --folds and --validation cannot go together: cross-validate with K folds, or hold out one validation fraction.")]
    [InlineData("--range 1e-5:1e-2 --weight-decay 0.1", "error: --weight-decay is tuned (--param weight-decay); leave --weight-decay out or tune another parameter.")]
    [InlineData("--range 1e-5:1e-2 --range 1e-3:1e-1", "error: give one --range LO:HI per --param, in the same order (1 --param, 2 --ranges).")]
    [InlineData("--range 1e-5:1e-2 --strategy grid --trials 1", "error: --trials 1 for a grid over 1 parameter must be a number >= 2.")]
    public void Bad_ranges_and_folds_are_one_line_and_exit_2(string rest, string line)
    {
        var r = CliRunner.Run(["tune", "--param", "weight-decay", .. rest.Split(' '), "--data", Data]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal([line], r.ErrLines);
        Assert.Empty(r.Out);
    }

    [Fact]
    public void Unknown_parameters_and_missing_params_are_one_line()
    {
        var r = CliRunner.Run("tune", "--param", "momentum", "--range", "0.1:0.9", "--data", Data);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["error: --param must be one of weight-decay, l2, l1, proximal-l1, lr, not 'momentum'."], r.ErrLines);
        r = CliRunner.Run("tune", "--data", Data);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["error: tune needs at least one --param (weight-decay, l2, l1, proximal-l1, lr) with its --range LO:HI."], r.ErrLines);
        r = CliRunner.Run("tune", "--param", "l2", "--range", "1e-3:1", "--folds", "500", "--data", Data);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["error: --folds 500 needs at least 500 training images; there are 120."], r.ErrLines);
    }

    [Fact]
    public void Json_has_the_shape_external_checks_read()
    {
        var svg = Path.Combine(_dir, "t.svg");
        var r = CliRunner.Run("tune", "--param", "weight-decay", "--range", "1e-5:1e-2", "--param", "lr", "--range", "1e-3:1e-1", "--strategy", "grid", "--trials", "4",
            "--folds", "2", "--epochs", "2", "--data", Data, "--json", "--plot", svg);
        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonNode.Parse(r.Out)!.AsObject();
        var trials = json["Trials"]!.AsArray();
        Assert.Equal(4, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(["weight-decay", "lr"], t!["Parameters"]!.AsObject().Select(p => p.Key));
            Assert.InRange((double)t["Mean"]!, 0, 100);
            Assert.True((double)t["StandardError"]! >= 0);
            Assert.Equal(2, (int)t["Budget"]!);
        }

        Assert.Equal([1e-5, 1e-5, 1e-2, 1e-2], trials.Select(t => (double)t!["Parameters"]!["weight-decay"]!));
        var best = trials.Max(t => (double)t!["Mean"]!);
        Assert.Equal(best, (double)json["Best"]!["Mean"]!);
        Assert.True((double)json["OneStandardError"]!["Mean"]! >= best - (double)json["Best"]!["StandardError"]!);
        Assert.InRange((double)json["TestAccuracyPercent"]!, 0, 100);
        Assert.True((double)json["Seconds"]! > 0);

        var doc = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(4, doc.Descendants(ns + "g").Count(g => (string?)g.Attribute("class") == "trial"));
        Assert.Single(doc.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "best");
        Assert.Single(doc.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "one-se");
    }

    [Theory]
    [InlineData("bayes")]
    [InlineData("halving")]
    public void Parallel_equals_sequential(string strategy)
    {
        string[] args = ["tune", "--param", "weight-decay", "--range", "1e-4:1", "--strategy", strategy, "--trials", "5", "--folds", "2", "--epochs", "2", "--data", Data, "--json"];
        var one = CliRunner.Run([.. args, "--parallel", "1"]);
        var four = CliRunner.Run([.. args, "--parallel", "4"]);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(four.ExitCode == 0, four.ToString());
        foreach (var key in new[] { "Trials", "Best", "OneStandardError", "TestAccuracyPercent" })
        {
            Assert.Equal(JsonNode.Parse(one.Out)![key]!.ToJsonString(), JsonNode.Parse(four.Out)![key]!.ToJsonString());
        }
    }

    [Fact]
    public void A_resumed_tune_equals_an_uninterrupted_one()
    {
        var full = Path.Combine(_dir, "full.log");
        string[] args = ["tune", "--param", "weight-decay", "--range", "1e-4:1", "--strategy", "halving", "--trials", "6", "--eta", "2", "--folds", "2", "--epochs", "2", "--data", Data, "--json"];
        var whole = CliRunner.Run([.. args, "--save", full]);
        Assert.True(whole.ExitCode == 0, whole.ToString());

        // A crash after 5 of the 18 evaluations leaves a log with those 5 (saves are atomic, one per evaluation).
        var log = JsonNode.Parse(File.ReadAllText(full))!.AsObject();
        var evaluations = log["Evaluations"]!.AsArray();
        Assert.Equal(18, evaluations.Count);
        var partial = Path.Combine(_dir, "partial.log");
        var kept = new JsonArray(evaluations.Take(5).Select(e => e!.DeepClone()).ToArray());
        log["Evaluations"] = kept;
        File.WriteAllText(partial, log.ToJsonString());

        var resumed = CliRunner.Run([.. args, "--resume", partial, "--save", partial]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var a = JsonNode.Parse(whole.Out)!;
        var b = JsonNode.Parse(resumed.Out)!;
        foreach (var key in new[] { "Trials", "Best", "OneStandardError", "TestAccuracyPercent" })
        {
            Assert.Equal(a[key]!.ToJsonString(), b[key]!.ToJsonString());
        }

        Assert.Equal(5, (int)b["EvaluationsFromLog"]!);
        Assert.Equal(13, (int)b["EvaluationsRun"]!);
        Assert.Equal(File.ReadAllText(full), File.ReadAllText(partial));
    }

    [Fact]
    public void A_log_of_another_search_is_refused_with_exit_4()
    {
        var path = Path.Combine(_dir, "grid.log");
        var r = CliRunner.Run("tune", "--param", "weight-decay", "--range", "1e-4:1", "--strategy", "grid", "--trials", "2", "--folds", "2", "--epochs", "1", "--data", Data, "--save", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        r = CliRunner.Run("tune", "--param", "weight-decay", "--range", "1e-4:1", "--strategy", "grid", "--trials", "3", "--folds", "2", "--epochs", "1", "--data", Data, "--resume", path);
        Assert.Equal(4, r.ExitCode);
        Assert.Equal([$"error: checkpoint: {path}: the trial log was written by another search (--trials 2 per parameter, not 3 per parameter); give the options it was written with."], r.ErrLines);
        File.WriteAllText(path, "{}");
        r = CliRunner.Run("tune", "--param", "weight-decay", "--range", "1e-4:1", "--data", Data, "--resume", path);
        Assert.Equal(4, r.ExitCode);
        Assert.Single(r.ErrLines);
        Assert.StartsWith($"error: checkpoint: {path}: not a usable trial log: it is not a trial log", r.ErrLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_set_is_read_once_after_the_search_and_never_during_it()
    {
        var path = Path.Combine(_dir, "observed.log");
        var reads = new List<(string Member, int Logged)>();
        int Logged() => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!["Evaluations"]!.AsArray().Count : 0;
        var r = CliRunner.RunHost(
            ["tune", "--param", "l2", "--range", "1e-4:1e-1", "--strategy", "bayes", "--trials", "4", "--folds", "3", "--epochs", "2", "--data", Data, "--save", path],
            dataHook: d => d with { Test = d.Test.ObserveReads(member => reads.Add((member, Logged()))) });
        Assert.True(r.ExitCode == 0, r.ToString());

        // Every one of the 12 evaluations was logged before the only read: one evaluation pass over 16 images.
        Assert.Equal([("GatherRange", 12)], reads);
        Assert.Contains("The test set is not read during the search.", r.OutLines);
        Assert.Contains(r.OutLines, l => l.StartsWith("Test accuracy: ", StringComparison.Ordinal) && l.EndsWith("(16 test images, evaluated once, after the search)", StringComparison.Ordinal));
    }
}
