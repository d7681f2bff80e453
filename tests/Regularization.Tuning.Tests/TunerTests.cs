using Regularization.Tuning;

namespace Regularization.Tuning.Tests;

public class TunerTests
{
    private static readonly ParameterRange Decay = new("weight-decay", 1e-5, 1e-2);

    /// <summary>A smooth score of log10(value) with a peak at 1e-3.5, plus a fold-dependent offset from the rows.</summary>
    private static double Score(IReadOnlyDictionary<string, double> p, IReadOnlyList<int> train, IReadOnlyList<int> validation, int budget)
    {
        var x = Math.Log10(p["weight-decay"]) + 3.5;
        var extra = p.TryGetValue("lr", out var lr) ? -Math.Pow(Math.Log10(lr) + 2, 2) : 0;
        return 90 - (2 * x * x) + extra + (0.01 * (validation[0] % 13)) + (0.1 * budget);
    }

    public static TheoryData<string> StrategyNames() => new("grid", "random", "halving", "bayes");

    private static SearchStrategy Strategy(string name) => name switch
    {
        "grid" => new SearchStrategy.Grid(16),
        "random" => new SearchStrategy.Random(12),
        "halving" => new SearchStrategy.Halving(9, 3),
        _ => new SearchStrategy.Bayesian(8),
    };

    [Fact]
    public void The_grid_is_log_spaced_with_exact_ends()
    {
        var r = Tuner.Run([Decay], new SearchStrategy.Grid(4), Folds.KFold(30, 3, 0), Score, new TuningOptions { MaxBudget = 2 });
        double[] expected = [1e-5, 1e-4, 1e-3, 1e-2];
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], r.Trials[i].Parameters["weight-decay"], 1e-15 * expected[i]);
        }

        Assert.Equal(1e-5, r.Trials[0].Parameters["weight-decay"]);
        Assert.Equal(1e-2, r.Trials[3].Parameters["weight-decay"]);
        Assert.All(r.Trials, t => Assert.Equal(2, t.Budget));
    }

    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void Parallel_equals_sequential(string strategy)
    {
        var ranges = new[] { Decay, new ParameterRange("lr", 1e-3, 1e-1, regularizes: false) };
        var splits = Folds.KFold(60, 3, 4);
        var one = Tuner.Run(ranges, Strategy(strategy), splits, Score, new TuningOptions { Seed = 5, MaxBudget = 3, MaxDegreeOfParallelism = 1 });
        var four = Tuner.Run(ranges, Strategy(strategy), splits, Score, new TuningOptions { Seed = 5, MaxBudget = 3, MaxDegreeOfParallelism = 4 });
        AssertSame(one, four);
    }

    /// <summary>
    /// A search spread over 3 processes (threads with a barrier-based sum standing in for MPI ranks): every process
    /// gets the single-process result, each evaluation runs on exactly one process, successive halving continues each
    /// session on the process that started it, and every process's log holds every evaluation.
    /// </summary>
    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void A_search_over_three_processes_equals_one_process(string strategy)
    {
        var ranges = new[] { Decay, new ParameterRange("lr", 1e-3, 1e-1, regularizes: false) };
        var splits = Folds.KFold(60, 3, 4);
        var single = Tuner.Run(ranges, Strategy(strategy), splits, Score, new TuningOptions { Seed = 5, MaxBudget = 3 });
        const int size = 3;
        var group = new ThreadGroup(size);
        var ran = new int[size];
        var started = new System.Collections.Concurrent.ConcurrentDictionary<(int Trial, int Fold), int>();
        var logs = Enumerable.Range(0, size).Select(_ => new TrialLog()).ToArray();
        var results = new TuningResult[size];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            ITrialSession Session(TrialContext c)
            {
                // A session is created once per (trial, fold) in the whole job: a promoted trial continues where it began.
                if (!started.TryAdd((c.Trial, c.Fold), rank))
                {
                    failures.Enqueue($"({c.Trial}, {c.Fold}) started twice");
                }

                return new CountingSession(c, () => Interlocked.Increment(ref ran[rank]));
            }

            try
            {
                results[rank] = Tuner.Run(ranges, Strategy(strategy), splits, Session, new TuningOptions
                {
                    Seed = 5, MaxBudget = 3, Group = group.For(rank), Log = logs[rank],
                });
            }
            catch (Exception e)
            {
                failures.Enqueue($"rank {rank}: {e}");
            }
        }) { IsBackground = true }).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            Assert.True(t.Join(TimeSpan.FromMinutes(1)), $"a process did not finish: {string.Join("; ", failures)}");
        }

        Assert.Empty(failures);

        foreach (var r in results)
        {
            AssertSame(single, r);
        }

        var evaluations = single.Trials.Count * splits.Count;
        Assert.Equal(evaluations, ran.Sum());
        Assert.All(ran, n => Assert.True(n > 0, $"a process ran nothing: {string.Join(", ", ran)}"));
        Assert.All(logs, l => Assert.Equal(evaluations, l.Count));
        Assert.Equal(results[0].EvaluationsRun, evaluations);
    }

    /// <summary>Processes as threads: a sum over a barrier, added in rank order.</summary>
    private sealed class ThreadGroup(int size)
    {
        private readonly Barrier _barrier = new(size);
        private readonly double[][] _slots = new double[size][];

        public IEvaluationGroup For(int rank) => new Member(this, rank);

        private sealed class Member(ThreadGroup group, int rank) : IEvaluationGroup
        {
            public int Rank => rank;

            public int Size => group._slots.Length;

            public void SumInPlace(Span<double> values)
            {
                group._slots[rank] = values.ToArray();
                group._barrier.SignalAndWait();
                for (var i = 0; i < values.Length; i++)
                {
                    var sum = 0.0;
                    foreach (var slot in group._slots)
                    {
                        sum += slot[i];
                    }

                    values[i] = sum;
                }

                group._barrier.SignalAndWait();
            }
        }
    }

    private sealed class CountingSession(TrialContext context, Action counted) : ITrialSession
    {
        public double TrainTo(int budget)
        {
            counted();
            return Score(context.Parameters, context.Split.Train, context.Split.Validation, budget);
        }
    }

    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void A_resumed_search_equals_an_uninterrupted_one(string strategy)
    {
        var splits = Folds.KFold(60, 3, 4);
        var whole = Tuner.Run([Decay], Strategy(strategy), splits, Score, new TuningOptions { Seed = 2, MaxBudget = 3 });

        // Stop after 7 evaluations (as Ctrl+C would), then continue from the log, written and read back as JSON.
        var log = new TrialLog(new Dictionary<string, string> { ["strategy"] = strategy });
        using var stop = new CancellationTokenSource();
        var seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Tuner.Run([Decay], Strategy(strategy), splits, Score, new TuningOptions
        {
            Seed = 2, MaxBudget = 3, Log = log, CancellationToken = stop.Token,
            OnEvaluation = (_, _) =>
            {
                if (++seen == 7)
                {
                    stop.Cancel();
                }
            },
        }));
        Assert.Equal(7, log.Count);
        var reread = TrialLog.FromJson(log.ToJson());
        var calls = 0;
        var resumed = Tuner.Run([Decay], Strategy(strategy), splits, (p, t, v, b) => { calls++; return Score(p, t, v, b); }, new TuningOptions { Seed = 2, MaxBudget = 3, Log = reread });
        AssertSame(whole, resumed);
        Assert.Equal(7, resumed.EvaluationsFromLog);
        Assert.Equal(whole.EvaluationsRun - 7, calls);
        Assert.Equal(whole.EvaluationsRun, reread.Count);
    }

    [Fact]
    public void A_log_of_another_search_is_refused()
    {
        var splits = Folds.KFold(30, 3, 0);
        var log = new TrialLog();
        Tuner.Run([Decay], new SearchStrategy.Grid(3), splits, Score, new TuningOptions { Log = log });
        var e = Assert.Throws<TrialLogException>(() => Tuner.Run([Decay], new SearchStrategy.Grid(4), splits, Score, new TuningOptions { Log = log }));
        Assert.Contains("the log was written by another search", e.Message, StringComparison.Ordinal);
        Assert.Equal(["strategy grid, not bayes"], new TrialLog(new Dictionary<string, string> { ["strategy"] = "grid" }).SettingsDifferences(new Dictionary<string, string> { ["strategy"] = "bayes" }));
    }

    [Fact]
    public void Halving_keeps_the_best_third_and_continues_their_sessions()
    {
        var budgets = new List<(int Trial, int Fold, int Budget)>();
        var created = 0;
        ITrialSession Factory(TrialContext c)
        {
            Interlocked.Increment(ref created);
            return new Recording(c, budgets);
        }

        var r = Tuner.Run([Decay], new SearchStrategy.Halving(9, 3), Folds.KFold(30, 3, 0), Factory, new TuningOptions { MaxBudget = 2 });
        Assert.Equal(9 * 3, created);
        Assert.Equal(9, r.Trials.Count(t => t.Budget == 1));
        var promoted = r.Trials.Where(t => t.Budget == 2).Select(t => t.Trial).ToList();
        Assert.Equal(r.Trials.Where(t => t.Budget == 1).OrderByDescending(t => t.Mean).Take(3).Select(t => t.Trial).Order(), promoted);
        Assert.Equal(27 + 9, budgets.Count);
        Assert.Contains(r.Best.Trial, promoted);
        Assert.Equal(2, r.Best.Budget);
    }

    [Fact]
    public void Bayesian_optimization_finds_the_peak_in_8_trials()
    {
        var r = Tuner.Run([Decay], new SearchStrategy.Bayesian(8), Folds.KFold(30, 3, 0), Score, new TuningOptions { Seed = 0, MaxBudget = 1 });
        Assert.Equal(8, r.Trials.Count);

        // The peak is at log10 = -3.5; 3 Latin-hypercube points alone land 0.5 decades away at best on average.
        Assert.InRange(Math.Log10(r.Best.Parameters["weight-decay"]), -3.6, -3.4);
    }

    [Fact]
    public void One_standard_error_prefers_the_most_regularized_within_reach()
    {
        // Fold scores: trial means 90 (se 1), 89.5, 88, 89.2 at increasing decay: within 89 are trials 1, 2, 4 -> trial 4 (largest decay).
        double[][] scores = [[91, 89], [90, 89], [88.5, 87.5], [89.7, 88.7]];
        var r = Tuner.Run([Decay], new SearchStrategy.Grid(4), [new Split([0], [1]), new Split([1], [0])], (p, t, v, b) =>
        {
            var k = (int)Math.Round(Math.Log10(p["weight-decay"]) + 5);
            return scores[k][t[0]];
        });
        Assert.Equal(0, r.Best.Trial);
        Assert.Equal(1.0, r.Best.StandardError, 1e-12);
        Assert.Equal(3, r.OneStandardError.Trial);

        // Without a regularizing range the rule has nothing to prefer: the best.
        var lr = Tuner.Run([new ParameterRange("lr", 1e-5, 1e-2, regularizes: false)], new SearchStrategy.Grid(4), [new Split([0], [1]), new Split([1], [0])], (p, t, v, b) =>
            scores[(int)Math.Round(Math.Log10(p["lr"]) + 5)][t[0]]);
        Assert.Equal(lr.Best, lr.OneStandardError);
    }

    [Fact]
    public void Bad_ranges_and_arguments_say_what_is_wrong()
    {
        Assert.Equal("The range of weight-decay must have LO < HI (it is 0.01:1E-05).", Assert.Throws<ArgumentException>(() => new ParameterRange("weight-decay", 1e-2, 1e-5)).Message.Split(" (Parameter")[0]);
        Assert.Equal("The range of l1 is on a log scale, so LO must be > 0 (it is 0).", Assert.Throws<ArgumentException>(() => new ParameterRange("l1", 0, 1)).Message.Split(" (Parameter")[0]);
        Assert.Throws<ArgumentException>(() => Tuner.Run([Decay, Decay], new SearchStrategy.Grid(2), Folds.KFold(10, 2, 0), Score));
        Assert.Throws<ArgumentException>(() => Tuner.Run([Decay], new SearchStrategy.Grid(2), [], Score));
        Assert.Throws<InvalidOperationException>(() => Tuner.Run([Decay], new SearchStrategy.Grid(2), Folds.KFold(10, 2, 0), (_, _, _, _) => double.NaN));
    }

    [Fact]
    public void Trial_log_json_round_trips_scores_bit_for_bit()
    {
        var log = new TrialLog(new Dictionary<string, string> { ["a"] = "b" });
        log.TryAdd(new TrialEvaluation(3, 2, 1, new Dictionary<string, double> { ["lr"] = 0.1 + 0.2 }, 90.0 / 7));
        var back = TrialLog.FromJson(log.ToJson());
        Assert.True(back.TryGet(3, 2, 1, out var e));
        Assert.Equal(90.0 / 7, e!.Score);
        Assert.Equal(0.1 + 0.2, e.Parameters["lr"]);
        Assert.Equal(log.ToJson(), back.ToJson());
        Assert.Throws<TrialLogException>(() => TrialLog.FromJson("{\"Format\":\"other\"}"));
        Assert.Throws<TrialLogException>(() => TrialLog.FromJson("not json"));
        Assert.Throws<TrialLogException>(() => TrialLog.FromJson(log.ToJson().Replace("\"Score\": 12.857142857142858", "\"Score\": \"NaN\"", StringComparison.Ordinal)));
    }

    private static void AssertSame(TuningResult a, TuningResult b)
    {
        Assert.Equal(a.Trials.Count, b.Trials.Count);
        for (var i = 0; i < a.Trials.Count; i++)
        {
            Assert.Equal(a.Trials[i].Trial, b.Trials[i].Trial);
            Assert.Equal(a.Trials[i].Budget, b.Trials[i].Budget);
            Assert.Equal(a.Trials[i].Parameters, b.Trials[i].Parameters);
            Assert.Equal(a.Trials[i].FoldScores, b.Trials[i].FoldScores);
            Assert.Equal(a.Trials[i].Mean, b.Trials[i].Mean);
        }

        Assert.Equal(a.Best.Trial, b.Best.Trial);
        Assert.Equal(a.OneStandardError.Trial, b.OneStandardError.Trial);
    }

    private sealed class Recording(TrialContext context, List<(int, int, int)> budgets) : ITrialSession
    {
        private int _reached;

        public double TrainTo(int budget)
        {
            Assert.True(budget > _reached);
            _reached = budget;
            lock (budgets)
            {
                budgets.Add((context.Trial, context.Fold, budget));
            }

            return Score(context.Parameters, context.Split.Train, context.Split.Validation, budget);
        }
    }
}
