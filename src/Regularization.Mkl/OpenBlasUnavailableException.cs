namespace Regularization.Mkl;

/// <summary>
/// OpenBLAS cannot be used: <c>libopenblas.so.0</c> is missing, damaged, or lacks the CBLAS or LAPACK entry points.
/// The message says which, and how to install it.
/// </summary>
public sealed class OpenBlasUnavailableException : NativeLibraryUnavailableException
{
    /// <summary>The install instructions appended to every message.</summary>
    public const string InstallHint =
        "To install OpenBLAS on Debian or Ubuntu: 'apt-get install libopenblas0' (pulls in libopenblas0-pthread); elsewhere point " +
        Native.OpenBlasRuntime.LibraryPathVariable + " at libopenblas.so.0.";

    /// <summary>Creates the exception with a reason; the install instructions are appended.</summary>
    /// <param name="reason">Why OpenBLAS cannot be used.</param>
    public OpenBlasUnavailableException(string reason)
        : base("OpenBLAS", reason, InstallHint, null)
    {
    }

    /// <summary>Creates the exception with a reason and the exception that caused it.</summary>
    /// <param name="reason">Why OpenBLAS cannot be used.</param>
    /// <param name="innerException">The cause.</param>
    public OpenBlasUnavailableException(string reason, Exception innerException)
        : base("OpenBLAS", reason, InstallHint, innerException)
    {
    }
}
