using System.Text;

namespace Regularization;

/// <summary>
/// Applies transforms one after another: the updates out of each are the updates into the next, and the state is
/// the list of their states (<see cref="ChainState"/>). See <see cref="Transforms.Chain"/>.
/// </summary>
public sealed record ChainTransform : IGradientTransform
{
    private readonly IGradientTransform[] _transforms;

    /// <summary>Creates a chain.</summary>
    /// <param name="transforms">The transforms, in order; an empty chain is the identity.</param>
    public ChainTransform(IEnumerable<IGradientTransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        _transforms = transforms.ToArray();
        for (var i = 0; i < _transforms.Length; i++)
        {
            if (_transforms[i] is null)
            {
                throw new ArgumentNullException(nameof(transforms), $"Transform at index {i} is null.");
            }
        }
    }

    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<IGradientTransform> Transforms => _transforms;

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new ChainState(_transforms.Select(t => t.Init(parameters)));
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Internal.Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var chain = Internal.Validate.State<ChainState>(state, this);
        if (chain.Inner.Count != _transforms.Length)
        {
            throw new ArgumentException(
                $"'state' holds {chain.Inner.Count} states but the chain has {_transforms.Length} transforms.", nameof(state));
        }

        if (TryFused(updates, chain, parameters) is { } fused)
        {
            return fused;
        }

        var states = new TransformState[_transforms.Length];
        var current = updates;
        for (var i = 0; i < _transforms.Length; i++)
        {
            var step = _transforms[i].Update(current, chain.Inner[i], parameters);
            current = step.Updates;
            states[i] = step.State;
        }

        return new Step(current, new ChainState(states));
    }

    /// <summary>
    /// A chain of the fusable primitives (the optimizers of <see cref="Regularization.Optimizers"/>) runs in one pass per
    /// parameter with the facade's kernels, which perform exactly the primitives' operations, so that the pure step
    /// allocates only its results: the updates and the new state (a copy of the state, advanced in place).
    /// </summary>
    private Step? TryFused(ParamSet updates, ChainState state, ParamSet parameters)
    {
        if (Internal.FusedProgram.TryCompile(this, state, parameters) is null)
        {
            return null;
        }

        var next = Internal.StateCopy.Materialize(state, 0, 0, 0, 0, deepCopy: true);
        var program = Internal.FusedProgram.TryCompile(this, next, parameters)!;
        var g = Internal.Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var values = new MathNet.Numerics.LinearAlgebra.Matrix<double>[parameters.Count];
        var arrays = new double[values.Length][];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Internal.Buffers.NewLike(parameters[i]);
            arrays[i] = values[i].AsColumnMajorArray();
        }

        program.RunUpdates(parameters.Items, g, arrays);
        return new Step(parameters.WithValues(values), Internal.StateCopy.Materialize(next, 1, 0, 0, 0, deepCopy: false));
    }

    /// <summary>Value equality, transform by transform.</summary>
    /// <param name="other">The other chain.</param>
    public bool Equals(ChainTransform? other) => other is not null && _transforms.AsSpan().SequenceEqual(other._transforms);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var t in _transforms)
        {
            hash.Add(t);
        }

        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Transforms = [").Append(string.Join(", ", _transforms.Select(t => t.ToString()))).Append(']');
        return true;
    }
}
