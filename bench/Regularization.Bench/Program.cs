using BenchmarkDotNet.Running;

namespace Regularization.Bench;

/// <summary>
/// Benchmarks of the library. Run everything, or choose with BenchmarkDotNet's switches, for example:
/// <c>dotnet run -c Release --project bench/Regularization.Bench -- --filter '*OptimizerStep*'</c>;
/// a smoke run of everything: <c>-- --filter '*' --job Dry --inProcess</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine(BenchEnvironment.Describe());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
