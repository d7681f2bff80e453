using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Regularization.Cli.Output;
using Regularization.Training;

namespace Regularization.Cli.Commands;

/// <summary>One configuration of <c>compare</c>.</summary>
/// <param name="Name">Short name (table rows, legend, JSON).</param>
/// <param name="Options">The run's options.</param>
internal sealed record CompareRun(string Name, TrainingOptions Options);

/// <summary>One epoch of a compared run (epoch 0 is the initial model).</summary>
internal sealed record ComparePoint(int Epoch, double TestAccuracyPercent, double AverageLoss, double WeightNorm);

/// <summary>
/// <c>regularization compare</c>: the same network, seed and data under no regularization, an L2 term in the loss,
/// SGD weight decay (2 x the L2 lambda), an L1 term in the loss, proximal L1 and AdamW; a table and an SVG chart.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The L2 loss term (the second seed's lambda).</summary>
    public const double L2 = 5e-4;

    /// <summary>SGD weight decay, 2 x <see cref="L2"/>: the same trajectory as the L2 term (the second seed's equivalence).</summary>
    public const double WeightDecay = 2 * L2;

    /// <summary>The L1 loss term.</summary>
    public const double L1 = 1e-4;

    /// <summary>Proximal L1 strength (soft threshold lr * this per step).</summary>
    public const double ProximalL1 = 1e-3;

    /// <summary>AdamW's learning rate (PyTorch's default).</summary>
    public const double AdamWLearningRate = 1e-3;

    /// <summary>AdamW's decoupled weight decay (PyTorch's default).</summary>
    public const double AdamWWeightDecay = 1e-2;

    public static IReadOnlyList<CompareRun> Runs(IReadOnlyList<int> layers, int epochs, ulong seed)
    {
        var sgd = new TrainingOptions(layerSizes: layers, seed: seed, epochs: epochs, weightDecay: 0);
        return
        [
            new("none", sgd),
            new("l2-loss", sgd with { L2 = L2 }),
            new("weight-decay", sgd with { WeightDecay = WeightDecay }),
            new("l1-loss", sgd with { L1 = L1 }),
            new("proximal-l1", sgd with { ProximalL1 = ProximalL1 }),
            new("adamw", sgd with { Optimizer = OptimizerKind.AdamW, LearningRate = AdamWLearningRate, WeightDecay = AdamWWeightDecay }),
        ];
    }

    public static Command Create(CliHost host)
    {
        var epochs = Options.Int("--epochs", "Epochs per run.", 5, 1, 1_000_000);
        var seed = Options.Seed();
        var trainLimit = Options.TrainLimit();
        var testLimit = Options.TestLimit();
        var provider = Options.Provider();
        var threads = Options.Threads();
        var data = Options.Data();
        var json = Options.Json("the comparison (every run's result and per-epoch history)");
        var plot = Options.SvgPath("--plot", "Write an SVG chart of test accuracy and weight norm per epoch for every run to FILE.svg.");
        var dtype = Options.DType();
        var command = new Command(
            "compare",
            $"Train SimpleNet on MNIST six times from the same seed: no regularization; L2 term {Text.Py(L2)}*sum(w^2) in the loss; " +
            $"SGD weight_decay={Text.Py(WeightDecay)} (= 2 x {Text.Py(L2)}, the same trajectory); L1 term {Text.Py(L1)}*sum(|w|) in the loss; " +
            $"proximal L1 {Text.Py(ProximalL1)} (exact zeros); AdamW(lr={Text.Py(AdamWLearningRate)}, weight_decay={Text.Py(AdamWWeightDecay)}). " +
            "SGD runs use lr=0.01, batch 64. Prints a table (accuracies, gap, sum of squares, exact zeros, seconds per epoch).");
        foreach (var option in new Option[] { epochs, seed, dtype, trainLimit, testLimit, provider, threads, data, json, plot })
        {
            command.Add(option);
        }

        command.SetAction(parse => Execute(
            host,
            parse.GetValue(epochs),
            parse.GetValue(seed),
            Options.ParseDType(parse.GetValue(dtype)),
            parse.GetValue(trainLimit),
            parse.GetValue(testLimit),
            parse.GetValue(provider),
            parse.GetValue(threads),
            parse.GetValue(data),
            parse.GetValue(json),
            parse.GetValue(plot)));
        return command;
    }

    private static int Execute(
        CliHost host, int epochs, ulong seed, ElementType elementType, int? trainLimit, int? testLimit, string? providerOption, int threads, string? dataDirectory, bool json, string? plotPath)
    {
        // Before any training: a chart that cannot be written would otherwise lose the whole comparison.
        OutputPath.Check("--plot", plotPath, ExitCodes.Output, string.Empty, overwritesInPlace: true);
        var data = DataSetup.Load(host, dataDirectory, trainLimit, testLimit);
        var layers = new[] { data.Train.FeatureCount, TrainCommand.HiddenUnits, data.Train.ClassCount };
        var runs = Runs(layers, epochs, seed).Select(r => r with { Options = r.Options with { ElementType = elementType } }).ToList();
        var provider = ProviderSetup.Select(providerOption, threads, host);
        if (!json)
        {
            host.Out.WriteLine($"Comparing {runs.Count} regularizations of SimpleNet {string.Join('-', layers)}, {Options.DTypeName(elementType)}, on {data.Describe()}");
            host.Out.WriteLine($"{Text.Count(epochs, "epoch")} per run, batch 64, seed {seed}: every run starts from the same weights and sees the same shuffles");
            host.Out.WriteLine($"Provider: {provider.Summary}");
        }

        var view = ProgressView.For(host, json);
        var results = new List<(CompareRun Run, TrainingResult Result, List<ComparePoint> History, ParamSet<double> Parameters)>();
        var current = 0;
        host.Interrupt.Accepting = true;
        try
        {
            view.Run(() =>
            {
                foreach (var run in runs)
                {
                    current++;
                    var trainer = Trainer.Create(run.Options, data.Train, data.Test);
                    view.Line(string.Empty);
                    view.Line($"[{current}/{runs.Count}] {run.Name}: {Text.Describe(run.Options)}");
                    var initial = trainer.Evaluate(data.Test);
                    var history = new List<ComparePoint> { new(0, initial.AccuracyPercent, double.NaN, WeightNorm(trainer)) };
                    while (!trainer.IsComplete)
                    {
                        var report = trainer.RunEpoch(
                            b =>
                            {
                                view.Batch($"{current}/{runs.Count} {run.Name}: ", b, epochs);
                                host.BatchObserver?.Invoke(b);
                            },
                            host.Interrupt.Token);
                        var point = new ComparePoint(report.Epoch, report.TestAccuracyPercent, report.AverageLoss, WeightNorm(trainer));
                        history.Add(point);
                        view.Line(
                            $"{report.SeedLines.Replace(Environment.NewLine, ", ", StringComparison.Ordinal)}, weight norm {Text.F(point.WeightNorm, 4)}");
                    }

                    results.Add((run, trainer.Summarize(), history, trainer.CopyParametersAsDouble()));
                }

                return 0;
            });
        }
        catch (OperationCanceledException) when (host.Interrupt.Token.IsCancellationRequested)
        {
            return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} during run {current} of {runs.Count} ({runs[current - 1].Name}); no table or chart written.");
        }
        finally
        {
            host.Interrupt.Accepting = false;
        }

        var equivalence = MaxDifference(results[1].Parameters, results[2].Parameters);
        var title = $"Regularization compared: SimpleNet {string.Join('-', layers)} on MNIST, seed {seed}";
        var subtitle = $"{data.Train.Count} training / {data.Test.Count} test images, {Text.Count(epochs, "epoch")}, batch 64, provider {provider.Name}";
        if (plotPath is not null)
        {
            var svg = SvgChart.Render(
                title,
                subtitle,
                results.Select(r => new SvgSeries(r.Run.Name, Text.Describe(r.Run.Options), r.History.Select(p => (p.Epoch, p.TestAccuracyPercent, p.WeightNorm)).ToList())).ToList());
            try
            {
                File.WriteAllText(plotPath, svg);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Output, $"--plot {plotPath}: cannot write the chart ({e.Message.TrimEnd('.')}).", e);
            }
        }

        if (json)
        {
            var document = new JsonObject
            {
                ["Command"] = "compare",
                ["Epochs"] = epochs,
                ["Seed"] = seed,
                ["TrainImages"] = data.Train.Count,
                ["TestImages"] = data.Test.Count,
                ["DataDirectory"] = data.Directory,
                ["ProviderKind"] = provider.Name,
                ["ProviderSummary"] = provider.Summary,
                ["Threads"] = provider.Threads,
                ["L2TermVersusWeightDecayMaxDifference"] = equivalence,
                ["Plot"] = plotPath,
                ["Runs"] = new JsonArray(results.Select(r => (JsonNode?)new JsonObject
                {
                    ["Name"] = r.Run.Name,
                    ["Description"] = Text.Describe(r.Run.Options),
                    ["History"] = new JsonArray(r.History.Select(p => (JsonNode?)new JsonObject
                    {
                        ["Epoch"] = p.Epoch,
                        ["TestAccuracyPercent"] = p.TestAccuracyPercent,
                        ["AverageLoss"] = double.IsNaN(p.AverageLoss) ? null : p.AverageLoss,
                        ["WeightNorm"] = p.WeightNorm,
                    }).ToArray()),
                    ["Result"] = JsonNode.Parse(r.Result.ToJson()),
                }).ToArray()),
            };
            host.Out.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        host.Out.WriteLine();
        var rows = results.Select(r => (IReadOnlyList<string>)
        [
            r.Run.Name,
            Text.Describe(r.Run.Options),
            Text.F(r.Result.TestAccuracyPercent, 2) + "%",
            Text.F(r.Result.TrainAccuracyPercent, 2) + "%",
            Text.F(r.Result.GapPercentagePoints, 2),
            Text.F(r.Result.SumOfSquares, 4),
            $"{r.Result.Zeros} ({Text.Percent(r.Result.ZeroShare)})",
            Text.F(r.Result.SecondsPerEpoch, 2),
        ]).ToList();
        foreach (var line in Text.Table(
            ["Run", "Regularization", "Test acc", "Train acc", "Gap", "Sum of squares", "Exact zeros", "s/epoch"], rows, new HashSet<int> { 2, 3, 4, 5, 6, 7 }))
        {
            host.Out.WriteLine(line);
        }

        host.Out.WriteLine();
        host.Out.WriteLine(
            $"L2 term {Text.Py(L2)} vs weight_decay {Text.Py(WeightDecay)}: final parameters differ by at most {Text.Sci(equivalence)} " +
            "(SGD's weight_decay is 2 x lambda of the loss term).");
        host.Out.WriteLine(
            $"Exact zeros: L1 in the loss {results[3].Result.Zeros}, proximal L1 {results[4].Result.Zeros} ({Text.Percent(results[4].Result.ZeroShare)}) " +
            "(a loss-term subgradient rarely lands on 0; the proximal step sets small weights to exactly 0).");
        if (plotPath is not null)
        {
            host.Out.WriteLine($"Chart: {plotPath}");
        }

        return ExitCodes.Success;
    }

    private static double WeightNorm(Trainer trainer)
    {
        double sum = 0;
        foreach (var p in trainer.CopyParametersAsDouble())
        {
            foreach (var x in p.Value.AsColumnMajorArray())
            {
                sum += x * x;
            }
        }

        return Math.Sqrt(sum);
    }

    private static double MaxDifference(ParamSet<double> a, ParamSet<double> b)
    {
        double max = 0;
        foreach (var p in a)
        {
            var x = p.Value.AsColumnMajorArray();
            var y = b[p.Name].Value.AsColumnMajorArray();
            for (var i = 0; i < x.Length; i++)
            {
                max = Math.Max(max, Math.Abs(x[i] - y[i]));
            }
        }

        return max;
    }
}
