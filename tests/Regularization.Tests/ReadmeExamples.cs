#pragma warning disable SA1515, SA1512 // the snippet is shown verbatim in README.md
// begin-snippet: csharp-quickstart
using MathNet.Numerics.LinearAlgebra;
using Regularization;
// end-snippet

namespace Regularization.Tests;

/// <summary>
/// The README's C# quick start, compiled and run by <see cref="ReadmeTests"/>. The code between the snippet markers
/// (the usings, then the body) is exactly what README.md shows (a test compares them), and the whole of it is a
/// program: <c>.ci/consumer-test</c> pastes README's block into a fresh console project's Program.cs and runs it.
/// </summary>
public static class ReadmeExamples
{
    public static (ParamSet<double> Pure, ParamSet<double> Facade, string Plan) CSharpQuickStart()
    {
        // begin-snippet: csharp-quickstart
        // Linear regression with two outputs: minimize mean((X W + b - Y)^2) over a weight matrix W and a bias b.
        var X = Matrix<double>.Build.Random(200, 3, 42);
        var trueW = Matrix<double>.Build.Dense(3, 2, [1.0, -2.0, 0.5, 0.5, 0.0, 1.0]);
        var Y = (X * trueW) + 0.3;
        var ones = Matrix<double>.Build.Dense(200, 1, 1.0);
        var initial = ParamSet.Of(
            Param.Of("W", Matrix<double>.Build.Dense(3, 2)),        // a matrix (rank 2)
            Param.Vector("b", Matrix<double>.Build.Dense(1, 2)));   // a bias (rank 1), kept as a row to broadcast

        ParamSet<double> Gradient(ParamSet<double> p)
        {
            var residual = (X * p["W"].Value) + (ones * p["b"].Value) - Y;
            return ParamSet.Of(
                Param.Of("W", X.TransposeThisAndMultiply(residual) * (2.0 / X.RowCount)),
                Param.Of("b", ones.TransposeThisAndMultiply(residual) * (2.0 / X.RowCount)));
        }

        // Pure and functional: PyTorch's SGD(lr=0.1, momentum=0.9, weight_decay=1e-4) as a value.
        IGradientTransform sgd = Optimizers.Sgd(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4);
        ParamSet<double> parameters = initial;
        TransformState state = sgd.Init(parameters);
        for (var i = 0; i < 300; i++)
        {
            StepResult<double> step = sgd.Update(Gradient(parameters), state, parameters);
            parameters = Updates.Apply(parameters, step.Updates);
            state = step.State;
        }

        // The C# facade: AdamW with decoupled decay, biases excluded, updating the matrices in place.
        Optimizer<double> adamw = Optimizer.AdamW(learningRate: 0.05).WeightDecay(0.01).ExcludeBiases().Build(initial.Copy());
        for (var i = 0; i < 300; i++)
        {
            adamw.Step(Gradient(adamw.Parameters));
        }

        Console.WriteLine(adamw.DescribeDecay());
        // end-snippet
        return (parameters, adamw.Parameters, adamw.DescribeDecay().ToString());
    }
}
