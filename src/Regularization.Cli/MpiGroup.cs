using Regularization.Mpi;
using Regularization.Training;

namespace Regularization.Cli;

/// <summary>
/// Open MPI's <c>MPI_COMM_WORLD</c> as the trainer's data-parallel group (one <c>MPI_Allreduce</c> for the gradients
/// of a step, one flattened buffer through <see cref="GradientReducer{T}"/>, and one for its few statistics) and as
/// the tuner's evaluation group (one <c>MPI_Allreduce</c> of the scores per batch of evaluations).
/// </summary>
internal sealed class MpiGroup : IDataParallelGroup, Regularization.Tuning.IEvaluationGroup
{
    private readonly MpiWorld _world;
    private GradientReducer<double>? _double;
    private GradientReducer<float>? _single;

    public MpiGroup(MpiWorld world) => _world = world;

    public int Rank => _world.Rank;

    public int Size => _world.Size;

    public void SumInPlace(Span<double> values) => _world.AllReduce(values, MpiOp.Sum);

    public void SumInPlace<T>(ParamSet<T> gradients)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (gradients is ParamSet<double> d)
        {
            (_double ??= new GradientReducer<double>(_world, d)).SumInPlace(d);
        }
        else if (gradients is ParamSet<float> f)
        {
            (_single ??= new GradientReducer<float>(_world, f)).SumInPlace(f);
        }
        else
        {
            throw new NotSupportedException($"Gradients of {typeof(T).Name} cannot be summed over MPI (float and double only).");
        }
    }
}
