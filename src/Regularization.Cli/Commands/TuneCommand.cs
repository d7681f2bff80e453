using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Regularization.Cli.Output;
using Regularization.Training;
using Regularization.Tuning;

namespace Regularization.Cli.Commands;

/// <summary>
/// <c>regularization tune</c>: searches weight decay, L2, L1, proximal L1 or the learning rate of the seeds' MLP by
/// cross-validation (or a hold-out split) of the training images, then retrains on all of them with the chosen value
/// and evaluates the test set once.
/// </summary>
internal static class TuneCommand
{
    private static readonly string[] Strategies = ["grid", "random", "halving", "bayes"];

    public static Command Create(CliHost host)
    {
        var s = new Symbols();
        var command = new Command(
            "tune",
            "Tune hyperparameters of SimpleNet on the training images only: --param weight-decay|l2|l1|proximal-l1|lr with --range LO:HI (repeatable), " +
            "--strategy grid|random|halving|bayes, --folds K or --validation FRACTION; then retrain on all training images with the chosen values and evaluate the test set once.");
        foreach (var option in s.All)
        {
            command.Add(option);
        }

        command.SetAction(parse =>
        {
            host.Interrupt.Accepting = true;
            try
            {
                return Execute(parse, s, host);
            }
            finally
            {
                host.Interrupt.Accepting = false;
            }
        });
        return command;
    }

    private static int Execute(ParseResult parse, Symbols s, CliHost host)
    {
        var clock = Stopwatch.StartNew();
        var json = parse.GetValue(s.Json);
        var savePath = parse.GetValue(s.Save);
        var resumePath = parse.GetValue(s.Resume);
        var plotPath = parse.GetValue(s.Plot);

        // 1. What to tune, how, and the fixed options; every mistake is one usage line before any work.
        var ranges = Ranges(parse, s);
        var strategyName = parse.GetValue(s.Strategy)!;
        var epochs = parse.GetValue(s.Train.Epochs);
        var strategy = Strategy(strategyName, parse.GetValue(s.Trials), parse.GetValue(s.Eta), ranges.Count);
        var folds = parse.GetValue(s.Folds);
        var validation = parse.GetValue(s.Validation);
        if (folds is not null && validation is not null)
        {
            throw CliException.Usage("--folds and --validation cannot go together: cross-validate with K folds, or hold out one validation fraction.");
        }

        if (validation is { } v && !(v > 0 && v < 1))
        {
            throw CliException.Usage($"--validation must be a fraction in (0, 1), not {v.ToString("R", CultureInfo.InvariantCulture)}.");
        }

        var options = TrainCommand.Override(new TrainingOptions(), parse, s.Train, out _);
        foreach (var range in ranges)
        {
            var fixedOption = s.Fixed(range.Name);
            if (Options.IsGiven(parse, fixedOption))
            {
                throw CliException.Usage($"{fixedOption.Name} is tuned (--param {range.Name}); leave {fixedOption.Name} out or tune another parameter.");
            }
        }

        TrainCommand.CheckCombinations(MlpTuning.Apply(options, ranges.ToDictionary(r => r.Name, r => r.Low)));
        var choose = parse.GetValue(s.Choose)!;
        OutputPath.Check("--save", savePath, ExitCodes.Checkpoint, "checkpoint: ", overwritesInPlace: false);
        OutputPath.Check("--plot", plotPath, ExitCodes.Output, "output: ", overwritesInPlace: true);

        // 2. Data: the folds come from the training images only.
        var data = DataSetup.Load(host, parse.GetValue(s.Train.Data), parse.GetValue(s.Train.TrainLimit), parse.GetValue(s.Train.TestLimit));
        data = host.DataHook?.Invoke(data) ?? data;
        var train = data.Train;
        options = options with { LayerSizes = [train.FeatureCount, TrainCommand.HiddenUnits, train.ClassCount], EvaluateTrainingSet = false };
        IReadOnlyList<Split> splits;
        string splitText;
        try
        {
            if (validation is { } fraction)
            {
                splits = [Regularization.Tuning.Folds.HoldOut(train.Count, fraction, options.Seed)];
                splitText = $"a hold-out split of {Text.F(100 * fraction, 1)}% of the {train.Count} training images (seed {options.Seed})";
            }
            else
            {
                var k = folds ?? 3;
                if (k > train.Count)
                {
                    throw CliException.Usage($"--folds {k} needs at least {k} training images; there are {train.Count}.");
                }

                splits = Regularization.Tuning.Folds.StratifiedKFold(MlpTuning.Labels(train), k, options.Seed);
                splitText = $"{k} stratified folds of the {train.Count} training images (seed {options.Seed})";
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw CliException.Usage($"--validation: {Cli.WithoutParameterName(e).Split(" Actual value", StringSplitOptions.None)[0]}");
        }

        // 3. The trial log: the settings must be those of the search that wrote it.
        var settings = Settings(ranges, strategy, splitText, options, epochs, train);
        var log = new TrialLog(settings);
        if (resumePath is not null)
        {
            log = LoadLog(resumePath);
            var differences = log.SettingsDifferences(settings);
            if (differences.Count > 0)
            {
                throw new CliException(
                    ExitCodes.Checkpoint,
                    $"checkpoint: {resumePath}: the trial log was written by another search ({string.Join("; ", differences)}); give the options it was written with.");
            }
        }

        // 4. Provider, once; each trial runs on one thread.
        var provider = ProviderSetup.Select(parse.GetValue(s.Train.Provider), parse.GetValue(s.Train.Threads), host);
        // Under mpirun -np N the evaluations are spread over the ranks (Tuner: (trial * folds + fold) mod N); each rank
        // runs its share with its cores (the ranks on one machine share them: OMPI_COMM_WORLD_LOCAL_SIZE).
        MpiGroup? group = Regularization.Mpi.MpiLaunch.IsUnderMpi ? new MpiGroup(Regularization.Mpi.MpiWorld.Initialize()) : null;
        var rank = group?.Rank ?? 0;
        var localRanks = int.TryParse(host.Environment("OMPI_COMM_WORLD_LOCAL_SIZE"), out var local) && local > 0 ? local : 1;
        var parallel = parse.GetValue(s.Parallel) ?? Math.Max(1, Environment.ProcessorCount / localRanks);
        var token = host.Interrupt.Token;
        if (token.IsCancellationRequested)
        {
            return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} before the search started; nothing trained, nothing saved.");
        }

        if (!json)
        {
            host.Out.WriteLine($"Tuning {string.Join(", ", ranges)} for SimpleNet {string.Join('-', options.LayerSizes)} on {data.Describe()}");
            host.Out.WriteLine($"Strategy: {Describe(strategy, epochs)}; {splitText}; {Text.Count(epochs, "epoch")} per trial; up to {parallel} evaluations at once{(group is null ? string.Empty : $" on each of {group.Size} MPI ranks")}");
            host.Out.WriteLine($"Fixed: {Text.Describe(options)}, batch {options.BatchSize}, seed {options.Seed}");
            host.Out.WriteLine($"Provider: {provider.Summary}");
            host.Out.WriteLine("The test set is not read during the search.");
            if (resumePath is not null)
            {
                host.Out.WriteLine($"Resuming {resumePath}: {Text.Count(log.Count, "evaluation")} done");
            }
        }

        // 5. Search, with a bar over the epochs of all trials.
        var view = ProgressView.For(host, json);
        var total = PlannedEpochs(strategy, epochs, splits.Count);
        var gate = new Lock();
        double done = 0;
        var finished = 0;
        var planned = PlannedEvaluations(strategy, epochs, splits.Count);
        void Bar(double epochsDone)
        {
            lock (gate)
            {
                done += epochsDone;
                view.Units($"tune {strategyName}: evaluation {Math.Min(finished + 1, planned)}/{planned}, epochs", done, total);
            }
        }

        void OnEvaluation(TrialEvaluation e, bool fromLog)
        {
            lock (gate)
            {
                finished++;
            }

            if (fromLog)
            {
                Bar(e.Budget);
            }

            if (savePath is not null && !fromLog && rank == 0)
            {
                TrialLogFile.Save(log, savePath);
            }
        }

        var sessions = MlpTuning.Sessions(options, train, (_, _) => Bar(1));
        var tuning = new TuningOptions
        {
            Seed = options.Seed,
            MaxBudget = epochs,
            MaxDegreeOfParallelism = parallel,
            Log = log,
            OnEvaluation = OnEvaluation,
            CancellationToken = token,
            Group = group,
        };
        TuningResult result;
        try
        {
            result = view.Run(() => Tuner.Run(ranges, strategy, splits, sessions, tuning));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (savePath is null)
            {
                return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} after {Text.Count(log.Count, "evaluation")}; nothing saved (add --save FILE to keep a trial log).");
            }

            if (rank == 0)
            {
                TrialLogFile.Save(log, savePath);
            }

            return Cli.Fail(
                host,
                host.Interrupt.ExitCode,
                $"interrupted{host.Interrupt.By} after {Text.Count(log.Count, "evaluation")}; trial log saved to {savePath}; continue with the same command and --resume {Text.ShellQuote(savePath)}.");
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(OptionNames.Translate(e));
        }

        if (rank != 0)
        {
            // Rank 0 has every score too: it alone retrains, reads the test set, prints and writes the files.
            return ExitCodes.Success;
        }

        if (savePath is not null)
        {
            TrialLogFile.Save(log, savePath);
        }

        var searchSeconds = clock.Elapsed.TotalSeconds;
        var chosen = choose == "1se" ? result.OneStandardError : result.Best;

        // 6. The chosen values on all training images; the test set is read here, once.
        if (!json)
        {
            foreach (var line in Table(result))
            {
                host.Out.WriteLine(line);
            }

            host.Out.WriteLine($"Best: {Show(result.Best)}");
            host.Out.WriteLine($"One standard error: {Show(result.OneStandardError)}{(ranges.Any(r => r.Regularizes) ? " (the most regularized within one standard error of the best)" : " (no regularization parameter tuned: the best)")}");
            host.Out.WriteLine($"Search: {Text.F(searchSeconds, 1)} s, {Text.Count(result.EvaluationsRun, "evaluation")} run, {result.EvaluationsFromLog} from the trial log");
            host.Out.WriteLine($"Retraining on all {train.Count} training images with {Values(chosen.Parameters)} ({(choose == "1se" ? "one standard error" : "best")}), {Text.Count(epochs, "epoch")}; then the test set is evaluated, once.");
        }

        MlpFinalResult final;
        try
        {
            final = view.Run(() => MlpTuning.Retrain(options with { Epochs = epochs }, chosen.Parameters, train, data.Test, b => view.Batch("final: ", b, epochs), token));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Cli.Fail(host, host.Interrupt.ExitCode, $"interrupted{host.Interrupt.By} while retraining with the chosen values; the search is done{(savePath is null ? string.Empty : $" and saved in {savePath} (resume it to retrain without searching again)")}.");
        }
        catch (NonFiniteGradientException e)
        {
            throw new CliException(ExitCodes.Diverged, $"retraining with {Values(chosen.Parameters)} diverged: {e.Message.Split(" Use NonFinitePolicy")[0].TrimEnd('.')}.", e);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (plotPath is not null)
        {
            var svg = TuneChart.Render(
                $"regularization tune: {strategyName}, {Text.Count(result.Trials.Select(t => t.Trial).Distinct().Count(), "trial")}",
                $"SimpleNet on {splitText}, {Text.Count(epochs, "epoch")} per trial; test accuracy {Text.F(final.TestAccuracyPercent, 2)}% with {Values(chosen.Parameters)}",
                result,
                choose == "1se" ? "one-se" : "best");
            try
            {
                File.WriteAllText(plotPath, svg);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Output, $"output: --plot {plotPath}: {e.Message.TrimEnd('.')}.", e);
            }
        }

        if (json)
        {
            host.Out.WriteLine(Json(result, chosen, choose, final, seconds, searchSeconds, strategyName, splits.Count, epochs, provider, parallel, group?.Size ?? 1, savePath, resumePath).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        host.Out.WriteLine($"Test accuracy: {Text.F(final.TestAccuracyPercent, 2)}% ({final.TestImages} test images, evaluated once, after the search)");
        host.Out.WriteLine($"Train time (final model): {Text.F(final.TrainingSeconds, 2)} s; total {Text.F(seconds, 1)} s");
        if (savePath is not null)
        {
            host.Out.WriteLine($"Trial log: {savePath}");
        }

        if (plotPath is not null)
        {
            host.Out.WriteLine($"Chart: {plotPath}");
        }

        return ExitCodes.Success;
    }

    internal static List<ParameterRange> Ranges(ParseResult parse, Symbols s)
    {
        var names = parse.GetValue(s.Param) ?? [];
        var ranges = parse.GetValue(s.Range) ?? [];
        if (names.Length == 0)
        {
            throw CliException.Usage($"tune needs at least one --param ({string.Join(", ", MlpTuning.ParameterNames)}) with its --range LO:HI.");
        }

        foreach (var name in names)
        {
            if (!MlpTuning.ParameterNames.Contains(name))
            {
                throw CliException.Usage($"--param must be one of {string.Join(", ", MlpTuning.ParameterNames)}, not '{name}'.");
            }
        }

        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw CliException.Usage($"--param {repeated.Key} is given twice.");
        }

        if (ranges.Length != names.Length)
        {
            throw CliException.Usage($"give one --range LO:HI per --param, in the same order ({Text.Count(names.Length, "--param")}, {Text.Count(ranges.Length, "--range")}).");
        }

        var result = new List<ParameterRange>();
        for (var i = 0; i < names.Length; i++)
        {
            var parts = ranges[i].Split(':');
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi))
            {
                throw CliException.Usage($"--range must be LO:HI with two numbers, for example 1e-5:1e-2, not '{ranges[i]}'.");
            }

            if (!double.IsFinite(lo) || !double.IsFinite(hi))
            {
                throw CliException.Usage($"--range {ranges[i]} for {names[i]}: LO and HI must be finite.");
            }

            if (lo >= hi)
            {
                throw CliException.Usage($"--range {ranges[i]} for {names[i]}: LO must be below HI.");
            }

            if (lo <= 0)
            {
                throw CliException.Usage($"--range {ranges[i]} for {names[i]}: the search is on a log scale, so LO must be > 0.");
            }

            result.Add(new ParameterRange(names[i], lo, hi, logScale: true, regularizes: MlpTuning.Regularizes(names[i])));
        }

        return result;
    }

    internal static SearchStrategy Strategy(string name, int? trials, int eta, int dimensions)
    {
        switch (name)
        {
            case "grid":
                var total = trials ?? (dimensions == 1 ? 16 : (int)Math.Pow(4, dimensions));
                var per = (int)Math.Round(Math.Pow(total, 1.0 / dimensions));
                if (per < 2 || (long)Math.Pow(per, dimensions) != total)
                {
                    throw CliException.Usage($"--trials {total} for a grid over {Text.Count(dimensions, "parameter")} must be a {(dimensions == 1 ? "number >= 2" : $"{dimensions}th power of a number >= 2 (the same points per parameter)")}.");
                }

                return new SearchStrategy.Grid(per);
            case "random":
                return new SearchStrategy.Random(trials ?? 16);
            case "halving":
                var first = trials ?? 9;
                if (first < 2)
                {
                    throw CliException.Usage($"--trials for halving must be >= 2 (the first rung), not {first}.");
                }

                return new SearchStrategy.Halving(first, eta);
            default:
                return new SearchStrategy.Bayesian(trials ?? 8);
        }
    }

    internal static string Describe(SearchStrategy strategy, int epochs) => strategy switch
    {
        SearchStrategy.Grid g => $"grid of {g.PointsPerParameter} log-spaced values per parameter",
        SearchStrategy.Random r => $"random, {Text.Count(r.Trials, "log-uniform trial")}",
        SearchStrategy.Halving h => $"successive halving, eta {h.Eta}: " + string.Join(", ", h.Rungs(epochs).Select(r => $"{r.Configurations} at {Text.Count(r.Budget, "epoch")}")),
        SearchStrategy.Bayesian b => $"Bayesian optimization (Gaussian process, Matern 5/2, expected improvement), {Text.Count(b.Trials, "trial")}, the first {b.InitialPoints ?? Math.Min(b.Trials, 3)} space-filling",
        _ => strategy.Name,
    };

    private static double PlannedEpochs(SearchStrategy strategy, int epochs, int folds) => strategy switch
    {
        SearchStrategy.Halving h => h.Rungs(epochs).Select((r, i) => (double)r.Configurations * (r.Budget - (i == 0 ? 0 : h.Rungs(epochs)[i - 1].Budget))).Sum() * folds,
        _ => (double)PlannedEvaluations(strategy, epochs, folds) * epochs,
    };

    private static int PlannedEvaluations(SearchStrategy strategy, int epochs, int folds) => folds * strategy switch
    {
        SearchStrategy.Grid g => g.PointsPerParameter,
        SearchStrategy.Random r => r.Trials,
        SearchStrategy.Halving h => h.Rungs(epochs).Sum(r => r.Configurations),
        SearchStrategy.Bayesian b => b.Trials,
        _ => 0,
    };

    private static Dictionary<string, string> Settings(IReadOnlyList<ParameterRange> ranges, SearchStrategy strategy, string splits, TrainingOptions options, int epochs, ImageSet train)
    {
        static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var trials = strategy switch
        {
            SearchStrategy.Grid g => $"{g.PointsPerParameter} per parameter",
            SearchStrategy.Random r => r.Trials.ToString(CultureInfo.InvariantCulture),
            SearchStrategy.Halving h => $"{h.Trials}, eta {h.Eta}",
            SearchStrategy.Bayesian b => b.Trials.ToString(CultureInfo.InvariantCulture),
            _ => string.Empty,
        };
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--param/--range"] = string.Join(" ", ranges.Select(r => $"{r.Name}:{R(r.Low)}:{R(r.High)}")),
            ["--strategy"] = strategy.Name,
            ["--trials"] = trials,
            ["--epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
            ["--folds/--validation"] = splits,
            ["training options"] = (options with { Epochs = epochs }).ToJson(),
            ["training images"] = $"{train.Count}, fingerprint {train.Fingerprint:X16}",
        };
    }

    private static TrialLog LoadLog(string path)
    {
        try
        {
            return TrialLogFile.Load(path);
        }
        catch (TrialLogException e)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: {path}: not a usable trial log: {e.Message}", e);
        }
    }

    private static IEnumerable<string> Table(TuningResult result)
    {
        var names = result.Parameters.Select(p => p.Name).ToList();
        var rows = result.Trials
            .OrderBy(t => t.Trial).ThenBy(t => t.Budget)
            .Select(t => (IReadOnlyList<string>)[
                (t.Trial + 1).ToString(CultureInfo.InvariantCulture),
                .. names.Select(n => Text.Py(Round(t.Parameters[n]))),
                t.Budget.ToString(CultureInfo.InvariantCulture),
                Text.F(t.Mean, 2) + "%",
                Text.F(t.StandardError, 2),
                string.Join(" ", t.FoldScores.Select(f => Text.F(f, 2))),
            ])
            .ToList();
        yield return string.Empty;
        foreach (var line in Text.Table(["Trial", .. names, "Epochs", "Validation", "s.e.", "Folds"], rows, new HashSet<int>(Enumerable.Range(1, names.Count + 4))))
        {
            yield return line;
        }

        yield return string.Empty;
    }

    private static double Round(double x) => double.Parse(x.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Values(IReadOnlyDictionary<string, double> parameters) =>
        string.Join(", ", parameters.Select(p => $"{p.Key}={Text.Py(Round(p.Value))}"));

    private static string Show(TrialResult t) =>
        $"{Values(t.Parameters)}: validation accuracy {Text.F(t.Mean, 2)}% ± {Text.F(t.StandardError, 2)} (trial {t.Trial + 1}, {Text.Count(t.Budget, "epoch")})";

    private static JsonObject Json(
        TuningResult result, TrialResult chosen, string choose, MlpFinalResult final, double seconds, double searchSeconds, string strategy, int folds, int epochs, ProviderInfo provider, int parallel, int processes, string? save, string? resume)
    {
        static JsonObject Parameters(IReadOnlyDictionary<string, double> p)
        {
            var o = new JsonObject();
            foreach (var (k, v) in p)
            {
                o[k] = v;
            }

            return o;
        }

        static JsonObject Trial(TrialResult t) => new()
        {
            ["Trial"] = t.Trial + 1,
            ["Parameters"] = Parameters(t.Parameters),
            ["Mean"] = t.Mean,
            ["StandardError"] = t.StandardError,
            ["Budget"] = t.Budget,
            ["FoldScores"] = new JsonArray(t.FoldScores.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
        };

        return new JsonObject
        {
            ["Trials"] = new JsonArray(result.Trials.Select(t => (JsonNode?)Trial(t)).ToArray()),
            ["Best"] = Trial(result.Best),
            ["OneStandardError"] = Trial(result.OneStandardError),
            ["Chosen"] = choose,
            ["ChosenParameters"] = Parameters(chosen.Parameters),
            ["TestAccuracyPercent"] = final.TestAccuracyPercent,
            ["TestLoss"] = final.TestLoss,
            ["TestImages"] = final.TestImages,
            ["TrainImages"] = final.TrainImages,
            ["Seconds"] = seconds,
            ["SearchSeconds"] = searchSeconds,
            ["FinalTrainingSeconds"] = final.TrainingSeconds,
            ["Strategy"] = strategy,
            ["Folds"] = folds,
            ["Epochs"] = epochs,
            ["EvaluationsRun"] = result.EvaluationsRun,
            ["EvaluationsFromLog"] = result.EvaluationsFromLog,
            ["Parallel"] = parallel,
            ["Processes"] = processes,
            ["ProviderKind"] = provider.Name,
            ["ProviderSummary"] = provider.Summary,
            ["Threads"] = provider.Threads,
            ["SavedTo"] = save,
            ["ResumedFrom"] = resume,
        };
    }

    internal sealed class Symbols
    {
        public TrainCommand.Symbols Train { get; } = new();

        public Option<string[]> Param { get; } = new("--param")
        {
            Description = "A hyperparameter to tune: weight-decay, l2, l1, proximal-l1 or lr (repeat for several; each with its --range).",
            HelpName = "name",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };

        public Option<string[]> Range { get; } = new("--range")
        {
            Description = "The range LO:HI of the --param in the same position, searched on a log scale (0 < LO < HI), for example 1e-5:1e-2.",
            HelpName = "LO:HI",
            Arity = ArgumentArity.ZeroOrMore,
        };

        public Option<string> Strategy { get; } = Options.Choice(
            "--strategy",
            "Search: grid (log-spaced), random (log-uniform), halving (successive halving over epochs, the worst stopped early), bayes (Gaussian process with expected improvement)",
            "bayes",
            Strategies);

        public Option<int?> Trials { get; } = Options.OptionalInt("--trials", "Configurations: grid 16 (points in all), random 16, halving 9 (the first rung), bayes 8.", 1);

        public Option<int> Eta { get; } = Options.Int("--eta", "Successive halving: keep the best 1/eta at each rung and give them eta times the epochs.", 3, 2, 100);

        public Option<int?> Folds { get; } = Options.OptionalInt("--folds", "Cross-validate with K stratified folds of the training images (default 3).", 2);

        public Option<double?> Validation { get; } = ValidationOption();

        public Option<string> Choose { get; } = Options.Choice("--choose", "The value to retrain with: the best mean, or the one-standard-error rule's (the most regularized within one standard error of the best)", "best", "best", "1se");

        public Option<int?> Parallel { get; } = Options.OptionalInt("--parallel", "Evaluations at once, each on one thread (default: the number of cores; under mpirun, per rank: the cores divided by the ranks on the machine); results do not depend on it.", 1);

        public Option<bool> Json { get; } = Options.Json("the search (Trials, Best, OneStandardError, TestAccuracyPercent, Seconds)");

        public Option<string?> Plot { get; } = Options.SvgPath("--plot", "Write an SVG of validation accuracy with error bars against the parameter (log axis), the best and one-standard-error values marked.");

        public Option<string?> Save { get; } = Options.Path("--save", "Write the trial log to FILE after every evaluation (atomically) and on Ctrl+C.", "file");

        public Option<string?> Resume { get; } = Options.Path("--resume", "Continue the search whose trial log is FILE without re-running its evaluations (give the same options).", "file");

        public IEnumerable<Option> All =>
        [
            Param, Range, Strategy, Trials, Eta, Folds, Validation, Choose, Parallel,
            Train.Optimizer, Train.LearningRate, Train.Momentum, Train.Nesterov, Train.WeightDecay, Train.L1, Train.L2, Train.ProximalL1, Train.ExcludeBiases,
            Train.Epochs, Train.BatchSize, Train.Seed, Train.Provider, Train.Threads, Train.Data, Train.TrainLimit, Train.TestLimit,
            Json, Plot, Save, Resume,
        ];

        /// <summary>The fixed-value option of a tunable parameter (<c>--weight-decay</c> for <c>weight-decay</c>).</summary>
        public Option Fixed(string name) => name switch
        {
            MlpTuning.WeightDecay => Train.WeightDecay,
            MlpTuning.L2 => Train.L2,
            MlpTuning.L1 => Train.L1,
            MlpTuning.ProximalL1 => Train.ProximalL1,
            _ => Train.LearningRate,
        };

        private static Option<double?> ValidationOption()
        {
            var option = new Option<double?>("--validation") { Description = "Hold out this fraction of the training images for validation instead of --folds.", HelpName = "fraction" };
            option.CustomParser = r =>
            {
                var text = r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;
                if (text is null)
                {
                    return null;
                }

                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value < 1))
                {
                    r.AddError($"--validation must be a fraction in (0, 1), not '{text}'.");
                }

                return value;
            };
            return option;
        }
    }
}

/// <summary>
/// The trial log on disk: written as checkpoints are (a temporary file in the same folder, flushed, renamed over the
/// target, the folder flushed), so a crash leaves the previous complete log.
/// </summary>
internal static class TrialLogFile
{
    private static readonly Lock Gate = new();

    public static void Save(TrialLog log, string path)
    {
        lock (Gate)
        {
            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full)!;
            var name = Path.GetFileName(full);
            var temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
            var committed = false;
            try
            {
                Checkpoint.RemoveStaleTemporaries(directory, name);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    stream.Write(System.Text.Encoding.UTF8.GetBytes(log.ToJson()));
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, full, overwrite: true);
                committed = true;
                Training.Internal.FileSystem.FlushDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Checkpoint, $"checkpoint: --save {path}: writing the trial log failed ({e.Message.TrimEnd('.')}); the previous file is unchanged.", e);
            }
            finally
            {
                if (!committed)
                {
                    try
                    {
                        File.Delete(temp);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Best effort: the next save removes it.
                    }
                }
            }
        }
    }

    public static TrialLog Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: --resume {path}: that is a folder, not a trial log.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Checkpoint, $"checkpoint: --resume {path}: cannot read it ({e.Message.TrimEnd('.')}).", e);
        }

        return TrialLog.FromJson(text);
    }
}
