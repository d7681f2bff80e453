using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Linear.Internal;

/// <summary>
/// The problem on the solvers' scale: features centered by their weighted means (with an intercept) and divided by
/// their weighted standard deviations (with standardization), stored column-major; for gaussian each row is also
/// multiplied by <c>sqrt(w_i)</c> and the target centered, so the data term is <c>1/2 ||yt - Z b||^2</c>.
/// </summary>
internal sealed class Design
{
    public Design(Matrix<double> x, Vector<double> y, ElasticNetOptions options)
    {
        N = x.RowCount;
        P = x.ColumnCount;
        Family = options.Family;
        Alpha = options.Alpha;
        Intercept = options.FitIntercept;
        W = new double[N];
        if (options.Weights is null)
        {
            Array.Fill(W, 1.0 / N);
        }
        else
        {
            var sum = options.Weights.Sum();
            for (var i = 0; i < N; i++)
            {
                W[i] = options.Weights[i] / sum;
            }
        }

        Vp = new double[P];
        if (options.PenaltyFactors is null)
        {
            Array.Fill(Vp, 1.0);
        }
        else
        {
            var sum = options.PenaltyFactors.Sum();
            for (var j = 0; j < P; j++)
            {
                Vp[j] = options.PenaltyFactors[j] * P / sum;
            }
        }

        Z = x.ToColumnMajorArray();
        Xm = new double[P];
        Xs = new double[P];
        Xv = new double[P];
        Excluded = new bool[P];
        var sqrtW = Family == Family.Gaussian ? W.Select(Math.Sqrt).ToArray() : null;
        for (var j = 0; j < P; j++)
        {
            var col = Z.AsSpan(j * N, N);
            var first = col[0];
            var constant = true;
            double mean = 0;
            for (var i = 0; i < N; i++)
            {
                constant &= col[i] == first;
                mean += W[i] * col[i];
            }

            double ss = 0;
            for (var i = 0; i < N; i++)
            {
                var d = col[i] - mean;
                ss += W[i] * d * d;
            }

            // glmnet leaves out constant features (with or without an intercept).
            if (constant || ss == 0)
            {
                Excluded[j] = true;
                Xs[j] = 1;
                col.Clear();
                continue;
            }

            // glmnet's scale is the weighted standard deviation about the mean even without an intercept; only the
            // centering is dropped then.
            if (!Intercept)
            {
                mean = 0;
            }

            var scale = options.Standardize ? Math.Sqrt(ss) : 1.0;
            Xm[j] = mean;
            Xs[j] = scale;
            var inv = 1 / scale;
            for (var i = 0; i < N; i++)
            {
                var z = (col[i] - mean) * inv;
                col[i] = sqrtW is null ? z : z * sqrtW[i];
            }

            Xv[j] = Family == Family.Gaussian ? Vec.Dot(col, col) : 0;
        }

        Y = y.ToArray();
        if (Family == Family.Gaussian)
        {
            double ym = 0;
            if (Intercept)
            {
                for (var i = 0; i < N; i++)
                {
                    ym += W[i] * Y[i];
                }
            }

            Ym = ym;
            Yt = new double[N];
            for (var i = 0; i < N; i++)
            {
                Yt[i] = sqrtW![i] * (Y[i] - ym);
            }

            NullDeviance = Vec.Dot(Yt, Yt);
        }
        else
        {
            Yt = Y;
            double ybar = 0.5;
            if (Intercept)
            {
                ybar = 0;
                for (var i = 0; i < N; i++)
                {
                    ybar += W[i] * Y[i];
                }
            }

            Ybar = ybar;
            double dev = 0;
            for (var i = 0; i < N; i++)
            {
                dev -= W[i] * ((Y[i] * Math.Log(ybar)) + ((1 - Y[i]) * Math.Log(1 - ybar)));
            }

            NullDeviance = 2 * dev;
        }
    }

    public int N { get; }

    public int P { get; }

    public Family Family { get; }

    public double Alpha { get; }

    public bool Intercept { get; }

    /// <summary>Weights summing to 1.</summary>
    public double[] W { get; }

    /// <summary>Penalty factors rescaled to sum to p.</summary>
    public double[] Vp { get; }

    /// <summary>Column-major standardized features (times sqrt(w) for gaussian).</summary>
    public double[] Z { get; }

    public double[] Xm { get; }

    public double[] Xs { get; }

    /// <summary>Gaussian: <c>||Z_j||^2</c> (1 when standardized).</summary>
    public double[] Xv { get; }

    public bool[] Excluded { get; }

    /// <summary>The target as given.</summary>
    public double[] Y { get; }

    /// <summary>Gaussian: <c>sqrt(w) (y - ym)</c>; binomial: y.</summary>
    public double[] Yt { get; }

    public double Ym { get; }

    public double Ybar { get; }

    /// <summary>Gaussian: <c>sum w (y - ym)^2</c>; binomial: the null model's deviance (weights summing to 1).</summary>
    public double NullDeviance { get; }

    public ReadOnlySpan<double> Col(int j) => Z.AsSpan(j * N, N);

    /// <summary>The penalty's L1 threshold of feature j (0 for an unpenalized one, never NaN).</summary>
    public double L1(int j, double l1) => Vp[j] == 0 ? 0 : l1 * Vp[j];

    public double L2(int j, double l2) => Vp[j] == 0 ? 0 : l2 * Vp[j];

    /// <summary>Original-scale coefficients and intercept from the standardized ones (b) and the solver intercept.</summary>
    public (double Intercept, double[] Beta) Unstandardize(ReadOnlySpan<double> b, double a)
    {
        var beta = new double[P];
        var intercept = Family == Family.Gaussian ? Ym : a;
        for (var j = 0; j < P; j++)
        {
            if (b[j] != 0)
            {
                beta[j] = b[j] / Xs[j];
                intercept -= Xm[j] * beta[j];
            }
        }

        return (Intercept ? intercept : 0, beta);
    }
}
