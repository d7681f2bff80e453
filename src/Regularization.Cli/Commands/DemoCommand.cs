using System.CommandLine;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Cli.Commands;

/// <summary>
/// <c>regularization demo</c>: the same noisy least-squares problem fitted with no regularization, an L2 term in the
/// loss, SGD weight decay (2 * lambda, the second seed's equivalence), proximal L1 and AdamW.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command(
            "demo",
            "A small least-squares example (400 samples, 20 features, 5 informative): no regularization, an L2 term, SGD weight decay (2 x lambda), proximal L1 and AdamW side by side. Needs no data.");
        command.SetAction(_ => Execute(host.Out));
        return command;
    }

    private static int Execute(TextWriter output)
    {
        var rng = new Random(7);
        var x = Matrix<double>.Build.Dense(400, 20, (_, _) => Gaussian(rng));
        var truth = Matrix<double>.Build.Dense(20, 1, (i, _) => i < 5 ? 1.0 + i : 0.0);
        var y = (x * truth) + Matrix<double>.Build.Dense(400, 1, (_, _) => 0.5 * Gaussian(rng));
        var start = ParamSet.Of(new Param<double>("w", Matrix<double>.Build.Dense(20, 1)));

        ParamSet<double> Gradient(ParamSet<double> p) =>
            ParamSet.Of(new Param<double>("w", x.TransposeThisAndMultiply((x * p["w"].Value) - y) * (2.0 / x.RowCount)));

        const double lambda = 0.05;
        var runs = new (string Name, IGradientTransform Optimizer, Penalty? LossTerm)[]
        {
            ("none", Optimizers.Sgd(0.01), null),
            ("L2 in the loss, lambda=0.05", Optimizers.Sgd(0.01), Penalties.L2(lambda)),
            ("SGD weight_decay=0.1 (2*lambda)", Optimizers.Sgd(0.01, weightDecay: 2 * lambda), null),
            ("proximal L1, l1=0.05", Optimizers.WithProximalL1(Optimizers.Sgd(0.01), lambda), null),
            ("AdamW lr=0.01, wd=0.1", Optimizers.AdamW(0.01, weightDecay: 0.1), null),
        };

        output.WriteLine("Least squares, 400 samples, 20 features, 5 informative; 2000 full-batch steps.");
        output.WriteLine($"{"regularization",-34} {"sum(w^2)",10} {"exact zeros",12} {"train MSE",10}");
        foreach (var (name, optimizer, lossTerm) in runs)
        {
            var p = start;
            var state = optimizer.Init(p);
            for (var step = 0; step < 2000; step++)
            {
                var g = Gradient(p);
                if (lossTerm is not null)
                {
                    g = g.Zip(lossTerm.Gradient(p), (a, b) => a.Value + b.Value);
                }

                var result = optimizer.Update(g, state, p);
                (p, state) = (Updates.Apply(p, result.Updates), result.State);
            }

            var w = p["w"].Value;
            var mse = ((x * w) - y).PointwisePower(2).ColumnSums()[0] / x.RowCount;
            var zeros = w.Enumerate().Count(v => v == 0);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"{name,-34} {Penalties.L2(1).Value(p),10:F4} {zeros,12} {mse,10:F4}"));
        }

        return ExitCodes.Success;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
