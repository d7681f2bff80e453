namespace Regularization.Mpi;

/// <summary>
/// Open MPI cannot be used: <c>libmpi.so.40</c> is missing, is not Open MPI, or <c>MPI_Init_thread</c> failed. The
/// message gives the reason and how to install Open MPI; <see cref="Reason"/> is the reason alone.
/// </summary>
public sealed class MpiUnavailableException : InvalidOperationException
{
    /// <summary>The install instructions appended to every message.</summary>
    public const string InstallHint =
        "To install Open MPI on Debian or Ubuntu: 'apt-get install openmpi-bin libopenmpi-dev' (in this repository " +
        "'.ci/install-openmpi' does it); elsewhere install Open MPI 4 or 5 and point " + MpiWorld.LibraryPathVariable + " at its libmpi.so.40.";

    /// <summary>Creates the exception: <c>"Open MPI is not usable: {reason} {InstallHint}"</c>.</summary>
    /// <param name="reason">Why Open MPI cannot be used.</param>
    public MpiUnavailableException(string reason)
        : base($"Open MPI is not usable: {reason} {InstallHint}")
    {
        Reason = reason;
    }

    /// <summary>Why Open MPI cannot be used, without the install instructions.</summary>
    public string Reason { get; }
}
