using System.CommandLine;
using System.Globalization;
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
            "Train SimpleNet (784-128-10 ReLU) on MNIST. Defaults are the first seed: SGD(lr=0.01, weight_decay=1e-4), float32, batch 64, 5 epochs, seed 0. " +
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
        // From here on a first SIGINT, SIGTERM or SIGHUP stops cleanly (one during start-up is acted on before training).
        host.Interrupt.Accepting = true;
        try
        {
            return ExecuteAccepting(parse, s, host);
        }
        finally
        {
            host.Interrupt.Accepting = false;
        }
    }

    private static int ExecuteAccepting(ParseResult parse, Symbols s, CliHost host)
    {
        var json = parse.GetValue(s.Json);
        var savePath = parse.GetValue(s.Save);
        var resumePath = parse.GetValue(s.Resume);
        var pause = TestPause.From(host);
        pause?.AtStartup(host.Interrupt.Token);

        // 1. Options: from the command line, or from the checkpoint with the options given on the command line.
        Checkpoint? checkpoint = null;
        TrainingOptions options;
        if (resumePath is not null)
        {
            checkpoint = LoadCheckpoint(resumePath);
            options = Override(checkpoint.Options, parse, s, out var conflicts);
            if (conflicts.Count > 0)
            {
                throw new CliException(
                    ExitCodes.Checkpoint,
                    $"checkpoint: {resumePath}: the run was saved with {string.Join("; ", conflicts)}; on resume only --epochs may change (leave the other training options out to keep the saved ones).");
            }

            var done = checkpoint.CompletedEpochs + (checkpoint.BatchInEpoch > 0 ? 1 : 0);
            if (options.Epochs < done)
            {
                var reached = checkpoint.BatchInEpoch > 0
                    ? $"has {Text.Count(checkpoint.CompletedEpochs, "epoch")} done and epoch {done} begun"
                    : $"has {Text.Count(checkpoint.CompletedEpochs, "epoch")} done";
                throw CliException.Usage($"--epochs {options.Epochs} is fewer than the checkpoint {resumePath} {reached}; give --epochs {done} or more (--epochs is the total, saved epochs included).");
            }
        }
        else
        {
            // A fresh run starts from the chosen optimizer's defaults (PyTorch's or its paper's; the seed's for sgd ... adamw).
            options = Override(TrainingOptions.ForOptimizer(Kind(parse.GetValue(s.Optimizer)!)), parse, s, out _);
        }

        CheckCombinations(options);
        OutputPath.Check("--save", savePath, ExitCodes.Checkpoint, "checkpoint: ", overwritesInPlace: false);

        // 2. Data (the checkpoint's training-set size when resuming without --train-limit).
        var trainLimit = parse.GetValue(s.TrainLimit) ?? checkpoint?.TrainCount;
        var data = DataSetup.Load(host, parse.GetValue(s.Data), trainLimit, parse.GetValue(s.TestLimit), trainLimitGiven: parse.GetValue(s.TrainLimit) is not null);
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
            trainer = checkpoint is null ? Trainer.Create(options, data.Train, data.Test) : Trainer.Resume(checkpoint, data.Train, data.Test, options);
            if (Regularization.Mpi.MpiLaunch.IsUnderMpi)
            {
                // mpirun -np N: this process is one rank; the global batch is split over the ranks (DataParallel.Share).
                trainer.Group = new MpiGroup(Regularization.Mpi.MpiWorld.Initialize());
            }
        }
        catch (CheckpointException e)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {resumePath}: {e.Detail}", e);
        }
        catch (ArgumentException e) when (checkpoint is not null)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {resumePath}: it does not fit this data: {Cli.WithoutParameterName(e)}", e);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Data, $"data: {Cli.WithoutParameterName(e)}", e);
        }

        var token = host.Interrupt.Token;
        if (token.IsCancellationRequested)
        {
            return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} before training started; nothing trained, nothing saved.");
        }

        if (!json)
        {
            host.Out.WriteLine($"SimpleNet {string.Join('-', options.LayerSizes)}, {Options.DTypeName(options.ElementType)}, on {data.Describe()}");
            host.Out.WriteLine($"{Text.Describe(options)}, batch {options.BatchSize}, {Text.Count(options.Epochs, "epoch")}, seed {options.Seed}");
            host.Out.WriteLine($"Provider: {provider.Summary}");
            if (checkpoint is not null)
            {
                host.Out.WriteLine(ResumeLine(resumePath!, trainer));
            }
        }

        // 5. Train; the first signal stops between two steps.
        var view = ProgressView.For(host, json);
        var epochLines = new List<string>();
        var savedAtStep = -1L;
        void Save()
        {
            if (savePath is not null && (trainer.Group?.Rank ?? 0) == 0)
            {
                var checkpointNow = trainer.CreateCheckpoint();
                checkpointNow.SaveCore(savePath, pause is null ? null : pause.AtSave);
                savedAtStep = trainer.Step;
            }
        }

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
            var where = $"epoch {trainer.CompletedEpochs + 1} of {trainer.Options.Epochs}, after batch {trainer.BatchInEpoch} of {trainer.BatchesPerEpoch} (step {trainer.Step})";
            if (savePath is null)
            {
                return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} at {where}; nothing saved (add --save FILE to keep a checkpoint).");
            }

            if (savedAtStep != trainer.Step)
            {
                Save();
            }

            return Cli.Fail(
                host,
                host.Interrupt.ExitCode,
                $"interrupted{host.Interrupt.By} at {where}; checkpoint saved to {savePath}; continue with: {ContinueCommand(parse, s, savePath)}");
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

    /// <summary>
    /// The command that continues a stopped run: <c>train --resume FILE --save FILE</c> and every option the run needs
    /// to be the same run that was given (data folder, limits, provider, threads), quoted for a POSIX shell.
    /// </summary>
    internal static string ContinueCommand(ParseResult parse, Symbols s, string savePath)
    {
        var words = new List<string> { Cli.Name, "train", "--resume", savePath, "--save", savePath };
        void Add(Option option, string? value)
        {
            if (value is not null && Options.IsGiven(parse, option))
            {
                words.Add(option.Name);
                words.Add(value);
            }
        }

        Add(s.Data, parse.GetValue(s.Data));
        Add(s.TrainLimit, parse.GetValue(s.TrainLimit)?.ToString(CultureInfo.InvariantCulture));
        Add(s.TestLimit, parse.GetValue(s.TestLimit)?.ToString(CultureInfo.InvariantCulture));
        Add(s.Provider, parse.GetValue(s.Provider));
        Add(s.Threads, parse.GetValue(s.Threads).ToString(CultureInfo.InvariantCulture));
        return string.Join(' ', words.Select(Text.ShellQuote));
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

    /// <summary>
    /// The options the user gave, on top of <paramref name="basis"/> (defaults, or a checkpoint's options).
    /// <paramref name="conflicts"/> lists, in the command line's words, every given option other than <c>--epochs</c>
    /// whose value differs from the basis (for example <c>--lr 0.01, not 0.1</c>): on resume they are errors.
    /// </summary>
    internal static TrainingOptions Override(TrainingOptions basis, ParseResult parse, Symbols s, out List<string> conflicts)
    {
        var o = basis;
        var found = new List<string>();
        void Set<T>(Option option, T value, Func<TrainingOptions, T> get, Func<TrainingOptions, T, TrainingOptions> with, Func<T, string> show)
        {
            if (!Options.IsGiven(parse, option))
            {
                return;
            }

            var saved = get(basis);
            if (!EqualityComparer<T>.Default.Equals(saved, value) && option != s.Epochs)
            {
                found.Add($"{option.Name} {show(saved)}, not {show(value)}");
            }

            o = with(o, value);
        }

        static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        static string Flag(bool b) => b ? "on" : "off";
        var optimizer = Kind(parse.GetValue(s.Optimizer)!);
        Set(s.Optimizer, optimizer, x => x.Optimizer, (x, v) => x with { Optimizer = v }, v => v.ToString().ToLowerInvariant());
        foreach (var (option, uses) in new[] { (s.Beta1, BetaUsers), (s.Beta2, Beta2Users), (s.Epsilon, EpsilonUsers) })
        {
            if (Options.IsGiven(parse, option) && !uses.Contains(o.Optimizer))
            {
                throw CliException.Usage($"{option.Name} applies to {string.Join(", ", uses.Select(k => k.ToString().ToLowerInvariant()))}, not {o.Optimizer.ToString().ToLowerInvariant()}.");
            }
        }

        Set(s.Beta1, parse.GetValue(s.Beta1), x => x.Beta1, (x, v) => x with { Beta1 = v }, Num);
        Set(s.Beta2, parse.GetValue(s.Beta2), x => x.Beta2, (x, v) => x with { Beta2 = v }, Num);
        Set(s.Epsilon, parse.GetValue(s.Epsilon), x => x.Epsilon, (x, v) => x with { Epsilon = v }, Num);
        Set(s.LearningRate, parse.GetValue(s.LearningRate), x => x.LearningRate, (x, v) => x with { LearningRate = v }, Num);
        Set(s.Momentum, parse.GetValue(s.Momentum), x => x.Momentum, (x, v) => x with { Momentum = v }, Num);
        Set(s.Nesterov, parse.GetValue(s.Nesterov), x => x.Nesterov, (x, v) => x with { Nesterov = v }, Flag);
        Set(s.WeightDecay, parse.GetValue(s.WeightDecay), x => x.WeightDecay, (x, v) => x with { WeightDecay = v }, Num);
        Set(s.L1, parse.GetValue(s.L1), x => x.L1, (x, v) => x with { L1 = v }, Num);
        Set(s.L2, parse.GetValue(s.L2), x => x.L2, (x, v) => x with { L2 = v }, Num);
        Set(s.ProximalL1, parse.GetValue(s.ProximalL1), x => x.ProximalL1, (x, v) => x with { ProximalL1 = v }, Num);
        Set(s.ExcludeBiases, parse.GetValue(s.ExcludeBiases), x => x.ExcludeBiases, (x, v) => x with { ExcludeBiases = v }, Flag);
        Set(s.Epochs, parse.GetValue(s.Epochs), x => x.Epochs, (x, v) => x with { Epochs = v }, v => v.ToString(CultureInfo.InvariantCulture));
        Set(s.BatchSize, parse.GetValue(s.BatchSize), x => x.BatchSize, (x, v) => x with { BatchSize = v }, v => v.ToString(CultureInfo.InvariantCulture));
        Set(s.Seed, parse.GetValue(s.Seed), x => x.Seed, (x, v) => x with { Seed = v }, v => v.ToString(CultureInfo.InvariantCulture));
        Set(s.DType, Options.ParseDType(parse.GetValue(s.DType)), x => x.ElementType, (x, v) => x with { ElementType = v }, Options.DTypeName);
        conflicts = found;
        return o;
    }

    /// <summary>The <c>--optimizer</c> choices, in help order: PyTorch's names in lower case.</summary>
    internal static readonly string[] OptimizerNames =
        ["sgd", "sgdw", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "nadamw", "radam", "radamw", "asgd", "rprop", "lion", "lamb", "lars"];

    private static readonly OptimizerKind[] BetaUsers =
        [OptimizerKind.Adam, OptimizerKind.AdamW, OptimizerKind.Adamax, OptimizerKind.NAdam, OptimizerKind.NAdamW, OptimizerKind.RAdam, OptimizerKind.RAdamW, OptimizerKind.Lion, OptimizerKind.Lamb];

    private static readonly OptimizerKind[] Beta2Users = [.. BetaUsers, OptimizerKind.RmsProp, OptimizerKind.Adadelta];

    private static readonly OptimizerKind[] EpsilonUsers =
        [.. BetaUsers.Where(k => k != OptimizerKind.Lion), OptimizerKind.RmsProp, OptimizerKind.Adadelta, OptimizerKind.Adagrad, OptimizerKind.Lars];

    private static OptimizerKind Kind(string name) =>
        Enum.GetValues<OptimizerKind>().Single(k => string.Equals(k.ToString(), name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Options that do not go together, in the command line's words; then the library's own checks.</summary>
    internal static void CheckCombinations(TrainingOptions o)
    {
        var name = o.Optimizer.ToString().ToLowerInvariant();
        if (o.Optimizer is not (OptimizerKind.Sgd or OptimizerKind.SgdW or OptimizerKind.RmsProp or OptimizerKind.Lars) && o.Momentum != 0)
        {
            var why = o.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW ? " (Adam has its own moments)" : string.Empty;
            throw CliException.Usage($"--momentum applies to sgd, sgdw, rmsprop and lars, not {name}{why}.");
        }

        if (o.Optimizer is not (OptimizerKind.Sgd or OptimizerKind.SgdW) && o.Nesterov)
        {
            throw CliException.Usage($"--nesterov applies to sgd and sgdw, not {name}.");
        }

        if (o.Optimizer is OptimizerKind.Rprop && o.WeightDecay != 0)
        {
            throw CliException.Usage("--weight-decay does not apply to rprop (PyTorch's Rprop has none); leave it out.");
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
            // The library names its properties (Momentum); the message names the command line's option (--momentum).
            throw CliException.Usage(OptionNames.Translate(e));
        }
    }

    internal sealed class Symbols
    {
        public Option<string> Optimizer { get; } = Options.Choice(
            "--optimizer",
            "Optimizer: PyTorch's SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop (coupled weight decay), sgdw, adamw, nadamw, radamw (decoupled decay), lion (decoupled), lamb and lars (decay through the trust ratio). Options not given take the optimizer's defaults (PyTorch's or its paper's; sgd to adamw: the seed's lr 0.01, weight decay 1e-4)",
            "sgd",
            OptimizerNames);

        public Option<double> LearningRate { get; } = Options.Double("--lr", "Learning rate (default: 0.01, or the optimizer's).", 0.01, positive: true);

        public Option<double> Momentum { get; } = Options.Double(
            "--momentum", "Momentum in [0, 1), PyTorch semantics (sgd, sgdw, rmsprop, lars; lars default 0.9).", 0, positive: false, below: 1, belowReason: OptionNames.MomentumReason);

        public Option<double> Beta1 { get; } = Options.Double(
            "--beta1", "First-moment decay in [0, 1) (adam family, adamax, nadam, radam, lion, lamb; default 0.9).", 0.9, positive: false, below: 1);

        public Option<double> Beta2 { get; } = Options.Double(
            "--beta2", "Second-moment decay in [0, 1) (default 0.999; lion 0.99), RMSprop's alpha (0.99), Adadelta's rho (0.9).", 0.999, positive: false, below: 1);

        public Option<double> Epsilon { get; } = Options.Double(
            "--eps", "Denominator term (default 1e-8; adagrad 1e-10, adadelta and lamb 1e-6; lars: added to the update norm, 0).", 1e-8, positive: false);

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

        public Option<string> DType { get; } = Options.DType();

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
            Optimizer, LearningRate, Momentum, Nesterov, Beta1, Beta2, Epsilon, WeightDecay, L1, L2, ProximalL1, ExcludeBiases, Epochs, BatchSize, Seed, DType,
            Provider, Threads, Data, TrainLimit, TestLimit, Json, Save, Resume,
        ];
    }
}
