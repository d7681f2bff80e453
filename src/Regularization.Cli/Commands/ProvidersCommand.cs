using System.CommandLine;
using System.Diagnostics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Cli.Output;
using Regularization.Mkl;

namespace Regularization.Cli.Commands;

/// <summary><c>regularization providers</c>: which linear-algebra providers this machine has, and a matrix-product check.</summary>
internal static class ProvidersCommand
{
    /// <summary>Largest relative difference between the providers' products that still counts as agreement.</summary>
    public const double Tolerance = 1e-12;

    public static Command Create(CliHost host)
    {
        var threads = Options.Threads();
        var size = Options.Int("--size", "Order of the square matrices of the product check.", 512, 1, 4096);
        var repeat = Options.Int("--repeat", "Timed products per provider (the best time is shown).", 3, 1, 100);
        var command = new Command(
            "providers",
            "List the linear-algebra providers (managed; Intel MKL and OpenBLAS: version, threading, threads, or why each is not available and how to install it), " +
            "then time a square matrix product on each and check that they agree.");
        command.Add(threads);
        command.Add(size);
        command.Add(repeat);
        command.SetAction(parse => Execute(host, parse.GetValue(threads), parse.GetValue(size), parse.GetValue(repeat)));
        return command;
    }

    private static int Execute(CliHost host, int threads, int n, int repeat)
    {
        var output = host.Out;
        Control.MaxDegreeOfParallelism = threads;
        var managed = ManagedLinearAlgebraProvider.Instance;
        output.WriteLine("Linear-algebra providers for MathNet.Numerics");
        output.WriteLine($"managed  available  MathNet.Numerics {ProviderSetup.MathNetVersion} managed provider (C#), MaxDegreeOfParallelism {threads}");

        var natives = new List<(string Name, ILinearAlgebraProvider Provider)>();
        try
        {
            var (ok, description, _, message) = ProviderSetup.TryMkl(threads);
            if (ok)
            {
                natives.Add(("mkl", LinearAlgebraControl.Provider));
                var parts = ProviderSetup.MklParts(description!);
                output.WriteLine($"mkl      available  {parts.Version}");
                foreach (var part in parts.Details)
                {
                    output.WriteLine($"                    {part}");
                }
            }
            else
            {
                output.WriteLine($"mkl      not available: {Cli.OneLine(message!)}");
            }

            (ok, description, _, message) = ProviderSetup.TryOpenBlas(threads);
            if (ok)
            {
                natives.Add(("openblas", LinearAlgebraControl.Provider));
                var parts = description!.Split("; ", StringSplitOptions.TrimEntries);
                output.WriteLine($"openblas available  {parts[0]}");
                foreach (var part in parts.Skip(1).Where(p => !p.StartsWith("MathNet provider", StringComparison.Ordinal)))
                {
                    output.WriteLine($"                    {part}");
                }
            }
            else
            {
                output.WriteLine($"openblas not available: {Cli.OneLine(message!)}");
            }
        }
        finally
        {
            MklControl.UseManaged();
        }

        var (requested, requestedBy) = ProviderSetup.Requested(null, host);
        var vendor = OpenBlasControl.CpuVendor;
        var available = natives.Select(n => n.Name).ToHashSet();
        string chosen = requested switch
        {
            "managed" => "managed",
            "auto" => OpenBlasControl.PreferredOrder(vendor).Select(k => k.ToString().ToLowerInvariant()).FirstOrDefault(available.Contains) ?? "managed",
            _ => available.Contains(requested) ? requested : $"none ({requested} is required but not available)",
        };
        var order = string.Join(", then ", OpenBlasControl.PreferredOrder(vendor).Select(k => k.ToString().ToLowerInvariant()));
        output.WriteLine(
            $"Default for train and compare: {(requestedBy == "default" ? $"{MklControl.ProviderVariable} unset, so auto" : $"{MklControl.ProviderVariable}={requested}")} -> {chosen} " +
            $"(auto on this {vendor} CPU tries {order}, then managed; --provider overrides it)");

        output.WriteLine();
        output.WriteLine($"Matrix product check: C = A * B, {n}x{n} float64 (random, fixed seeds), best of {repeat}, {threads} thread{(threads == 1 ? string.Empty : "s")}");
        var a = Matrix<double>.Build.Random(n, n, 1).AsColumnMajorArray();
        var b = Matrix<double>.Build.Random(n, n, 2).AsColumnMajorArray();
        var flops = 2.0 * n * n * n;
        var (managedSeconds, reference) = Time(managed, a, b, n, repeat);
        var rows = new List<IReadOnlyList<string>> { Row("managed", managedSeconds, flops, "reference") };
        var disagree = new List<string>();
        foreach (var name in new[] { "mkl", "openblas" })
        {
            var native = natives.FirstOrDefault(x => x.Name == name).Provider;
            if (native is null)
            {
                rows.Add([name, "-", "-", "not available"]);
                continue;
            }

            var (seconds, product) = Time(native, a, b, n, repeat);
            var scale = reference.Max(Math.Abs);
            var difference = reference.Zip(product, (x, y) => Math.Abs(x - y)).Max() / (scale == 0 ? 1 : scale);
            var agree = difference <= Tolerance;
            rows.Add(Row(
                name,
                seconds,
                flops,
                $"max |C_{name} - C_managed| / max |C_managed| = {Text.Sci(difference)} ({(agree ? "agree" : "DISAGREE")}); {Text.F(managedSeconds / seconds, 1)}x faster"));
            if (!agree)
            {
                disagree.Add(name);
            }
        }

        foreach (var line in Text.Table(["Provider", "Time", "GFLOP/s", "Check"], rows, new HashSet<int> { 1, 2 }))
        {
            output.WriteLine(line);
        }

        if (disagree.Count > 0)
        {
            return Cli.Fail(
                host, ExitCodes.Provider, $"error: provider: the {string.Join(" and ", disagree)} product differs from the managed one by more than {Text.Sci(Tolerance)} (relative).");
        }

        return ExitCodes.Success;
    }

    private static IReadOnlyList<string> Row(string name, double seconds, double flops, string check) =>
        [name, $"{Text.F(seconds * 1000, 2)} ms", Text.F(flops / seconds / 1e9, 2), check];

    private static (double Seconds, double[] Product) Time(ILinearAlgebraProvider provider, double[] a, double[] b, int n, int repeat)
    {
        var c = new double[n * n];
        provider.MatrixMultiply(a, n, n, b, n, n, c); // warm-up (first-call costs, page faults)
        var best = double.PositiveInfinity;
        for (var i = 0; i < repeat; i++)
        {
            var start = Stopwatch.GetTimestamp();
            provider.MatrixMultiply(a, n, n, b, n, n, c);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return (best, c);
    }
}
