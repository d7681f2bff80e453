namespace Regularization.Linear.Internal;

/// <summary>
/// Gaussian coordinate descent: <c>b_j = soft(g_j + xv_j b_j, lambda alpha v_j) / (xv_j + lambda (1 - alpha) v_j)</c>,
/// cycling over the strong set and then the active set until the largest <c>xv_j (delta b_j)^2</c> is below the
/// threshold, then a KKT check of every feature outside the strong set.
/// </summary>
internal sealed class GaussianCd : Solver
{
    private readonly bool covariance;
    private readonly double[] r;
    private readonly double[]?[] gram;
    private readonly bool[] ever;
    private readonly bool[] strong;
    private double rss;

    public GaussianCd(Design design, double thresh, int maxPasses, bool covariance)
        : base(design, thresh, maxPasses)
    {
        this.covariance = covariance;
        r = (double[])design.Yt.Clone();
        gram = new double[design.P][];
        ever = new bool[design.P];
        strong = new bool[design.P];
        rss = design.NullDeviance;
        FullGradient();
    }

    public override void FitUnpenalized()
    {
        var set = Unpenalized();
        if (set.Count == 0)
        {
            return;
        }

        Iterate(set, 0, 0, out _);
        if (!covariance)
        {
            FullGradient();
        }
    }

    public override LambdaFit AtLambdaMax() => new LambdaFit(0, true, rss);

    public override LambdaFit Solve(double lambda, double lambdaPrev)
    {
        var alpha = D.Alpha;
        var l1 = lambda * alpha;
        var l2 = lambda * (1 - alpha);
        var cut = alpha * ((2 * lambda) - lambdaPrev);
        var set = new List<int>();
        for (var j = 0; j < D.P; j++)
        {
            // The strong set only grows along the path (as glmnet's): a feature screened in once stays in, so the
            // gradients of the others are all the KKT check and the next screening need.
            strong[j] |= !D.Excluded[j] && (ever[j] || D.Vp[j] == 0 || Math.Abs(G[j]) >= cut * D.Vp[j]);
            if (strong[j])
            {
                set.Add(j);
            }
        }

        var passes = 0;
        var converged = true;
        while (true)
        {
            converged &= Iterate(set, l1, l2, out var used, MaxPasses - passes);
            passes += used;
            if (!covariance)
            {
                OutsideGradient();
            }

            var violated = false;
            for (var j = 0; j < D.P; j++)
            {
                if (!strong[j] && !D.Excluded[j] && Math.Abs(G[j]) > l1 * D.Vp[j])
                {
                    strong[j] = true;
                    set.Add(j);
                    violated = true;
                }
            }

            if (!violated || !converged)
            {
                break;
            }
        }

        return new LambdaFit(passes, converged, rss);
    }

    /// <summary>Full passes over the set, each followed by passes over its active features until they settle.</summary>
    private bool Iterate(List<int> set, double l1, double l2, out int passes, int budget = int.MaxValue)
    {
        passes = 0;
        var active = new List<int>();
        while (true)
        {
            var dlx = Pass(set, l1, l2);
            passes++;
            if (dlx < Thr)
            {
                return true;
            }

            if (passes >= budget)
            {
                return false;
            }

            active.Clear();
            foreach (var j in set)
            {
                if (B[j] != 0)
                {
                    active.Add(j);
                }
            }

            while (true)
            {
                dlx = Pass(active, l1, l2);
                passes++;
                if (dlx < Thr)
                {
                    break;
                }

                if (passes >= budget)
                {
                    return false;
                }
            }
        }
    }

    private double Pass(List<int> set, double l1, double l2)
    {
        double dlx = 0;
        var xv = D.Xv;
        foreach (var j in set)
        {
            var gj = covariance ? G[j] : Vec.Dot(D.Col(j), r);
            var bj = B[j];
            var bn = Vec.Soft(gj + (xv[j] * bj), D.L1(j, l1)) / (xv[j] + D.L2(j, l2));
            if (bn == bj)
            {
                continue;
            }

            var del = bn - bj;
            B[j] = bn;
            ever[j] = true;
            rss -= del * ((2 * gj) - (del * xv[j]));
            dlx = Math.Max(dlx, xv[j] * del * del);
            if (covariance)
            {
                Vec.Axpy(-del, Gram(j), G);
            }
            else
            {
                Vec.Axpy(-del, D.Col(j), r);
            }
        }

        return dlx;
    }

    /// <summary>Column j of <c>Z'Z</c>, computed when feature j first moves.</summary>
    private double[] Gram(int j)
    {
        if (gram[j] is { } column)
        {
            return column;
        }

        column = new double[D.P];
        var zj = D.Col(j);
        for (var k = 0; k < D.P; k++)
        {
            if (gram[k] is { } other)
            {
                column[k] = other[j];
            }
            else if (!D.Excluded[k])
            {
                column[k] = Vec.Dot(D.Col(k), zj);
            }
        }

        gram[j] = column;
        return column;
    }

    /// <summary>The gradient of the features outside the strong set (those inside are never screened again).</summary>
    private void OutsideGradient()
    {
        for (var j = 0; j < D.P; j++)
        {
            if (!strong[j] && !D.Excluded[j])
            {
                G[j] = Vec.Dot(D.Col(j), r);
            }
        }
    }

    private void FullGradient()
    {
        for (var j = 0; j < D.P; j++)
        {
            G[j] = D.Excluded[j] ? 0 : Vec.Dot(D.Col(j), r);
        }
    }
}
