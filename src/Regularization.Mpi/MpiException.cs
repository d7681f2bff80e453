namespace Regularization.Mpi;

/// <summary>An MPI call returned an error code (only possible when the communicator's error handler returns errors).</summary>
public sealed class MpiException : InvalidOperationException
{
    /// <summary>Creates the exception: <c>"{call} failed with MPI error code {errorCode}."</c>.</summary>
    /// <param name="call">The MPI function, e.g. <c>MPI_Allreduce</c>.</param>
    /// <param name="errorCode">Its return value.</param>
    public MpiException(string call, int errorCode)
        : base($"{call} failed with MPI error code {errorCode}.")
    {
        Call = call;
        ErrorCode = errorCode;
    }

    /// <summary>The MPI function that failed.</summary>
    public string Call { get; }

    /// <summary>The error code it returned.</summary>
    public int ErrorCode { get; }
}
