using Regularization.Mkl.Native;

namespace Regularization.Mkl.Tests;

/// <summary>
/// The MKL policy of the test suite. In CI (environment variable <c>CI</c> set) or with
/// <c>REGULARIZATION_REQUIRE_MKL=1</c>, MKL is installed and a missing or broken MKL must fail the run, so MKL tests
/// run (and fail with the reason). Elsewhere they are skipped with a message that says why and how to install MKL.
/// </summary>
internal static class MklRequirement
{
    private static readonly Lazy<(bool Available, string? Reason)> Probe = new(() =>
    {
        var ok = MklRuntime.TryStart(null, out var reason);
        return (ok, reason);
    });

    /// <summary>True when MKL is installed and started.</summary>
    public static bool Available => Probe.Value.Available;

    /// <summary>Why MKL is not available, or null.</summary>
    public static string? Reason => Probe.Value.Reason;

    /// <summary>True when a missing MKL must fail the tests.</summary>
    public static bool Required => IsRequired(Environment.GetEnvironmentVariable("CI"), Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_MKL"));

    /// <summary>The skip message for MKL tests, or null when they must run.</summary>
    public static string? SkipReason => Decide(Available, Reason, Required);

    /// <summary>The policy as a pure function: null (run) or the skip message.</summary>
    public static string? Decide(bool available, string? reason, bool required) =>
        available || required
            ? null
            : $"Intel MKL is not available on this machine ({reason?.TrimEnd('.')}); MKL tests are skipped. They run, and a missing MKL fails them, " +
              "when CI or REGULARIZATION_REQUIRE_MKL=1 is set. Install MKL with .ci/install-mkl (Debian: non-free, apt-get install libmkl-rt).";

    /// <summary>CI set to anything non-empty, or REGULARIZATION_REQUIRE_MKL=1.</summary>
    public static bool IsRequired(string? ci, string? requireMkl) =>
        !string.IsNullOrEmpty(ci) || string.Equals(requireMkl?.Trim(), "1", StringComparison.Ordinal);

    /// <summary>Starts MKL or fails the test with the reason (used at the top of every MKL test).</summary>
    public static void Assert()
    {
        if (!Available)
        {
            throw new MklUnavailableException(
                $"{Reason} (MKL is required here: CI or REGULARIZATION_REQUIRE_MKL=1 is set)");
        }
    }
}

/// <summary>A fact that needs MKL: skipped with a reason when MKL is missing and not required, run (and failing) when required.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MklFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when MKL is unavailable and not required.</summary>
    public MklFactAttribute()
    {
        if (MklRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs MKL; see <see cref="MklFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MklTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when MKL is unavailable and not required.</summary>
    public MklTheoryAttribute()
    {
        if (MklRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// The OpenBLAS policy of the test suite, as <see cref="MklRequirement"/>: required (tests run and fail) in CI or with
/// <c>REGULARIZATION_REQUIRE_OPENBLAS=1</c>, skipped with the reason elsewhere.
/// </summary>
internal static class OpenBlasRequirement
{
    private static readonly Lazy<(bool Available, string? Reason)> Probe = new(() =>
    {
        var ok = OpenBlasRuntime.TryStart(1, null, out var reason);
        return (ok, reason);
    });

    /// <summary>True when OpenBLAS is installed and started.</summary>
    public static bool Available => Probe.Value.Available;

    /// <summary>The skip message for OpenBLAS tests, or null when they must run.</summary>
    public static string? SkipReason =>
        Available || MklRequirement.IsRequired(Environment.GetEnvironmentVariable("CI"), Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_OPENBLAS"))
            ? null
            : $"OpenBLAS is not available on this machine ({Probe.Value.Reason?.TrimEnd('.')}); OpenBLAS tests are skipped. They run, and a missing " +
              "OpenBLAS fails them, when CI or REGULARIZATION_REQUIRE_OPENBLAS=1 is set. Install it with apt-get install libopenblas0.";

    /// <summary>Starts OpenBLAS or fails the test with the reason.</summary>
    public static void Assert()
    {
        if (!Available)
        {
            throw new OpenBlasUnavailableException($"{Probe.Value.Reason} (OpenBLAS is required here: CI or REGULARIZATION_REQUIRE_OPENBLAS=1 is set)");
        }
    }
}

/// <summary>
/// A fact of the provider-parametrized parity suites (MKL and OpenBLAS subclasses): skipped with the reasons when
/// either library is missing and not required, run (and failing for the missing one) when required.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NativeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a native library is unavailable and not required.</summary>
    public NativeFactAttribute() => Skip = NativeRequirement.SkipReason;
}

/// <summary>A theory of the provider-parametrized parity suites; see <see cref="NativeFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a native library is unavailable and not required.</summary>
    public NativeTheoryAttribute() => Skip = NativeRequirement.SkipReason;
}

internal static class NativeRequirement
{
    public static string? SkipReason =>
        (MklRequirement.SkipReason, OpenBlasRequirement.SkipReason) switch
        {
            (null, null) => null,
            (var mkl, null) => mkl,
            (null, var openBlas) => openBlas,
            (var mkl, var openBlas) => $"{mkl} {openBlas}",
        };
}

/// <summary>A fact that needs OpenBLAS alone: skipped when it is unavailable and not required (REGULARIZATION_REQUIRE_OPENBLAS=1 or CI).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenBlasFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when OpenBLAS is unavailable and not required.</summary>
    public OpenBlasFactAttribute() => Skip = OpenBlasRequirement.SkipReason;
}
