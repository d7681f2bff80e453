namespace Regularization.Mkl;

/// <summary>
/// Intel MKL cannot be used: <c>libmkl_rt</c> is missing, incomplete or broken, or MKL is already running in this
/// process with a threading layer or CBWR mode other than the one asked for. The message says which, and how to
/// install MKL.
/// </summary>
public sealed class MklUnavailableException : NativeLibraryUnavailableException
{
    /// <summary>The install instructions appended to every message.</summary>
    public const string InstallHint =
        "To install Intel MKL on Debian or Ubuntu: enable the 'non-free' component of the apt sources " +
        "(Components: main non-free in /etc/apt/sources.list.d/debian.sources), then 'apt-get update && apt-get install libmkl-rt'; " +
        "in this repository '.ci/install-mkl' does both. Elsewhere install Intel oneMKL and point " +
        MklOptions.LibraryPathVariable + " at libmkl_rt.so.2.";

    /// <summary>Creates the exception with a reason; the install instructions are appended.</summary>
    /// <param name="reason">Why MKL cannot be used.</param>
    public MklUnavailableException(string reason)
        : base("Intel MKL", reason, InstallHint, null)
    {
    }

    /// <summary>Creates the exception with a reason and the exception that caused it.</summary>
    /// <param name="reason">Why MKL cannot be used.</param>
    /// <param name="innerException">The cause.</param>
    public MklUnavailableException(string reason, Exception innerException)
        : base("Intel MKL", reason, InstallHint, innerException)
    {
    }
}
