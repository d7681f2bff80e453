using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Regularization.Cli.Output;
using Regularization.Training;

namespace Regularization.Cli.Commands;

/// <summary><c>regularization train</c>: the first seed by default, every regularization by option.</summary>
internal static class TrainCommand
{
    public const int HiddenUnits = 128;

    public static Command Create(CliHost host)
    {
        var s = new Symbols();
        var command = new Command(
            "train",
            "Train SimpleNet (784-128-10 ReLU) on MNIST. Defaults are the first seed: SGD(lr=0.01, weight_decay=1e-4), batch 64, 5 epochs, seed 0. " +
            "Prints 'Epoch N, Average Loss: x' and 'Test Accuracy: y%' per epoch, then a summary ending with 'Train time: t s'.");
        foreach (var option in s.All)
        {
            command.Add(option);
        }

        command.SetAction(parse => Execute(parse, s, host));
        return command;
    }

    private static int Execute(ParseResult parse, Symbols s, CliHost host)
    {
        var json = parse.GetValue(s.Json);
        var savePath = parse.GetValue(s.Save);
        var resumePath = parse.GetValue(s.Resume);

        // 1. Options: from the command line, or from the checkpoint with the options given on the command line.
        Checkpoint? checkpoint = null;
        TrainingOptions options;
        if (resumePath is not null)
        {
            checkpoint = LoadCheckpoint(resumePath);
            options = Override(checkpoint.Options, parse, s);
        }
        else
        {
            options = Override(new TrainingOptions(), parse, s);
        }

        CheckCombinations(options);
        CheckSavePath(savePath);

        // 2. Data (the checkpoint's training-set size when resuming without --train-limit).
        var trainLimit = parse.GetValue(s.TrainLimit) ?? checkpoint?.TrainCount;
        var data = DataSetup.Load(parse.GetValue(s.Data), trainLimit, parse.GetValue(s.TestLimit));
        if (checkpoint is null)
        {
            options = options with { LayerSizes = [data.Train.FeatureCount, HiddenUnits, data.Train.ClassCount] };
        }

        // 3. Provider, once, before any matrix work.
        var provider = ProviderSetup.Select(parse.GetValue(s.Provider), parse.GetValue(s.Threads), host);

        // 4. Trainer.
        Trainer trainer;
        try
        {
            trainer = checkpoint is null ? new Trainer(options, data.Train, data.Test) : Trainer.Resume(checkpoint, data.Train, data.Test, options);
        }
        catch (CheckpointException e)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {resumePath}: {e.Detail}", e);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }

        if (!json)
        {
            host.Out.WriteLine($"SimpleNet {string.Join('-', options.LayerSizes)} on {data.Describe()}");
            host.Out.WriteLine($"{Text.Describe(options)}, batch {options.BatchSize}, {Text.Count(options.Epochs, "epoch")}, seed {options.Seed}");
            host.Out.WriteLine($"Provider: {provider.Summary}");
            if (checkpoint is not null)
            {
                host.Out.WriteLine(ResumeLine(resumePath!, trainer));
            }
        }

        // 5. Train; Ctrl+C stops between two steps.
        var view = ProgressView.For(host, json);
        var epochLines = new List<string>();
        var savedAtStep = -1L;
        void Save()
        {
            if (savePath is not null)
            {
                trainer.SaveCheckpoint(savePath);
                savedAtStep = trainer.Step;
            }
        }

        var token = host.Interrupt.Token;
        host.Interrupt.Armed = true;
        try
        {
            view.Run(() =>
            {
                while (!trainer.IsComplete)
                {
                    var report = trainer.RunEpoch(
                        b =>
                        {
                            view.Batch(string.Empty, b, trainer.Options.Epochs);
                            host.BatchObserver?.Invoke(b);
                        },
                        token);
                    foreach (var line in report.SeedLines.Split(Environment.NewLine))
                    {
                        epochLines.Add(line);
                        view.Line(line);
                    }

                    Save();
                }

                return 0;
            });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            host.Interrupt.Armed = false;
            var where = $"epoch {trainer.CompletedEpochs + 1} of {trainer.Options.Epochs}, after batch {trainer.BatchInEpoch} of {trainer.BatchesPerEpoch} (step {trainer.Step})";
            if (savePath is null)
            {
                return Cli.Fail(host, ExitCodes.Interrupted, $"interrupted at {where}; nothing saved (add --save FILE to keep a checkpoint).");
            }

            Save();
            return Cli.Fail(host, ExitCodes.Interrupted, $"interrupted at {where}; checkpoint saved to {savePath}; continue with: {Cli.Name} train --resume {savePath}");
        }
        catch (NonFiniteGradientException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Use NonFinitePolicy", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            throw new CliException(
                ExitCodes.Diverged,
                $"training diverged in epoch {trainer.CompletedEpochs + 1}, batch {trainer.BatchInEpoch + 1} (step {trainer.Step + 1}): {message.TrimEnd('.')}. Try a smaller --lr.",
                e);
        }
        finally
        {
            host.Interrupt.Armed = false;
        }

        if (savedAtStep != trainer.Step)
        {
            Save();
        }

        var result = trainer.Summarize();
        if (json)
        {
            var node = JsonNode.Parse(result.ToJson())!.AsObject();
            node["EpochLines"] = new JsonArray(epochLines.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray());
            node["ProviderKind"] = provider.Name;
            node["ProviderSummary"] = provider.Summary;
            node["Threads"] = provider.Threads;
            node["TrainImages"] = data.Train.Count;
            node["TestImages"] = data.Test.Count;
            node["DataDirectory"] = data.Directory;
            node["ResumedFrom"] = resumePath;
            node["SavedTo"] = savePath;
            host.Out.WriteLine(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        foreach (var line in Summary(result, provider, data))
        {
            host.Out.WriteLine(line);
        }

        if (savePath is not null)
        {
            host.Out.WriteLine($"Checkpoint: {savePath}");
        }

        return ExitCodes.Success;
    }

    /// <summary>The summary after training; the last line is exactly <c>Train time: 2.41 s</c>.</summary>
    internal static IEnumerable<string> Summary(TrainingResult result, ProviderInfo provider, DataSets data)
    {
        yield return string.Empty;
        yield return $"Summary after {Text.Count(result.Epochs.Count, "epoch")}";
        var rows = result.Parameters
            .Select(p => (IReadOnlyList<string>)
            [
                p.Name, $"{p.Rows}x{p.Columns}", Text.F(p.SumOfSquares, 4), Text.F(p.FrobeniusNorm, 4), $"{p.Zeros} ({Text.Percent(p.ZeroShare)})",
            ])
            .ToList();
        foreach (var line in Text.Table(["Parameter", "Shape", "Sum of squares", "Norm", "Exact zeros"], rows, new HashSet<int> { 2, 3, 4 }))
        {
            yield return line;
        }

        yield return $"Sum of squared weights: {Text.F(result.SumOfSquares, 4)} (all parameters, biases included)";
        yield return $"Exact zeros: {result.Zeros} of {result.ParameterCount} parameters ({Text.Percent(result.ZeroShare)})";
        yield return result.TrainAccuracyIsFinalEvaluation
            ? $"Train accuracy: {Text.F(result.TrainAccuracyPercent, 2)}% (final model, {data.Train.Count} training images)"
            : $"Train accuracy: {Text.F(result.TrainAccuracyPercent, 2)}% (last epoch's running accuracy)";
        yield return $"Test accuracy: {Text.F(result.TestAccuracyPercent, 2)}% ({data.Test.Count} test images)";
        yield return $"Gap: {Text.F(result.GapPercentagePoints, 2)} percentage points (train - test)";
        yield return $"Provider: {provider.Summary}";
        yield return $"Seconds per epoch: {Text.F(result.SecondsPerEpoch, 2)} (training only)";
        yield return $"Train time: {Text.F(result.TrainingSeconds, 2)} s";
    }

    private static string ResumeLine(string path, Trainer trainer) =>
        trainer.BatchInEpoch == 0
            ? $"Resuming {path}: {trainer.CompletedEpochs} of {trainer.Options.Epochs} epochs done (step {trainer.Step})"
            : $"Resuming {path}: epoch {trainer.CompletedEpochs + 1} of {trainer.Options.Epochs} at batch {trainer.BatchInEpoch} of {trainer.BatchesPerEpoch} (step {trainer.Step})";

    private static Checkpoint LoadCheckpoint(string path)
    {
        try
        {
            return Checkpoint.Load(path);
        }
        catch (CheckpointException e)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {e.Message}", e);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {path}: cannot read it ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static void CheckSavePath(string? path)
    {
        if (path is null)
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: --save {path}: the folder {folder} does not exist.");
        }

        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: --save {path}: that is a folder, not a file.");
        }
    }

    /// <summary>The options the user gave, on top of <paramref name="basis"/> (defaults, or a checkpoint's options).</summary>
    private static TrainingOptions Override(TrainingOptions basis, ParseResult parse, Symbols s)
    {
        var o = basis;
        bool Given(Option option) => Options.IsGiven(parse, option);
        if (Given(s.Optimizer))
        {
            o = o with { Optimizer = parse.GetValue(s.Optimizer) switch { "sgdw" => OptimizerKind.SgdW, "adam" => OptimizerKind.Adam, "adamw" => OptimizerKind.AdamW, _ => OptimizerKind.Sgd } };
        }

        if (Given(s.LearningRate))
        {
            o = o with { LearningRate = parse.GetValue(s.LearningRate) };
        }

        if (Given(s.Momentum))
        {
            o = o with { Momentum = parse.GetValue(s.Momentum) };
        }

        if (Given(s.Nesterov))
        {
            o = o with { Nesterov = parse.GetValue(s.Nesterov) };
        }

        if (Given(s.WeightDecay))
        {
            o = o with { WeightDecay = parse.GetValue(s.WeightDecay) };
        }

        if (Given(s.L1))
        {
            o = o with { L1 = parse.GetValue(s.L1) };
        }

        if (Given(s.L2))
        {
            o = o with { L2 = parse.GetValue(s.L2) };
        }

        if (Given(s.ProximalL1))
        {
            o = o with { ProximalL1 = parse.GetValue(s.ProximalL1) };
        }

        if (Given(s.ExcludeBiases))
        {
            o = o with { ExcludeBiases = parse.GetValue(s.ExcludeBiases) };
        }

        if (Given(s.Epochs))
        {
            o = o with { Epochs = parse.GetValue(s.Epochs) };
        }

        if (Given(s.BatchSize))
        {
            o = o with { BatchSize = parse.GetValue(s.BatchSize) };
        }

        if (Given(s.Seed))
        {
            o = o with { Seed = parse.GetValue(s.Seed) };
        }

        return o;
    }

    /// <summary>Options that do not go together, in the command line's words; then the library's own checks.</summary>
    private static void CheckCombinations(TrainingOptions o)
    {
        var adamFamily = o.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW;
        var name = o.Optimizer.ToString().ToLowerInvariant();
        if (adamFamily && o.Momentum != 0)
        {
            throw CliException.Usage($"--momentum applies to sgd and sgdw, not {name} (Adam has its own moments).");
        }

        if (adamFamily && o.Nesterov)
        {
            throw CliException.Usage($"--nesterov applies to sgd and sgdw, not {name}.");
        }

        if (o.Nesterov && o.Momentum == 0)
        {
            throw CliException.Usage("--nesterov needs --momentum > 0.");
        }

        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }
    }

    private sealed class Symbols
    {
        public Option<string> Optimizer { get; } = Options.Choice("--optimizer", "Optimizer: sgd and adam with coupled weight decay (PyTorch SGD, Adam), sgdw and adamw with decoupled decay", "sgd", "sgd", "sgdw", "adam", "adamw");

        public Option<double> LearningRate { get; } = Options.Double("--lr", "Learning rate.", 0.01, positive: true);

        public Option<double> Momentum { get; } = Options.Double("--momentum", "Momentum, PyTorch semantics (sgd and sgdw only).", 0, positive: false);

        public Option<bool> Nesterov { get; } = Options.Flag("--nesterov", "Nesterov momentum (sgd and sgdw; needs --momentum).");

        public Option<double> WeightDecay { get; } = Options.Double(
            "--weight-decay", "Weight decay: coupled, added to the gradient (sgd, adam; PyTorch weight_decay), or decoupled, a shrink by lr*x (sgdw, adamw).", 1e-4, positive: false);

        public Option<double> L1 { get; } = Options.Double("--l1", "L1 loss term: x*sum(|w|) is added to the loss (the reported loss includes it).", 0, positive: false);

        public Option<double> L2 { get; } = Options.Double(
            "--l2", "L2 loss term: x*sum(w^2) is added to the loss (the second seed's lambda; with plain SGD it equals --weight-decay 2x).", 0, positive: false);

        public Option<double> ProximalL1 { get; } = Options.Double(
            "--proximal-l1", "Proximal L1 after each step: w = sign(w)*max(|w| - lr*x, 0), so small weights become exactly 0.", 0, positive: false);

        public Option<bool> ExcludeBiases { get; } = Options.Flag("--exclude-biases", "Exempt the biases from weight decay, the loss terms and the proximal step.");

        public Option<int> Epochs { get; } = Options.Int("--epochs", "Epochs to train (with --resume: the total, saved epochs included).", 5, 1, 1_000_000);

        public Option<int> BatchSize { get; } = Options.Int("--batch-size", "Batch size (the last batch of an epoch keeps the remainder).", 64, 1, 1_000_000);

        public Option<ulong> Seed { get; } = Options.Seed();

        public Option<string?> Provider { get; } = Options.Provider();

        public Option<int> Threads { get; } = Options.Threads();

        public Option<string?> Data { get; } = Options.Data();

        public Option<int?> TrainLimit { get; } = Options.TrainLimit();

        public Option<int?> TestLimit { get; } = Options.TestLimit();

        public Option<bool> Json { get; } = Options.Json("the result (the summary, every epoch, the epoch lines)");

        public Option<string?> Save { get; } = Options.Path("--save", "Write a checkpoint to FILE after every epoch, at the end, and on Ctrl+C.", "file");

        public Option<string?> Resume { get; } = Options.Path(
            "--resume",
            "Continue the run saved in FILE, bit for bit (its options and training-set size; options given here must agree, except --epochs). Give --data and --test-limit as before.",
            "file");

        public IEnumerable<Option> All =>
        [
            Optimizer, LearningRate, Momentum, Nesterov, WeightDecay, L1, L2, ProximalL1, ExcludeBiases, Epochs, BatchSize, Seed,
            Provider, Threads, Data, TrainLimit, TestLimit, Json, Save, Resume,
        ];
    }
}
