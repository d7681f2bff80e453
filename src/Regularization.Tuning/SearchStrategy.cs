namespace Regularization.Tuning;

/// <summary>
/// How a search chooses the configurations to try. Every strategy is deterministic given
/// <see cref="TuningOptions.Seed"/> and the scores it has seen.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Grid"/>: every combination of <c>PointsPerParameter</c> values per parameter, log-spaced ends included
/// (scikit-learn's <c>GridSearchCV</c> over <c>np.logspace</c>).</item>
/// <item><see cref="Random"/>: <c>Trials</c> independent log-uniform draws (Bergstra and Bengio 2012).</item>
/// <item><see cref="Halving"/>: successive halving with the budget in epochs, the synchronous form of ASHA's rungs
/// (Li et al. 2020): <c>Trials</c> random configurations train to <c>MinBudget</c> epochs; the best <c>1/Eta</c> continue to
/// <c>Eta</c> times the budget (capped at the maximum), and so on until the maximum budget.</item>
/// <item><see cref="Bayesian"/>: Bayesian optimization (Snoek et al. 2012, scikit-optimize's <c>gp_minimize</c>): after
/// <c>InitialPoints</c> space-filling draws, each next configuration maximizes the expected improvement of a Gaussian
/// process fitted to the scores so far (see <see cref="GaussianProcess"/>).</item>
/// </list>
/// <example>
/// <code>
/// SearchStrategy grid = new SearchStrategy.Grid(16);
/// SearchStrategy bayes = new SearchStrategy.Bayesian(8);
/// SearchStrategy halving = new SearchStrategy.Halving(9, eta: 3);
/// </code>
/// </example>
/// </remarks>
public abstract record SearchStrategy
{
    private SearchStrategy()
    {
    }

    /// <summary>The strategy's name as the command line spells it (<c>grid</c>, <c>random</c>, <c>halving</c>, <c>bayes</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A grid: every combination of <see cref="PointsPerParameter"/> values per parameter.</summary>
    public sealed record Grid : SearchStrategy
    {
        /// <summary>Creates a grid.</summary>
        /// <param name="pointsPerParameter">Values per parameter, &gt;= 2 (the two ends and evenly spaced points between, on the parameter's scale).</param>
        public Grid(int pointsPerParameter)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerParameter, 2);
            PointsPerParameter = pointsPerParameter;
        }

        /// <summary>Values per parameter.</summary>
        public int PointsPerParameter { get; }

        /// <inheritdoc />
        public override string Name => "grid";
    }

    /// <summary>Independent draws, uniform on each parameter's scale (log-uniform on a log scale).</summary>
    public sealed record Random : SearchStrategy
    {
        /// <summary>Creates a random search.</summary>
        /// <param name="trials">Configurations, &gt;= 1.</param>
        public Random(int trials)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
            Trials = trials;
        }

        /// <summary>Configurations.</summary>
        public int Trials { get; }

        /// <inheritdoc />
        public override string Name => "random";
    }

    /// <summary>Successive halving with epochs as the budget.</summary>
    public sealed record Halving : SearchStrategy
    {
        /// <summary>Creates a successive-halving search.</summary>
        /// <param name="trials">Configurations in the first rung, &gt;= 2.</param>
        /// <param name="eta">Keep the best <c>1/eta</c> (rounded up) at each rung and multiply the budget by eta, &gt;= 2.</param>
        /// <param name="minBudget">The first rung's budget, &gt;= 1.</param>
        public Halving(int trials, int eta = 3, int minBudget = 1)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(trials, 2);
            ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
            ArgumentOutOfRangeException.ThrowIfLessThan(minBudget, 1);
            Trials = trials;
            Eta = eta;
            MinBudget = minBudget;
        }

        /// <summary>Configurations in the first rung.</summary>
        public int Trials { get; }

        /// <summary>The reduction factor.</summary>
        public int Eta { get; }

        /// <summary>The first rung's budget.</summary>
        public int MinBudget { get; }

        /// <inheritdoc />
        public override string Name => "halving";

        /// <summary>The rungs for a maximum budget: (budget, configurations) from the first rung to the last.</summary>
        /// <param name="maxBudget">The maximum budget, &gt;= <see cref="MinBudget"/>.</param>
        /// <returns>The rungs; the last has budget <paramref name="maxBudget"/>.</returns>
        public IReadOnlyList<(int Budget, int Configurations)> Rungs(int maxBudget)
        {
            var rungs = new List<(int, int)>();
            var budget = Math.Min(MinBudget, maxBudget);
            var count = Trials;
            while (true)
            {
                rungs.Add((budget, count));
                if (budget >= maxBudget || count <= 1)
                {
                    break;
                }

                budget = (int)Math.Min(maxBudget, (long)budget * Eta);
                count = (count + Eta - 1) / Eta;
            }

            return rungs;
        }
    }

    /// <summary>Bayesian optimization with a Gaussian process and expected improvement.</summary>
    public sealed record Bayesian : SearchStrategy
    {
        /// <summary>Creates a Bayesian optimization.</summary>
        /// <param name="trials">Configurations in all, &gt;= 1.</param>
        /// <param name="initialPoints">Space-filling draws before the first Gaussian process (Latin hypercube), 1 to <paramref name="trials"/>; default <c>min(trials, max(3, parameters + 2))</c>.</param>
        /// <param name="candidates">Random points over which the expected improvement is maximized (default 2000 per parameter).</param>
        /// <param name="xi">The exploration margin of the expected improvement, in score units after standardization (scikit-optimize's <c>xi</c>, 0.01).</param>
        public Bayesian(int trials, int? initialPoints = null, int? candidates = null, double xi = 0.01)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
            if (initialPoints is { } i)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(i, 1, nameof(initialPoints));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(i, trials, nameof(initialPoints));
            }

            if (candidates is { } c)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(c, 1, nameof(candidates));
            }

            if (!double.IsFinite(xi) || xi < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(xi), xi, "xi must be finite and >= 0.");
            }

            Trials = trials;
            InitialPoints = initialPoints;
            Candidates = candidates;
            Xi = xi;
        }

        /// <summary>Configurations in all.</summary>
        public int Trials { get; }

        /// <summary>Space-filling draws before the first Gaussian process; null for the default.</summary>
        public int? InitialPoints { get; }

        /// <summary>Random candidates for maximizing the expected improvement; null for the default.</summary>
        public int? Candidates { get; }

        /// <summary>The exploration margin.</summary>
        public double Xi { get; }

        /// <inheritdoc />
        public override string Name => "bayes";
    }
}
