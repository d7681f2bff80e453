using System.Globalization;
using System.Text;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <summary>Which linear-algebra provider a selection installed.</summary>
public enum ProviderKind
{
    /// <summary>MathNet's managed provider (<see cref="ManagedLinearAlgebraProvider"/>).</summary>
    Managed = 0,

    /// <summary>Intel MKL through <see cref="MklLinearAlgebraProvider"/>.</summary>
    Mkl = 1,

    /// <summary>OpenBLAS through <see cref="OpenBlasLinearAlgebraProvider"/>.</summary>
    OpenBlas = 2,
}

/// <summary>The outcome of <see cref="MklControl.UseFromEnvironment"/>.</summary>
/// <param name="Kind">The provider now in <c>LinearAlgebraControl.Provider</c>.</param>
/// <param name="Requested">What was asked for: <c>auto</c>, <c>mkl</c>, <c>openblas</c> or <c>managed</c>.</param>
/// <param name="Reason">Why <c>auto</c> did not use the native libraries it tried before the chosen one, or null.</param>
public sealed record ProviderSelection(ProviderKind Kind, string Requested, string? Reason)
{
    /// <summary>One line for logs: <c>provider mkl (requested auto)</c>, with the fallback reason when there is one.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"provider {Kind.ToString().ToLowerInvariant()} (requested {Requested})" + (Reason is null ? string.Empty : $": {Reason}");
}

/// <summary>
/// Switches MathNet.Numerics between Intel MKL and its managed provider, process-wide
/// (<c>LinearAlgebraControl.Provider</c>), and describes the MKL in use.
/// </summary>
/// <remarks>
/// <para>
/// The first successful <see cref="TryUse()"/>/<see cref="Use()"/> starts MKL: it loads <c>libmkl_rt</c> (the
/// <c>REGULARIZATION_MKL_PATH</c> path, else <c>libmkl_rt.so.2</c>, else <c>libmkl_rt.so</c>), forces the LP64 interface,
/// selects the threading layer (sequential by default), optionally sets CBWR, sets the thread count and runs a smoke
/// test. The threading layer and CBWR mode are then fixed for the process.
/// </para>
/// <para>
/// <c>REGULARIZATION_PROVIDER=auto|mkl|openblas|managed</c> is honoured by <see cref="UseFromEnvironment"/>, which command-line
/// tools and benchmarks call at start-up.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var selection = MklControl.UseFromEnvironment(); // REGULARIZATION_PROVIDER, default auto
/// Console.WriteLine(selection);                    // provider mkl (requested auto)
/// Console.WriteLine(MklControl.Describe());        // Intel MKL 2020.0.4 ..., threading Sequential, threads 1, ...
/// </code>
/// </example>
public static class MklControl
{
    /// <summary>Environment variable read by <see cref="UseFromEnvironment"/>: <c>auto</c> (default), <c>mkl</c>, <c>openblas</c> or <c>managed</c>.</summary>
    public const string ProviderVariable = "REGULARIZATION_PROVIDER";

    /// <summary>
    /// Makes MKL MathNet's linear-algebra provider if it can be loaded and started with the default options (or with
    /// the configuration already running). Never throws for a missing or broken MKL and never lets it end the process.
    /// </summary>
    /// <returns>True when MKL is now the provider; false when it is not available (the provider is then unchanged).</returns>
    public static bool TryUse() => TryUseCore(null, out _);

    /// <summary>Makes MKL the provider with the given options, if possible. See <see cref="TryUse()"/>.</summary>
    /// <param name="options">Threading, threads, CBWR mode and library path.</param>
    /// <returns>True when MKL is now the provider, configured as asked.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (see <see cref="MklOptions.Validate"/>).</exception>
    public static bool TryUse(MklOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TryUseCore(options, out _);
    }

    /// <summary>Makes MKL MathNet's linear-algebra provider, or throws with the reason and install instructions.</summary>
    /// <exception cref="MklUnavailableException">
    /// MKL is missing or broken (enable Debian's non-free component and <c>apt-get install libmkl-rt</c>, or run
    /// <c>.ci/install-mkl</c>), or already running with other options.
    /// </exception>
    public static void Use() => UseCore(null);

    /// <summary>Makes MKL the provider with the given options, or throws. See <see cref="Use()"/>.</summary>
    /// <param name="options">Threading, threads, CBWR mode and library path.</param>
    /// <exception cref="MklUnavailableException">MKL is missing, broken or already running with other options.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public static void Use(MklOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        UseCore(options);
    }

    /// <summary>Makes MathNet's managed provider the linear-algebra provider (MKL stays loaded and can be selected again).</summary>
    public static void UseManaged() => LinearAlgebraControl.Provider = ManagedLinearAlgebraProvider.Instance;

    /// <summary>True when MKL is MathNet's current linear-algebra provider.</summary>
    public static bool IsInUse => LinearAlgebraControl.Provider is MklLinearAlgebraProvider;

    /// <summary>
    /// Selects the provider named by <c>REGULARIZATION_PROVIDER</c>: <c>auto</c> or unset (the native libraries in
    /// <see cref="OpenBlasControl.PreferredOrder"/> for this CPU's vendor, else managed), <c>mkl</c> or <c>openblas</c>
    /// (that library or an exception) or <c>managed</c>. MKL is started with <see cref="MklOptions.FromEnvironment"/>
    /// (<c>REGULARIZATION_MKL_THREADING</c>, <c>_THREADS</c>, <c>_CBWR</c>, <c>_PATH</c>); OpenBLAS with
    /// <c>REGULARIZATION_MKL_THREADS</c> threads (default 1) and <c>REGULARIZATION_OPENBLAS_PATH</c>.
    /// </summary>
    /// <returns>What was chosen, and why <c>auto</c> did not use the libraries it tried.</returns>
    /// <exception cref="ArgumentException">The variable (or an MKL option variable) has a value that is not allowed.</exception>
    /// <exception cref="MklUnavailableException"><c>mkl</c> was asked for and MKL cannot be used.</exception>
    /// <exception cref="OpenBlasUnavailableException"><c>openblas</c> was asked for and OpenBLAS cannot be used.</exception>
    public static ProviderSelection UseFromEnvironment()
    {
        var raw = Environment.GetEnvironmentVariable(ProviderVariable);
        var requested = string.IsNullOrWhiteSpace(raw) ? "auto" : raw.Trim().ToLowerInvariant();
        var options = requested is "managed" ? MklOptions.Default : MklOptions.FromEnvironment();
        var openBlasThreads = options.Threads ?? 1;
        switch (requested)
        {
            case "managed":
                UseManaged();
                return new ProviderSelection(ProviderKind.Managed, requested, null);
            case "mkl":
                Use(options);
                return new ProviderSelection(ProviderKind.Mkl, requested, null);
            case "openblas":
                OpenBlasControl.Use(openBlasThreads);
                return new ProviderSelection(ProviderKind.OpenBlas, requested, null);
            case "auto":
                var reasons = new List<string>();
                foreach (var kind in OpenBlasControl.PreferredOrder(OpenBlasControl.CpuVendor))
                {
                    string? reason;
                    if (kind == ProviderKind.Mkl ? TryUseCore(options, out reason) : OpenBlasControl.TryUse(openBlasThreads, out reason))
                    {
                        return new ProviderSelection(kind, requested, reasons.Count == 0 ? null : string.Join("; ", reasons));
                    }

                    reasons.Add($"{(kind == ProviderKind.Mkl ? "MKL" : "OpenBLAS")}: {reason}");
                }

                UseManaged();
                return new ProviderSelection(ProviderKind.Managed, requested, string.Join("; ", reasons));
            default:
                throw new ArgumentException($"{ProviderVariable}='{raw}' is not one of: auto, mkl, openblas, managed.");
        }
    }

    /// <summary>
    /// Describes the MKL of this process: version, the code path chosen for this CPU, interface, threading layer, thread
    /// count, CBWR branch, library file, and whether MathNet uses it. Starts MKL with the default options if it is not
    /// started yet. When MKL cannot be used, says why and how to install it. Never throws for a missing MKL.
    /// </summary>
    /// <returns>One line, for logs and benchmark headers.</returns>
    /// <example>
    /// <c>Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917 for Intel(R) 64 architecture applications;
    /// CPU path: Intel(R) Advanced Vector Extensions 512 (Intel(R) AVX-512) ...; interface LP64; threading Sequential;
    /// threads 1; CBWR branch 1 (off); library /lib/x86_64-linux-gnu/libmkl_rt.so; MathNet provider: MKL</c>
    /// </example>
    public static string Describe()
    {
        if (!MklRuntime.IsReady)
        {
            _ = MklRuntime.TryStart(null, out _);
        }

        return DescribeRuntime();
    }

    internal static string DescribeRuntime()
    {
        if (!MklRuntime.IsReady)
        {
            return $"Intel MKL not started: {MklRuntime.LastFailure ?? "not requested yet"} {MklUnavailableException.InstallHint}";
        }

        var options = MklRuntime.Active!;
        var branch = MklRuntime.CbwrBranch();
        var text = new StringBuilder();
        text.Append(MklRuntime.Version ?? "Intel MKL (unknown version)");
        if (MklRuntime.Processor is { Length: > 0 } processor)
        {
            text.Append("; CPU path: ").Append(processor);
        }

        text.Append("; interface LP64; threading ").Append(options.Threading)
            .Append("; threads ").Append(MklRuntime.MaxThreads().ToString(CultureInfo.InvariantCulture))
            .Append("; CBWR branch ").Append(branch.ToString(CultureInfo.InvariantCulture)).Append(" (").Append(CbwrName(branch)).Append(')')
            .Append("; library ").Append(MklRuntime.LoadedFrom)
            .Append("; MathNet provider: ").Append(IsInUse ? "MKL" : "managed");
        return text.ToString();
    }

    private static bool TryUseCore(MklOptions? options, out string? reason)
    {
        if (!MklRuntime.TryStart(options, out reason))
        {
            return false;
        }

        try
        {
            LinearAlgebraControl.Provider = new MklLinearAlgebraProvider(options, ProviderCutoffs.Measured);
            return true;
        }
        catch (MklUnavailableException e)
        {
            reason = e.Reason;
            return false;
        }
    }

    private static void UseCore(MklOptions? options)
    {
        MklRuntime.Start(options);
        LinearAlgebraControl.Provider = new MklLinearAlgebraProvider(options, ProviderCutoffs.Measured);
    }

    private static string CbwrName(int branch) => branch switch
    {
        0 => "off",
        1 => "off",
        2 => "auto",
        3 => "compatible",
        4 => "sse2",
        8 => "sse4_2",
        9 => "avx",
        10 => "avx2",
        12 => "avx512",
        _ => "other",
    };
}
