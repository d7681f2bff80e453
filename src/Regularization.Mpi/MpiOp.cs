namespace Regularization.Mpi;

/// <summary>A predefined MPI reduction (<c>MPI_SUM</c>, <c>MPI_MAX</c>, <c>MPI_MIN</c>).</summary>
public enum MpiOp
{
    /// <summary><c>MPI_SUM</c>: the element-wise sum over ranks.</summary>
    Sum = 0,

    /// <summary><c>MPI_MAX</c>: the element-wise maximum over ranks.</summary>
    Max = 1,

    /// <summary><c>MPI_MIN</c>: the element-wise minimum over ranks.</summary>
    Min = 2,
}
