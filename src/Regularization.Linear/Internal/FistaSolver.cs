namespace Regularization.Linear.Internal;

/// <summary>
/// Accelerated proximal gradient (FISTA) with gradient-based adaptive restart, step <c>1/L</c> with <c>L</c> an upper
/// bound of the data term's curvature (power iteration on <c>Z'Z</c>, or <c>Z'WZ / 4</c> for binomial, times 1.05).
/// The proximal step of the elastic net is <c>soft(u_j, t lambda alpha v_j) / (1 + t lambda (1 - alpha) v_j)</c>.
/// Stops when the gradient mapping <c>G = L (y - prox(y - grad/L))</c> gives <c>max_j G_j^2 / xv_j &lt; thresh * D0</c>,
/// the same scale as coordinate descent's <c>xv_j (delta b_j)^2</c> (a coordinate Newton step is <c>G_j / xv_j</c>).
/// </summary>
internal sealed class FistaSolver : Solver
{
    private readonly double lipschitz;
    private readonly double[] xv;
    private readonly double[] resid;
    private readonly double[] grad;
    private readonly double[] yb;
    private readonly double[] xNew;
    private double gradA;

    public FistaSolver(Design design, double thresh, int maxPasses)
        : base(design, thresh, maxPasses)
    {
        resid = new double[design.N];
        grad = new double[design.P];
        yb = new double[design.P];
        xNew = new double[design.P];
        xv = new double[design.P];
        for (var j = 0; j < design.P; j++)
        {
            xv[j] = design.Family == Family.Gaussian ? design.Xv[j] : Vec.Dot3(design.W, design.Col(j), design.Col(j)) / 4;
        }

        lipschitz = 1.05 * Curvature();
        if (design.Family == Family.Binomial && design.Intercept)
        {
            A = Math.Log(design.Ybar / (1 - design.Ybar));
        }

        Gradient(B, A);
        Array.Copy(grad, G, G.Length);
        for (var j = 0; j < G.Length; j++)
        {
            G[j] = -G[j];
        }
    }

    public override void FitUnpenalized()
    {
        // The unpenalized features and the intercept, with every penalized coefficient held at zero.
        Run(0, 0, onlyUnpenalized: true);
    }

    public override LambdaFit AtLambdaMax() => new LambdaFit(0, true, Gradient(B, A));

    public override LambdaFit Solve(double lambda, double lambdaPrev) =>
        Run(lambda * D.Alpha, lambda * (1 - D.Alpha), onlyUnpenalized: false);

    private LambdaFit Run(double l1, double l2, bool onlyUnpenalized)
    {
        var p = D.P;
        var t = 1 / lipschitz;
        var x = (double[])B.Clone();
        var xa = A;
        Array.Copy(x, yb, p);
        var ya = xa;
        double tk = 1;
        var passes = 0;
        var converged = false;
        while (passes < MaxPasses)
        {
            Gradient(yb, ya);
            passes += 2;
            double step = 0;
            for (var j = 0; j < p; j++)
            {
                if (D.Excluded[j] || (onlyUnpenalized && D.Vp[j] > 0))
                {
                    xNew[j] = 0;
                    continue;
                }

                var u = yb[j] - (t * grad[j]);
                xNew[j] = Vec.Soft(u, t * D.L1(j, l1)) / (1 + (t * D.L2(j, l2)));
                var gm = lipschitz * (yb[j] - xNew[j]);
                step = Math.Max(step, gm * gm / Math.Max(xv[j], 1e-300));
            }

            var aNew = ya;
            if (HasA)
            {
                aNew = ya - (t * gradA);
                var gm = lipschitz * (ya - aNew);
                step = Math.Max(step, gm * gm);
            }

            if (step < Thr)
            {
                converged = true;
                Array.Copy(xNew, x, p);
                xa = aNew;
                break;
            }

            // Restart when the momentum points uphill: (y - x_new) . (x_new - x) > 0.
            double dot = 0;
            for (var j = 0; j < p; j++)
            {
                dot += (yb[j] - xNew[j]) * (xNew[j] - x[j]);
            }

            dot += (ya - aNew) * (aNew - xa);
            if (dot > 0)
            {
                tk = 1;
            }

            var tNew = (1 + Math.Sqrt(1 + (4 * tk * tk))) / 2;
            var beta = (tk - 1) / tNew;
            for (var j = 0; j < p; j++)
            {
                yb[j] = xNew[j] + (beta * (xNew[j] - x[j]));
                x[j] = xNew[j];
            }

            ya = aNew + (beta * (aNew - xa));
            xa = aNew;
            tk = tNew;
        }

        Array.Copy(x, B, p);
        A = xa;
        var deviance = Gradient(B, A);
        for (var j = 0; j < p; j++)
        {
            G[j] = -grad[j];
        }

        return new LambdaFit(passes, converged, deviance);
    }

    private bool HasA => D.Family == Family.Binomial && D.Intercept;

    /// <summary>The data term's gradient at (b, a) into <see cref="grad"/> and <see cref="gradA"/>; returns the deviance.</summary>
    private double Gradient(double[] b, double a)
    {
        var n = D.N;
        if (D.Family == Family.Gaussian)
        {
            Array.Copy(D.Yt, resid, n);
            for (var j = 0; j < D.P; j++)
            {
                if (b[j] != 0)
                {
                    Vec.Axpy(-b[j], D.Col(j), resid);
                }
            }

            for (var j = 0; j < D.P; j++)
            {
                grad[j] = D.Excluded[j] ? 0 : -Vec.Dot(D.Col(j), resid);
            }

            gradA = 0;
            return Vec.Dot(resid, resid);
        }

        Array.Fill(resid, a);
        for (var j = 0; j < D.P; j++)
        {
            if (b[j] != 0)
            {
                Vec.Axpy(b[j], D.Col(j), resid);
            }
        }

        double dev = 0, sum = 0;
        for (var i = 0; i < n; i++)
        {
            var eta = resid[i];
            dev += D.W[i] * (Vec.Log1pExp(eta) - (D.Y[i] * eta));
            resid[i] = D.W[i] * (D.Y[i] - Vec.Sigmoid(eta));
            sum += resid[i];
        }

        for (var j = 0; j < D.P; j++)
        {
            grad[j] = D.Excluded[j] ? 0 : -Vec.Dot(D.Col(j), resid);
        }

        gradA = -sum;
        return 2 * dev;
    }

    /// <summary>The largest eigenvalue of the data term's Hessian bound, by power iteration.</summary>
    private double Curvature()
    {
        var n = D.N;
        var p = D.P;
        var u = new double[p];
        Array.Fill(u, 1.0);
        var ua = HasA ? 1.0 : 0.0;
        var z = new double[n];
        double lambda = 0;
        var weight = D.Family == Family.Binomial ? D.W : null;
        for (var it = 0; it < 200; it++)
        {
            Array.Fill(z, ua);
            for (var j = 0; j < p; j++)
            {
                if (u[j] != 0)
                {
                    Vec.Axpy(u[j], D.Col(j), z);
                }
            }

            if (weight is not null)
            {
                for (var i = 0; i < n; i++)
                {
                    z[i] *= weight[i] / 4;
                }
            }

            double norm = 0;
            for (var j = 0; j < p; j++)
            {
                u[j] = D.Excluded[j] ? 0 : Vec.Dot(D.Col(j), z);
                norm += u[j] * u[j];
            }

            if (HasA)
            {
                ua = z.Sum();
                norm += ua * ua;
            }

            norm = Math.Sqrt(norm);
            if (norm == 0)
            {
                return 1;
            }

            var previous = lambda;
            lambda = norm;
            for (var j = 0; j < p; j++)
            {
                u[j] /= norm;
            }

            ua /= norm;
            if (it > 10 && Math.Abs(lambda - previous) <= 1e-10 * lambda)
            {
                break;
            }
        }

        return lambda;
    }
}
