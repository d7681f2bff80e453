namespace Regularization;

/// <summary>
/// Applies a transform to the parameters a mask includes; the updates of the others pass through unchanged.
/// The inner state covers the included parameters only (<see cref="MaskedState"/>). See <see cref="Transforms.Masked"/>.
/// </summary>
/// <remarks>
/// The mask is evaluated on the parameters (names and shapes), so it selects the same parameters at every step.
/// A mask that includes nothing makes the transform the identity; one that includes everything makes it the inner transform.
/// </remarks>
public sealed record MaskedTransform : IGradientTransform
{
    /// <summary>Creates a masked transform.</summary>
    /// <param name="inner">The transform to apply to the included parameters.</param>
    /// <param name="mask">Which parameters it applies to.</param>
    public MaskedTransform(IGradientTransform inner, Mask mask)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Mask = mask ?? throw new ArgumentNullException(nameof(mask));
    }

    /// <summary>The inner transform.</summary>
    public IGradientTransform Inner { get; }

    /// <summary>The mask.</summary>
    public Mask Mask { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new MaskedState(Inner.Init(Mask.Select(parameters)));
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Internal.Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var masked = Internal.Validate.State<MaskedState>(state, this);
        var items = parameters.Items;
        var included = new List<int>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            if (Mask.Includes(items[i]))
            {
                included.Add(i);
            }
        }

        var subParams = new ParamSet(included.Select(i => items[i]));
        var subUpdates = new ParamSet(included.Select(i => u[i]));
        var step = Inner.Update(subUpdates, masked.Inner, subParams);
        var inner = Internal.Validate.Aligned(subParams, "updates returned by the inner transform", step.Updates, "parameters");
        var result = new Param[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            result[i] = u[i];
        }

        for (var k = 0; k < included.Count; k++)
        {
            result[included[k]] = inner[k];
        }

        return new Step(new ParamSet(result), new MaskedState(step.State));
    }
}
