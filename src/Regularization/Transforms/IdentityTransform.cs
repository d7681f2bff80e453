namespace Regularization;

/// <summary>Passes updates through unchanged. See <see cref="Transforms.Identity"/>.</summary>
public sealed record IdentityTransform : IGradientTransform
{
    private IdentityTransform()
    {
    }

    /// <summary>The only instance.</summary>
    public static IdentityTransform Instance { get; } = new();

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
        Internal.Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        Internal.Validate.State<EmptyState>(state, this);
        return new Step(updates, state);
    }
}
