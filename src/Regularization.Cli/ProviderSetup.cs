using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Mkl;

namespace Regularization.Cli;

/// <summary>The provider a command runs on, as chosen by <see cref="ProviderSetup.Select"/>.</summary>
/// <param name="Kind">Managed, MKL or OpenBLAS.</param>
/// <param name="Requested">What was asked for: <c>auto</c>, <c>mkl</c>, <c>openblas</c> or <c>managed</c>.</param>
/// <param name="RequestedBy">Where the request came from: <c>--provider</c>, <c>REGULARIZATION_PROVIDER</c> or the default.</param>
/// <param name="Threads">Native threads for large products (MKL: GNU OpenMP; OpenBLAS: pthreads) and MathNet's MaxDegreeOfParallelism.</param>
/// <param name="Description">The native library's description (<see cref="MklControl.Describe"/>, <see cref="OpenBlasControl.Describe"/>) when one is in use.</param>
/// <param name="FallbackReason">Why <c>auto</c> did not use a native library it tried (MKL, OpenBLAS), or null.</param>
internal sealed record ProviderInfo(ProviderKind Kind, string Requested, string RequestedBy, int Threads, string? Description, string? FallbackReason)
{
    /// <summary><c>mkl</c>, <c>openblas</c> or <c>managed</c>.</summary>
    public string Name => Kind.ToString().ToLowerInvariant();

    /// <summary>One line for people: the provider, its version and threading, or why no native library was used.</summary>
    public string Summary
    {
        get
        {
            var text = Kind switch
            {
                ProviderKind.Mkl => MklSummary(),
                ProviderKind.OpenBlas => OpenBlasSummary(),
                _ => $"managed (MathNet.Numerics {ProviderSetup.MathNetVersion} managed provider; MaxDegreeOfParallelism {Threads})",
            };
            return FallbackReason is null ? text : $"{text}; {(Kind == ProviderKind.Managed ? "native BLAS" : "other library")} not used: {FallbackReason}";
        }
    }

    private string MklSummary()
    {
        var parts = ProviderSetup.MklParts(Description ?? string.Empty);
        return $"MKL ({parts.Version}; threading {parts.Threading}; threads {parts.Threads})";
    }

    private string OpenBlasSummary()
    {
        var parts = (Description ?? string.Empty).Split("; ", StringSplitOptions.TrimEntries);
        return $"OpenBLAS ({string.Join("; ", parts.Where(p => !p.StartsWith("library ", StringComparison.Ordinal) && !p.StartsWith("MathNet provider", StringComparison.Ordinal)))})";
    }
}

/// <summary>Chooses MathNet's linear-algebra provider for a command, once, before any matrix work.</summary>
internal static class ProviderSetup
{
    /// <summary>The values of <c>--provider</c> and <c>REGULARIZATION_PROVIDER</c>.</summary>
    public static readonly string[] Choices = ["auto", "mkl", "openblas", "managed"];

    public static string MathNetVersion =>
        typeof(Matrix<double>).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "?";

    /// <summary>
    /// Selects the provider: <paramref name="option"/> (<c>--provider</c>) if given, else <c>REGULARIZATION_PROVIDER</c>,
    /// else <c>auto</c>. <c>mkl</c> and <c>openblas</c> start that library with <paramref name="threads"/> threads or fail
    /// with exit code 5; <c>auto</c> tries the native libraries in <see cref="OpenBlasControl.PreferredOrder"/> for
    /// this CPU's vendor (OpenBLAS first on AMD and other non-Intel CPUs, MKL first on Intel) and falls back to managed,
    /// with the reasons. MKL is started with the GNU OpenMP threading layer (fixed at its first start in a process;
    /// only the count may change later), keeping the library path and CBWR mode of the <c>REGULARIZATION_MKL_*</c> variables.
    /// </summary>
    public static ProviderInfo Select(string? option, int threads, CliHost host)
    {
        var (requested, requestedBy) = Requested(option, host);
        Control.MaxDegreeOfParallelism = threads;
        if (requested == "managed")
        {
            MklControl.UseManaged();
            return new ProviderInfo(ProviderKind.Managed, requested, requestedBy, threads, null, null);
        }

        var order = requested switch
        {
            "mkl" => [ProviderKind.Mkl],
            "openblas" => [ProviderKind.OpenBlas],
            _ => OpenBlasControl.PreferredOrder(OpenBlasControl.CpuVendor),
        };
        var reasons = new List<string>();
        foreach (var kind in order)
        {
            var (ok, description, reason, message) = kind == ProviderKind.Mkl ? TryMkl(threads) : TryOpenBlas(threads);
            if (ok)
            {
                return new ProviderInfo(kind, requested, requestedBy, threads, description, reasons.Count == 0 ? null : string.Join("; ", reasons));
            }

            if (requested != "auto")
            {
                var asked = requestedBy == "--provider" ? $"--provider {requested}" : $"{MklControl.ProviderVariable}={requested}";
                throw new CliException(
                    ExitCodes.Provider,
                    $"provider: {asked} asks for {(kind == ProviderKind.Mkl ? "Intel MKL" : "OpenBLAS")}, but {message}");
            }

            reasons.Add(kind == ProviderKind.Mkl ? $"MKL: {reason}" : $"OpenBLAS: {reason}");
        }

        MklControl.UseManaged();
        return new ProviderInfo(ProviderKind.Managed, requested, requestedBy, threads, null, string.Join("; ", reasons));
    }

    /// <summary>What was asked for, and by whom; an unknown value of the variable is a usage error.</summary>
    public static (string Requested, string RequestedBy) Requested(string? option, CliHost host)
    {
        if (option is not null)
        {
            return (option, "--provider");
        }

        var raw = host.Environment(MklControl.ProviderVariable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return ("auto", "default");
        }

        var requested = raw.Trim().ToLowerInvariant();
        if (!Choices.Contains(requested))
        {
            throw CliException.Usage($"{MklControl.ProviderVariable}='{raw}' is not one of {string.Join(", ", Choices)} (or use --provider).");
        }

        return (requested, MklControl.ProviderVariable);
    }

    /// <summary>Starts MKL (GNU threading, <paramref name="threads"/> threads) and makes it the provider; on failure the reason, and the message with the fix.</summary>
    public static (bool Ok, string? Description, string? Reason, string? Message) TryMkl(int threads)
    {
        MklOptions options;
        try
        {
            options = MklOptions.FromEnvironment() with { Threading = MklThreading.Gnu, Threads = threads };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }

        try
        {
            MklControl.Use(options);
            return (true, MklControl.Describe(), null, null);
        }
        catch (MklUnavailableException e)
        {
            return (false, null, e.Reason, e.Message);
        }
    }

    /// <summary>Starts OpenBLAS with <paramref name="threads"/> threads and makes it the provider.</summary>
    public static (bool Ok, string? Description, string? Reason, string? Message) TryOpenBlas(int threads)
    {
        try
        {
            OpenBlasControl.Use(threads);
            return (true, OpenBlasControl.Describe(), null, null);
        }
        catch (OpenBlasUnavailableException e)
        {
            return (false, null, e.Reason, e.Message);
        }
    }

    /// <summary>Pieces of <see cref="MklControl.Describe"/>: version, threading layer, threads, and the rest.</summary>
    public static (string Version, string Threading, string Threads, IReadOnlyList<string> Details) MklParts(string description)
    {
        var parts = description.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string Find(string prefix) =>
            parts.FirstOrDefault(p => p.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..] ?? "?";
        var version = parts.Length > 0 ? parts[0] : "Intel MKL";
        var cut = version.IndexOf(" for Intel(R) 64", StringComparison.Ordinal);
        if (cut > 0)
        {
            version = version[..cut];
        }

        return (version, Find("threading "), Find("threads "), parts.Skip(1).Where(p => !p.StartsWith("MathNet provider", StringComparison.Ordinal)).ToList());
    }
}
