using System.Collections.ObjectModel;

namespace Regularization.Tuning;

/// <summary>
/// The objective as a plain function: trains a model with <paramref name="parameters"/> on the rows
/// <paramref name="trainRows"/> of the training data for <paramref name="budget"/> (epochs, say), from scratch, and
/// returns its score on the rows <paramref name="validationRows"/> (higher is better: an accuracy, or minus an error).
/// </summary>
/// <param name="parameters">The configuration, by the names of the <see cref="ParameterRange"/>s.</param>
/// <param name="trainRows">The rows to train on (indices into the training data).</param>
/// <param name="validationRows">The rows to score on.</param>
/// <param name="budget">The budget, &gt;= 1.</param>
/// <returns>The validation score; must be finite and depend only on the arguments.</returns>
public delegate double TrialFunction(IReadOnlyDictionary<string, double> parameters, IReadOnlyList<int> trainRows, IReadOnlyList<int> validationRows, int budget);

/// <summary>What a trial session is created for: one configuration on one split.</summary>
/// <param name="Trial">The configuration's index in the search.</param>
/// <param name="Fold">The split's index.</param>
/// <param name="Parameters">The configuration.</param>
/// <param name="Split">The split (rows of the training data).</param>
/// <param name="CancellationToken">Cancelled when the search is stopped; long training should check it.</param>
public sealed record TrialContext(int Trial, int Fold, IReadOnlyDictionary<string, double> Parameters, Split Split, CancellationToken CancellationToken);

/// <summary>
/// A model being trained for one configuration on one split, which can continue training: successive halving trains
/// a session to one budget, then the promoted ones further. <see cref="TrainTo"/> on a fresh session must give the same
/// score as on a session trained to a smaller budget first (the tuner relies on it when it resumes from a log).
/// </summary>
public interface ITrialSession
{
    /// <summary>Trains (on) to <paramref name="budget"/> in total and returns the validation score (higher is better).</summary>
    /// <param name="budget">The total budget, larger than any earlier call's.</param>
    /// <returns>The finite validation score.</returns>
    double TrainTo(int budget);
}

/// <summary>
/// The processes of a distributed search (an MPI job, say): every process runs the same search with the same
/// arguments, evaluates its own share of each batch of evaluations, and one sum over the processes gives every
/// process every score.
/// </summary>
/// <remarks>Implemented by the command's MPI group (one <c>MPI_Allreduce</c> per batch of evaluations); a test can
/// implement it with threads. Every process must make the same calls in the same order.</remarks>
public interface IEvaluationGroup
{
    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes, &gt;= 1.</summary>
    int Size { get; }

    /// <summary>Replaces each value by its sum over the processes.</summary>
    /// <param name="values">This process's values in, the sums out.</param>
    void SumInPlace(Span<double> values);
}

/// <summary>How a search runs. Immutable.</summary>
public sealed record TuningOptions
{
    /// <summary>The seed of the strategy's draws (grid points need none; random, halving and Bayesian draws do).</summary>
    public ulong Seed { get; init; }

    /// <summary>The budget of a full trial (epochs for the MLP), &gt;= 1; successive halving's last rung.</summary>
    public int MaxBudget { get; init; } = 1;

    /// <summary>Evaluations run at once (each on its own thread), &gt;= 1. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>
    /// The processes of a distributed search, or null for one process. Evaluation <c>(trial, fold)</c> runs on the
    /// process <c>(trial * folds + fold) mod Size</c> (the same process at every budget, so successive halving continues
    /// its own sessions), each process with <see cref="MaxDegreeOfParallelism"/> threads; after each batch of
    /// evaluations the scores are summed over the processes, so every process ends with the single-process result,
    /// bit for bit (each score is computed once, by one process, from the same arguments). Every process's
    /// <see cref="Log"/> receives every evaluation; <see cref="OnEvaluation"/> sees the other processes' evaluations
    /// after each batch.
    /// </summary>
    public IEvaluationGroup? Group { get; init; }

    /// <summary>A log of finished evaluations: recorded ones are reused, new ones are added as they finish.</summary>
    public TrialLog? Log { get; init; }

    /// <summary>Called after each evaluation (from the thread that ran it; calls never overlap), with whether it came from the log.</summary>
    public Action<TrialEvaluation, bool>? OnEvaluation { get; init; }

    /// <summary>Stops the search between evaluations (and inside sessions that check it) with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>One configuration evaluated on every split at one budget.</summary>
/// <param name="Trial">The configuration's index.</param>
/// <param name="Parameters">The configuration.</param>
/// <param name="Budget">The budget.</param>
/// <param name="FoldScores">One validation score per split, in split order.</param>
/// <param name="Mean">The mean of <paramref name="FoldScores"/>.</param>
/// <param name="StandardError">The standard error of the mean, <c>sd / sqrt(K)</c> with the sample standard deviation (as glmnet's <c>cvsd</c> with equal weights); 0 for a single split.</param>
public sealed record TrialResult(int Trial, IReadOnlyDictionary<string, double> Parameters, int Budget, IReadOnlyList<double> FoldScores, double Mean, double StandardError);

/// <summary>The result of a search.</summary>
/// <param name="Parameters">The tuned ranges.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Trials">Every configuration at every budget it reached, in the order evaluated.</param>
/// <param name="Best">The largest mean among the trials at the full budget (the first on ties).</param>
/// <param name="OneStandardError">
/// The one-standard-error rule: among the full-budget trials whose mean is at least <c>Best.Mean - Best.StandardError</c>,
/// the most regularized (largest value of the first <see cref="ParameterRange.Regularizes"/> range, then the next);
/// <paramref name="Best"/> when no range regularizes.
/// </param>
/// <param name="EvaluationsRun">Evaluations run by this call.</param>
/// <param name="EvaluationsFromLog">Evaluations taken from the log.</param>
public sealed record TuningResult(
    IReadOnlyList<ParameterRange> Parameters,
    SearchStrategy Strategy,
    IReadOnlyList<TrialResult> Trials,
    TrialResult Best,
    TrialResult OneStandardError,
    int EvaluationsRun,
    int EvaluationsFromLog);

/// <summary>
/// Runs a search: every configuration the strategy proposes is evaluated on every split (cross-validation folds or one
/// hold-out split of the training data) and summarized by the mean score and its standard error.
/// </summary>
/// <remarks>
/// <para>
/// Evaluations of independent configurations (a grid, random draws, a halving rung) and of the splits of one
/// configuration run in parallel (<see cref="TuningOptions.MaxDegreeOfParallelism"/>); each result goes to its own
/// slot, and the strategy sees the results in configuration order, so a parallel search gives exactly the result of a
/// sequential one. Bayesian optimization proposes one configuration at a time; its splits run in parallel.
/// </para>
/// <para>The objective never sees anything but the training data's rows: keep the test set out of it, and evaluate it
/// once after the search with the chosen configuration.</para>
/// <example>
/// <code>
/// var folds = Folds.KFold(rowCount: x.RowCount, foldCount: 5, seed: 0);
/// TuningResult result = Tuner.Run(
///     [new ParameterRange("lambda", 1e-4, 1)],
///     new SearchStrategy.Bayesian(12),
///     folds,
///     (p, train, validation, budget) => -MeanSquaredError(Fit(x, y, train, p["lambda"]), x, y, validation),
///     new TuningOptions { Seed = 1, MaxDegreeOfParallelism = Environment.ProcessorCount });
/// Console.WriteLine($"{result.Best.Parameters["lambda"]} (1se: {result.OneStandardError.Parameters["lambda"]})");
/// </code>
/// </example>
/// </remarks>
public static class Tuner
{
    /// <summary>Runs a search with a plain function (each call trains from scratch).</summary>
    /// <param name="parameters">The ranges, at least one, with distinct names.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="splits">The splits, at least one.</param>
    /// <param name="objective">The objective.</param>
    /// <param name="options">How to run; defaults when null.</param>
    /// <returns>The result.</returns>
    public static TuningResult Run(IReadOnlyList<ParameterRange> parameters, SearchStrategy strategy, IReadOnlyList<Split> splits, TrialFunction objective, TuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return Run(parameters, strategy, splits, c => new FunctionSession(objective, c), options);
    }

    /// <summary>Runs a search with sessions that continue training (successive halving then trains each promoted session on).</summary>
    /// <param name="parameters">The ranges, at least one, with distinct names.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="splits">The splits, at least one.</param>
    /// <param name="sessions">Creates the session of one configuration on one split.</param>
    /// <param name="options">How to run; defaults when null.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">No range, repeated names, no split, or options out of range.</exception>
    /// <exception cref="TrialLogException">The log holds an evaluation of another configuration under the same trial number.</exception>
    public static TuningResult Run(IReadOnlyList<ParameterRange> parameters, SearchStrategy strategy, IReadOnlyList<Split> splits, Func<TrialContext, ITrialSession> sessions, TuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(sessions);
        options ??= new TuningOptions();
        if (parameters.Count == 0)
        {
            throw new ArgumentException("Tuning needs at least one parameter range.", nameof(parameters));
        }

        var duplicate = parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The parameter {duplicate.Key} is given more than once.", nameof(parameters));
        }

        if (splits.Count == 0)
        {
            throw new ArgumentException("Tuning needs at least one split.", nameof(splits));
        }

        if (options.MaxBudget < 1)
        {
            throw new ArgumentException($"MaxBudget must be >= 1 (it is {options.MaxBudget}).", nameof(options));
        }

        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentException($"MaxDegreeOfParallelism must be >= 1 (it is {options.MaxDegreeOfParallelism}).", nameof(options));
        }

        var search = new Search(parameters, splits, sessions, options);
        return strategy switch
        {
            SearchStrategy.Grid g => search.Finish(strategy, search.Evaluate(GridPoints(parameters, g.PointsPerParameter), options.MaxBudget)),
            SearchStrategy.Random r => search.Finish(strategy, search.Evaluate(RandomPoints(parameters.Count, r.Trials, options.Seed), options.MaxBudget)),
            SearchStrategy.Halving h => search.Finish(strategy, search.Halve(h)),
            SearchStrategy.Bayesian b => search.Finish(strategy, search.Optimize(b)),
            _ => throw new ArgumentException($"Unknown strategy {strategy}.", nameof(strategy)),
        };
    }

    /// <summary>The grid's unit-cube points: the first parameter varies slowest.</summary>
    internal static List<double[]> GridPoints(IReadOnlyList<ParameterRange> parameters, int points)
    {
        var result = new List<double[]> { Array.Empty<double>() };
        foreach (var _ in parameters)
        {
            result = result.SelectMany(prefix => Enumerable.Range(0, points).Select(k => prefix.Append(k / (double)(points - 1)).ToArray())).ToList();
        }

        return result;
    }

    /// <summary>Independent uniform draws in the unit cube (log-uniform values on a log scale).</summary>
    internal static List<double[]> RandomPoints(int dimensions, int count, ulong seed)
    {
        var state = seed ^ 0x5DEECE66DUL;
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimensions).Select(_ => SplitMix64.NextDouble(ref state)).ToArray()).ToList();
    }

    /// <summary>A Latin hypercube in the unit cube: each dimension's n values fall one into each of n equal strata.</summary>
    internal static List<double[]> LatinHypercube(int dimensions, int count, ulong seed)
    {
        var state = seed ^ 0x2545F4914F6CDD1DUL;
        var points = Enumerable.Range(0, count).Select(_ => new double[dimensions]).ToList();
        for (var d = 0; d < dimensions; d++)
        {
            var strata = Enumerable.Range(0, count).ToArray();
            for (var i = count - 1; i > 0; i--)
            {
                var j = (int)(SplitMix64.Next(ref state) % (ulong)(i + 1));
                (strata[i], strata[j]) = (strata[j], strata[i]);
            }

            for (var i = 0; i < count; i++)
            {
                points[i][d] = (strata[i] + SplitMix64.NextDouble(ref state)) / count;
            }
        }

        return points;
    }

    private sealed class FunctionSession(TrialFunction objective, TrialContext context) : ITrialSession
    {
        public double TrainTo(int budget) => objective(context.Parameters, context.Split.Train, context.Split.Validation, budget);
    }

    private sealed class Search(IReadOnlyList<ParameterRange> ranges, IReadOnlyList<Split> splits, Func<TrialContext, ITrialSession> factory, TuningOptions options)
    {
        private readonly List<TrialResult> _trials = [];
        private readonly List<double[]> _units = [];
        private readonly Dictionary<(int Trial, int Fold), ITrialSession> _sessions = new();
        private readonly Lock _report = new();
        private int _run;
        private int _fromLog;

        /// <summary>Evaluates new configurations (unit-cube points) at a budget; returns their results in order.</summary>
        public List<TrialResult> Evaluate(IReadOnlyList<double[]> units, int budget)
        {
            var first = _units.Count;
            _units.AddRange(units);
            return Continue(Enumerable.Range(first, units.Count).ToList(), budget);
        }

        public List<TrialResult> Continue(IReadOnlyList<int> trials, int budget)
        {
            var k = splits.Count;
            var parameters = trials.Select(Parameters).ToArray();
            var scores = new double[trials.Count * k];
            var sessions = new ITrialSession?[trials.Count * k];
            lock (_sessions)
            {
                for (var i = 0; i < sessions.Length; i++)
                {
                    sessions[i] = _sessions.GetValueOrDefault((trials[i / k], i % k));
                }
            }

            // A distributed search: each process evaluates its own items; the rest stay 0 until the sum below.
            var group = options.Group;
            bool Mine(int item) => group is null || (((long)trials[item / k] * k) + (item % k)) % group.Size == group.Rank;
            var fromLog = group is null ? null : new double[scores.Length];

            void One(int item)
            {
                var token = options.CancellationToken;
                token.ThrowIfCancellationRequested();
                if (!Mine(item))
                {
                    return;
                }

                var t = item / k;
                var fold = item % k;
                var trial = trials[t];
                if (options.Log is { } log && log.TryGet(trial, budget, fold, out var logged))
                {
                    if (!SameParameters(logged!.Parameters, parameters[t]))
                    {
                        throw new TrialLogException(
                            $"the log's trial {trial} is {Describe(logged.Parameters)}, but this search's trial {trial} is {Describe(parameters[t])}: the log was written by another search.");
                    }

                    scores[item] = logged.Score;
                    fromLog?[item] = 1;
                    Report(logged, fromLog: true);
                    return;
                }

                var session = sessions[item] ??= factory(new TrialContext(trial, fold, parameters[t], splits[fold], token));
                var score = session.TrainTo(budget);
                if (!double.IsFinite(score))
                {
                    throw new InvalidOperationException($"The objective returned {score} for trial {trial} ({Describe(parameters[t])}), fold {fold}, budget {budget}; scores must be finite.");
                }

                scores[item] = score;
                var evaluation = new TrialEvaluation(trial, budget, fold, parameters[t], score);
                options.Log?.TryAdd(evaluation);
                Report(evaluation, fromLog: false);
            }

            RunAll(scores.Length, One);
            if (group is not null)
            {
                Gather(group, trials, parameters, budget, scores, fromLog!, Mine);
            }

            lock (_sessions)
            {
                for (var i = 0; i < sessions.Length; i++)
                {
                    if (sessions[i] is { } s)
                    {
                        _sessions[(trials[i / k], i % k)] = s;
                    }
                }
            }

            var results = new List<TrialResult>();
            for (var t = 0; t < trials.Count; t++)
            {
                var fold = scores.AsSpan(t * k, k).ToArray();
                var mean = fold.Average();
                var se = k < 2 ? 0 : Math.Sqrt(fold.Sum(s => (s - mean) * (s - mean)) / (k - 1) / k);
                var result = new TrialResult(trials[t], parameters[t], budget, Array.AsReadOnly(fold), mean, se);
                results.Add(result);
                _trials.Add(result);
            }

            return results;
        }

        /// <summary>Sums the scores (and from-log flags) over the processes; logs and reports the other processes' evaluations.</summary>
        private void Gather(IEvaluationGroup group, IReadOnlyList<int> trials, IReadOnlyDictionary<string, double>[] parameters, int budget, double[] scores, double[] fromLog, Func<int, bool> mine)
        {
            var k = splits.Count;
            var buffer = new double[scores.Length * 2];
            scores.CopyTo(buffer, 0);
            fromLog.CopyTo(buffer, scores.Length);
            group.SumInPlace(buffer);
            for (var item = 0; item < scores.Length; item++)
            {
                if (mine(item))
                {
                    continue;
                }

                // x + 0 + ... + 0 is x: the score arrives with the bits its process computed.
                scores[item] = buffer[item];
                var evaluation = new TrialEvaluation(trials[item / k], budget, item % k, parameters[item / k], scores[item]);
                var logged = buffer[scores.Length + item] != 0;
                if (!logged)
                {
                    options.Log?.TryAdd(evaluation);
                }

                Report(evaluation, logged);
            }
        }

        public List<TrialResult> Halve(SearchStrategy.Halving h)
        {
            var rungs = h.Rungs(options.MaxBudget);
            var current = Evaluate(LatinHypercube(ranges.Count, h.Trials, options.Seed), rungs[0].Budget);
            for (var r = 1; r < rungs.Count; r++)
            {
                var keep = current.OrderByDescending(t => t.Mean).ThenBy(t => t.Trial).Take(rungs[r].Configurations).Select(t => t.Trial).Order().ToList();
                lock (_sessions)
                {
                    foreach (var stopped in current.Select(t => t.Trial).Except(keep))
                    {
                        for (var f = 0; f < splits.Count; f++)
                        {
                            _sessions.Remove((stopped, f));
                        }
                    }
                }

                current = Continue(keep, rungs[r].Budget);
            }

            return current;
        }

        public List<TrialResult> Optimize(SearchStrategy.Bayesian b)
        {
            var d = ranges.Count;
            var initial = b.InitialPoints ?? Math.Min(b.Trials, Math.Max(3, d + 2));
            var results = Evaluate(LatinHypercube(d, initial, options.Seed), options.MaxBudget);
            var candidates = b.Candidates ?? (2000 * d);
            while (results.Count < b.Trials)
            {
                var next = Propose(results, candidates, b.Xi, (ulong)results.Count);
                results.AddRange(Evaluate([next], options.MaxBudget));
            }

            return results;
        }

        public TuningResult Finish(SearchStrategy strategy, List<TrialResult> final)
        {
            var best = final.OrderByDescending(t => t.Mean).ThenBy(t => t.Trial).First();
            var bound = best.Mean - best.StandardError;
            var within = final.Where(t => t.Mean >= bound).OrderBy(t => t.Trial).ToList();
            var regularizing = ranges.Where(r => r.Regularizes).Select(r => r.Name).ToList();
            var oneSe = best;
            if (regularizing.Count > 0)
            {
                IOrderedEnumerable<TrialResult> order = within.OrderByDescending(t => t.Parameters[regularizing[0]]);
                foreach (var name in regularizing.Skip(1))
                {
                    order = order.ThenByDescending(t => t.Parameters[name]);
                }

                oneSe = order.ThenBy(t => t.Trial).First();
            }

            return new TuningResult(ranges.ToList().AsReadOnly(), strategy, _trials.AsReadOnly(), best, oneSe, _run, _fromLog);
        }

        private double[] Propose(List<TrialResult> results, int candidateCount, double xi, ulong round)
        {
            var x = results.Select(r => _units[r.Trial]).ToList();
            var y = results.Select(r => r.Mean).ToArray();
            var mean = y.Average();
            var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / y.Length);
            if (!(sd > 1e-12))
            {
                sd = 1;
            }

            var standardized = y.Select(v => (v - mean) / sd).ToArray();
            var gp = GaussianProcess.Fit(x, standardized);
            var incumbent = standardized.Max();
            var state = options.Seed ^ (0x9E3779B97F4A7C15UL * (round + 1));
            double[]? best = null;
            var bestEi = double.NegativeInfinity;
            for (var c = 0; c < candidateCount; c++)
            {
                var point = new double[ranges.Count];
                for (var j = 0; j < point.Length; j++)
                {
                    point[j] = SplitMix64.NextDouble(ref state);
                }

                var (mu, sigma) = gp.Predict(point);
                var ei = GaussianProcess.ExpectedImprovement(mu, sigma, incumbent, xi);
                if (ei > bestEi)
                {
                    (best, bestEi) = (point, ei);
                }
            }

            return best!;
        }

        private IReadOnlyDictionary<string, double> Parameters(int trial)
        {
            var unit = _units[trial];
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var j = 0; j < ranges.Count; j++)
            {
                values[ranges[j].Name] = ranges[j].FromUnit(unit[j]);
            }

            return new ReadOnlyDictionary<string, double>(values);
        }

        private void Report(TrialEvaluation evaluation, bool fromLog)
        {
            lock (_report)
            {
                if (fromLog)
                {
                    _fromLog++;
                }
                else
                {
                    _run++;
                }

                options.OnEvaluation?.Invoke(evaluation, fromLog);
            }
        }

        private void RunAll(int count, Action<int> body)
        {
            if (options.MaxDegreeOfParallelism == 1 || count == 1)
            {
                for (var i = 0; i < count; i++)
                {
                    body(i);
                }

                return;
            }

            var errors = new Exception?[count];
            // One item at a time, in order (no range partitioning): a worker that finishes early takes the next item,
            // so a rung's last round is the only one where a worker can wait.
            var items = System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, count), System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, i =>
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
            });

            // The same failure as a sequential run would report first (cancellation wins: the user asked to stop).
            var cancelled = errors.OfType<OperationCanceledException>().FirstOrDefault();
            var first = cancelled ?? errors.FirstOrDefault(e => e is not null);
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }
        }

        private static bool SameParameters(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
            a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

        private static string Describe(IReadOnlyDictionary<string, double> p) =>
            string.Join(", ", p.Select(kv => FormattableString.Invariant($"{kv.Key}={kv.Value:R}")));
    }
}
