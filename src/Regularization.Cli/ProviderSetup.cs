using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Mkl;

namespace Regularization.Cli;

/// <summary>The provider a command runs on, as chosen by <see cref="ProviderSetup.Select"/>.</summary>
/// <param name="Kind">Managed or MKL.</param>
/// <param name="Requested">What was asked for: <c>auto</c>, <c>mkl</c> or <c>managed</c>.</param>
/// <param name="RequestedBy">Where the request came from: <c>--provider</c>, <c>REGULARIZATION_PROVIDER</c> or the default.</param>
/// <param name="Threads">MKL threads (GNU OpenMP) and MathNet's MaxDegreeOfParallelism.</param>
/// <param name="MklDescription">The MKL description (<see cref="MklControl.Describe"/>) when MKL is in use.</param>
/// <param name="FallbackReason">Why <c>auto</c> fell back to the managed provider.</param>
internal sealed record ProviderInfo(ProviderKind Kind, string Requested, string RequestedBy, int Threads, string? MklDescription, string? FallbackReason)
{
    /// <summary><c>mkl</c> or <c>managed</c>.</summary>
    public string Name => Kind == ProviderKind.Mkl ? "mkl" : "managed";

    /// <summary>One line for people: the provider, the MKL version and threading, or why MKL was not used.</summary>
    public string Summary
    {
        get
        {
            if (Kind == ProviderKind.Mkl)
            {
                var parts = ProviderSetup.MklParts(MklDescription ?? string.Empty);
                return $"MKL ({parts.Version}; threading {parts.Threading}; threads {parts.Threads})";
            }

            var text = $"managed (MathNet.Numerics {ProviderSetup.MathNetVersion} managed provider; MaxDegreeOfParallelism {Threads})";
            return FallbackReason is null ? text : $"{text}; MKL not used: {FallbackReason}";
        }
    }
}

/// <summary>Chooses MathNet's linear-algebra provider for a command, once, before any matrix work.</summary>
internal static class ProviderSetup
{
    public static string MathNetVersion =>
        typeof(Matrix<double>).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "?";

    /// <summary>
    /// Selects the provider: <paramref name="option"/> (<c>--provider</c>) if given, else <c>REGULARIZATION_PROVIDER</c>,
    /// else <c>auto</c>. MKL is started with the GNU OpenMP threading layer and <paramref name="threads"/> threads (the
    /// layer is fixed at MKL's first start in a process; only the count may change later), keeping the library path and
    /// CBWR mode of the <c>REGULARIZATION_MKL_*</c> variables. <c>auto</c> falls back to managed with the reason.
    /// </summary>
    public static ProviderInfo Select(string? option, int threads, CliHost host)
    {
        string requested, requestedBy;
        if (option is not null)
        {
            (requested, requestedBy) = (option, "--provider");
        }
        else
        {
            var raw = host.Environment(MklControl.ProviderVariable);
            if (string.IsNullOrWhiteSpace(raw))
            {
                (requested, requestedBy) = ("auto", "default");
            }
            else
            {
                requested = raw.Trim().ToLowerInvariant();
                requestedBy = MklControl.ProviderVariable;
                if (requested is not ("auto" or "mkl" or "managed"))
                {
                    throw CliException.Usage($"{MklControl.ProviderVariable}='{raw}' is not one of auto, mkl, managed (or use --provider).");
                }
            }
        }

        Control.MaxDegreeOfParallelism = threads;
        if (requested == "managed")
        {
            MklControl.UseManaged();
            return new ProviderInfo(ProviderKind.Managed, requested, requestedBy, threads, null, null);
        }

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
            return new ProviderInfo(ProviderKind.Mkl, requested, requestedBy, threads, MklControl.Describe(), null);
        }
        catch (MklUnavailableException e)
        {
            if (requested == "mkl")
            {
                var asked = requestedBy == "--provider" ? "--provider mkl" : $"{MklControl.ProviderVariable}=mkl";
                throw new CliException(ExitCodes.Provider, $"provider: {asked} asks for Intel MKL, but {e.Message}", e);
            }

            MklControl.UseManaged();
            return new ProviderInfo(ProviderKind.Managed, requested, requestedBy, threads, null, e.Reason);
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
