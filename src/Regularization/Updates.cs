using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>Applies updates to parameters: the last step of every optimizer step.</summary>
public static class Updates
{
    /// <summary>
    /// The new parameters <c>p + u</c>, element by element, as new matrices. <paramref name="updates"/> must hold the same
    /// names (in any order) and shapes as <paramref name="parameters"/>; the result keeps the order of <paramref name="parameters"/>.
    /// </summary>
    /// <param name="parameters">The current parameters.</param>
    /// <param name="updates">The updates from <see cref="IGradientTransform.Update"/>.</param>
    /// <returns>The new parameters.</returns>
    /// <exception cref="ArgumentException">Names or shapes differ; the message names the parameter.</exception>
    /// <example>
    /// <code>
    /// var step = optimizer.Update(gradients, state, parameters);
    /// parameters = Updates.Apply(parameters, step.Updates);
    /// </code>
    /// </example>
    [Pure]
    public static ParamSet Apply(ParamSet parameters, ParamSet updates)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var p = parameters.Items;
        return Buffers.Compute(parameters, (i, d) => Kernels.Add(Buffers.Data(p[i]), Buffers.Data(u[i]), d));
    }

    /// <summary>
    /// One whole optimizer step: <c>Update</c>, then <see cref="Apply"/>. Returns the new parameters and the new state.
    /// </summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="gradients">The loss gradients, named and shaped like <paramref name="parameters"/>.</param>
    /// <param name="state">The optimizer state.</param>
    /// <param name="parameters">The current parameters.</param>
    /// <returns>The new parameters and state.</returns>
    /// <example>
    /// F#: <c>let next = Updates.Step(opt, grads, state, ps) in loop next.Parameters next.State</c>.
    /// </example>
    [Pure]
    public static StepResult Step(IGradientTransform transform, ParamSet gradients, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(transform);
        var step = transform.Update(gradients, state, parameters);
        return new StepResult(Apply(parameters, step.Updates), step.State);
    }
}

/// <summary>The result of <see cref="Updates.Step"/>: new parameters and new optimizer state.</summary>
public sealed record StepResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="parameters">The new parameters.</param>
    /// <param name="state">The new state.</param>
    public StepResult(ParamSet parameters, TransformState state)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        State = state ?? throw new ArgumentNullException(nameof(state));
    }

    /// <summary>The new parameters.</summary>
    public ParamSet Parameters { get; }

    /// <summary>The new optimizer state.</summary>
    public TransformState State { get; }
}
