using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Multiplies updates by a constant: <c>u' = factor * u</c>. <c>Scale(-1)</c> turns descent into ascent (PyTorch's
/// <c>maximize=True</c> negates the gradient first). See <see cref="Transforms.Scale"/>.
/// </summary>
public sealed record ScaleTransform : IGradientTransform
{
    /// <summary>Creates a scaling.</summary>
    /// <param name="factor">A finite factor.</param>
    public ScaleTransform(double factor)
    {
        Factor = Validate.Finite(factor, nameof(factor));
    }

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return EmptyState.Instance;
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        Validate.State<EmptyState>(state, this);
        var result = Buffers.Compute(parameters, (i, d) => Kernels.Scale(Buffers.Data(u[i]), Factor, d));
        return new Step(result, state);
    }
}
