using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Regularization.Mkl.Tests;

/// <summary>
/// The test assembly run as a program (<c>dotnet Regularization.Mkl.Tests.dll scenario</c>): MKL start-up is once per
/// process, so scenarios that need a fresh process (a missing library, GNU threading, CBWR, hostile environment
/// variables) run here, and the tests check the output and that the process did not die.
/// </summary>
public static class ChildProcess
{
    /// <summary>Entry point of the child: runs one scenario and prints <c>key=value</c> lines.</summary>
    /// <param name="args">The scenario name.</param>
    /// <returns>0 when the scenario ran to its end.</returns>
    public static int Main(string[] args)
    {
        var scenario = args.Length > 0 ? args[0] : string.Empty;
        switch (scenario)
        {
            case "try-use":
                {
                    var ok = MklControl.TryUse();
                    Console.WriteLine($"tryuse={ok}");
                    Console.WriteLine($"provider={LinearAlgebraControl.Provider.GetType().Name}");
                    try
                    {
                        MklControl.Use();
                        Console.WriteLine("use=ok");
                    }
                    catch (MklUnavailableException e)
                    {
                        Console.WriteLine($"use=threw {e.GetType().Name}: {e.Message}");
                    }

                    Console.WriteLine($"describe={MklControl.Describe()}");
                    var selection = MklControl.UseFromEnvironment();
                    Console.WriteLine($"selection={selection.Kind}");
                    break;
                }

            case "from-environment":
                {
                    var selection = MklControl.UseFromEnvironment();
                    Console.WriteLine($"selection={selection.Kind}");
                    Console.WriteLine($"describe={MklControl.Describe()}");
                    Console.WriteLine($"gemm-error={GemmError().ToString("E3", CultureInfo.InvariantCulture)}");
                    if (selection.Kind == ProviderKind.Mkl)
                    {
                        // The product above is small (m*n*k < 2^19): it ran on one thread, and the count is restored after it.
                        Console.WriteLine($"threads-after={Regularization.Mkl.Native.MklRuntime.MaxThreads()}");
                    }

                    break;
                }

            case "openblas-try-use":
                {
                    var ok = OpenBlasControl.TryUse(2, out var reason);
                    Console.WriteLine($"tryuse={ok}");
                    Console.WriteLine($"reason={reason}");
                    Console.WriteLine($"provider={LinearAlgebraControl.Provider.GetType().Name}");
                    if (ok)
                    {
                        Console.WriteLine($"describe={OpenBlasControl.Describe()}");
                        Console.WriteLine($"gemm-error={GemmError().ToString("E3", CultureInfo.InvariantCulture)}");
                    }

                    break;
                }

            case "idle-cpu":
                {
                    // Two threads on large products, then nothing: how much CPU the process burns while idle.
                    var ok = args[1] == "mkl"
                        ? MklControl.TryUse(new MklOptions { Threading = MklThreading.Gnu, Threads = 2 })
                        : OpenBlasControl.TryUse(2);
                    Console.WriteLine($"started={ok}");
                    var a = Matrix<double>.Build.Random(256, 256, 1);
                    for (var i = 0; i < 40; i++)
                    {
                        _ = a * a;
                    }

                    using var self = Process.GetCurrentProcess();
                    Thread.Sleep(300); // the libraries' spin windows: libgomp well under 1 ms, OpenBLAS about 0.1 s
                    self.Refresh();
                    var before = self.TotalProcessorTime;
                    Thread.Sleep(1000);
                    self.Refresh();
                    Console.WriteLine($"idle-cpu-seconds={(self.TotalProcessorTime - before).TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)}");
                    break;
                }

            default:
                Console.Error.WriteLine($"unknown scenario '{scenario}'");
                return 2;
        }

        Console.WriteLine("end=reached");
        return 0;
    }

    /// <summary>
    /// Makes OpenBLAS unavailable in the child, so that <c>auto</c> reaches MKL (and then managed) on any CPU: on
    /// AMD it tries OpenBLAS first.
    /// </summary>
    internal static readonly (string Name, string? Value) NoOpenBlas = ("REGULARIZATION_OPENBLAS_PATH", "/nonexistent/libopenblas.so.0");

    /// <summary>Runs a scenario in a child process with extra environment variables.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="environment">Variables to set (null value: remove).</param>
    /// <returns>Exit code, standard output and standard error.</returns>
    internal static (int ExitCode, string Output, string Error) Run(string scenario, params (string Name, string? Value)[] environment)
    {
        var assembly = typeof(ChildProcess).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // The test host is not the dotnet muxer: find the muxer next to the runtime.
            start.FileName = "dotnet";
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        foreach (var word in scenario.Split(' '))
        {
            start.ArgumentList.Add(word);
        }

        foreach (var name in new[] { "REGULARIZATION_PROVIDER", "REGULARIZATION_MKL_PATH", "REGULARIZATION_MKL_THREADING", "REGULARIZATION_MKL_THREADS", "REGULARIZATION_MKL_CBWR", "REGULARIZATION_OPENBLAS_PATH" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The child scenario '{scenario}' did not finish in 60 s.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Max |MKL - managed| of a 64x48 by 48x40 product through the global provider.</summary>
    private static double GemmError()
    {
        var a = Matrix<double>.Build.Random(64, 48, 1);
        var b = Matrix<double>.Build.Random(48, 40, 2);
        var c = a * b;
        var expected = new double[64 * 40];
        ManagedLinearAlgebraProvider.Instance.MatrixMultiply(a.ToColumnMajorArray(), 64, 48, b.ToColumnMajorArray(), 48, 40, expected);
        return c.ToColumnMajorArray().Zip(expected, (x, y) => Math.Abs(x - y)).Max();
    }
}
