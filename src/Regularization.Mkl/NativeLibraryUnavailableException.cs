namespace Regularization.Mkl;

/// <summary>
/// A native BLAS library cannot be used: missing, damaged (for example truncated), foreign, or started with other
/// options. The message gives the reason and then how to install the library; <see cref="Reason"/> is the reason alone.
/// </summary>
public abstract class NativeLibraryUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception: <c>"{library} is not usable: {reason} {installHint}"</c>.</summary>
    /// <param name="library">The library's name, e.g. <c>Intel MKL</c>.</param>
    /// <param name="reason">Why it cannot be used.</param>
    /// <param name="installHint">How to install it.</param>
    /// <param name="innerException">The cause, or null.</param>
    private protected NativeLibraryUnavailableException(string library, string reason, string installHint, Exception? innerException)
        : base($"{library} is not usable: {reason} {installHint}", innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the library cannot be used, without the install instructions.</summary>
    public string Reason { get; }
}
