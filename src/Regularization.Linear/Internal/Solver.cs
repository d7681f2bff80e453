namespace Regularization.Linear.Internal;

/// <summary>What one lambda's solve did.</summary>
internal readonly record struct LambdaFit(int Passes, bool Converged, double Deviance);

/// <summary>A warm-started solver along the path: coefficients on the standardized scale live between calls.</summary>
internal abstract class Solver
{
    protected Solver(Design design, double thresh, int maxPasses)
    {
        D = design;
        B = new double[design.P];
        Thr = thresh * design.NullDeviance;
        MaxPasses = maxPasses;
        G = new double[design.P];
    }

    public Design D { get; }

    /// <summary>Coefficients on the solvers' (standardized) scale.</summary>
    public double[] B { get; }

    /// <summary>Binomial intercept on the solvers' scale (gaussian: unused, the centered target has none).</summary>
    public double A { get; protected set; }

    /// <summary>The gradient of minus the data term, <c>Z'r</c>, at the last solution, for every feature.</summary>
    public double[] G { get; }

    protected double Thr { get; }

    protected int MaxPasses { get; }

    /// <summary>Fits the unpenalized features (and the intercept) alone; afterwards <see cref="G"/> holds the gradient there.</summary>
    public abstract void FitUnpenalized();

    /// <summary>Solves at <paramref name="lambda"/>, warm-started from the previous solution at <paramref name="lambdaPrev"/>.</summary>
    public abstract LambdaFit Solve(double lambda, double lambdaPrev);

    /// <summary>Whether a penalized coefficient is nonzero (then the all-zero shortcut does not apply).</summary>
    public bool HasPenalizedNonzero
    {
        get
        {
            for (var j = 0; j < D.P; j++)
            {
                if (B[j] != 0 && D.Vp[j] > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The fit at lambda_max: the state after <see cref="FitUnpenalized"/>, unchanged.</summary>
    public abstract LambdaFit AtLambdaMax();

    /// <summary>glmnet's lambda_max: <c>max_j |g_j| / (max(alpha, 1e-3) * v_j)</c> over penalized features, after <see cref="FitUnpenalized"/>.</summary>
    public double LambdaMax()
    {
        double best = 0;
        for (var j = 0; j < D.P; j++)
        {
            if (!D.Excluded[j] && D.Vp[j] > 0)
            {
                best = Math.Max(best, Math.Abs(G[j]) / D.Vp[j]);
            }
        }

        return best / Math.Max(D.Alpha, 1e-3);
    }

    protected List<int> Unpenalized()
    {
        var list = new List<int>();
        for (var j = 0; j < D.P; j++)
        {
            if (!D.Excluded[j] && D.Vp[j] == 0)
            {
                list.Add(j);
            }
        }

        return list;
    }
}
