namespace Regularization.Linear.Internal;

/// <summary>
/// Binomial coordinate descent (glmnet's lognet): an outer loop of quadratic (Newton/IRLS) approximations of the
/// log-likelihood at the current fit, with weights <c>v_i = w_i p_i (1 - p_i)</c>, each solved by the same
/// coordinate descent as gaussian, until a whole Newton step changes no coefficient by more than the threshold; then
/// a KKT check of the features outside the strong set.
/// </summary>
internal sealed class BinomialCd : Solver
{
    private readonly double[] eta;
    private readonly double[] v;
    private readonly double[] r;
    private readonly double[] xv;
    private readonly double[] bOld;
    private readonly bool[] ever;
    private readonly bool[] strong;
    private double vSum;

    public BinomialCd(Design design, double thresh, int maxPasses)
        : base(design, thresh, maxPasses)
    {
        var n = design.N;
        eta = new double[n];
        v = new double[n];
        r = new double[n];
        xv = new double[design.P];
        bOld = new double[design.P];
        ever = new bool[design.P];
        strong = new bool[design.P];
        if (design.Intercept)
        {
            A = Math.Log(design.Ybar / (1 - design.Ybar));
            Array.Fill(eta, A);
        }

        Gradient();
    }

    public override void FitUnpenalized()
    {
        var set = Unpenalized();
        if (set.Count == 0)
        {
            return;
        }

        Newton(set, 0, 0, MaxPasses, out _);
        Gradient();
    }

    public override LambdaFit AtLambdaMax() => new LambdaFit(0, true, Deviance());

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
            converged &= Newton(set, l1, l2, MaxPasses - passes, out var used);
            passes += used;
            Gradient(outsideOnly: true);
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

        return new LambdaFit(passes, converged, Deviance());
    }

    /// <summary>Newton steps, each solved by coordinate descent, until one moves nothing beyond the threshold.</summary>
    private bool Newton(List<int> set, double l1, double l2, int budget, out int passes)
    {
        passes = 0;
        var n = D.N;
        var w = D.W;
        var y = D.Y;
        var active = new List<int>();
        while (true)
        {
            vSum = 0;
            for (var i = 0; i < n; i++)
            {
                var p = Vec.Sigmoid(eta[i]);
                v[i] = w[i] * p * (1 - p);
                r[i] = w[i] * (y[i] - p);
                vSum += v[i];
            }

            foreach (var j in set)
            {
                xv[j] = Vec.Dot3(v, D.Col(j), D.Col(j));
                bOld[j] = B[j];
            }

            var aOld = A;

            // Coordinate descent on the quadratic model.
            var inner = true;
            while (inner)
            {
                var dlx = Pass(set, l1, l2);
                passes++;
                if (dlx < Thr)
                {
                    break;
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

            // The Newton step's size, then the new linear predictor.
            var da = A - aOld;
            var step = D.Intercept ? vSum * da * da : 0;
            for (var i = 0; i < n; i++)
            {
                eta[i] += da;
            }

            foreach (var j in set)
            {
                var d = B[j] - bOld[j];
                if (d != 0)
                {
                    step = Math.Max(step, xv[j] * d * d);
                    Vec.Axpy(d, D.Col(j), eta);
                }
            }

            if (step < Thr)
            {
                return true;
            }

            if (passes >= budget)
            {
                return false;
            }
        }
    }

    private double Pass(List<int> set, double l1, double l2)
    {
        double dlx = 0;
        foreach (var j in set)
        {
            var zj = D.Col(j);
            var gj = Vec.Dot(zj, r);
            var bj = B[j];
            var bn = Vec.Soft(gj + (xv[j] * bj), D.L1(j, l1)) / (xv[j] + D.L2(j, l2));
            if (bn == bj)
            {
                continue;
            }

            var del = bn - bj;
            B[j] = bn;
            ever[j] = true;
            dlx = Math.Max(dlx, xv[j] * del * del);
            Vec.Axpy3(-del, v, zj, r);
        }

        if (D.Intercept && vSum > 0)
        {
            double sum = 0;
            for (var i = 0; i < r.Length; i++)
            {
                sum += r[i];
            }

            var da = sum / vSum;
            if (da != 0)
            {
                A += da;
                Vec.Axpy(-da, v, r);
                dlx = Math.Max(dlx, vSum * da * da);
            }
        }

        return dlx;
    }

    /// <summary><c>g_j = sum_i z_ij w_i (y_i - p_i)</c> at the current fit, for every feature.</summary>
    private void Gradient(bool outsideOnly = false)
    {
        var w = D.W;
        var y = D.Y;
        for (var i = 0; i < D.N; i++)
        {
            r[i] = w[i] * (y[i] - Vec.Sigmoid(eta[i]));
        }

        for (var j = 0; j < D.P; j++)
        {
            if (!(outsideOnly && strong[j]))
            {
                G[j] = D.Excluded[j] ? 0 : Vec.Dot(D.Col(j), r);
            }
        }
    }

    /// <summary>Deviance <c>2 sum w_i (log(1 + exp(eta_i)) - y_i eta_i)</c>.</summary>
    private double Deviance()
    {
        double dev = 0;
        for (var i = 0; i < D.N; i++)
        {
            dev += D.W[i] * (Vec.Log1pExp(eta[i]) - (D.Y[i] * eta[i]));
        }

        return 2 * dev;
    }
}
