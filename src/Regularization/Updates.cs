using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>Applying updates to parameters: <c>p' = p + u</c>, Optax's <c>apply_updates</c>.</summary>
/// <example>
/// <code>
/// var step = optimizer.Update(gradients, state, parameters);
/// parameters = Updates.Apply(parameters, step.Updates);
/// state = step.State;
/// </code>
/// </example>
public static class Updates
{
    /// <summary>Returns <c>parameters + updates</c>, element by element, as new matrices (the facade adds in place with the same operation).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="updates">The updates, named and shaped like the parameters (any order).</param>
    /// <returns>The new parameters, in the order of <paramref name="parameters"/>.</returns>
    [Pure]
    public static ParamSet<T> Apply<T>(ParamSet<T> parameters, ParamSet<T> updates)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var items = parameters.Items;
        var values = new Matrix<T>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var d = new T[items[i].Count];
            Elements.Add<T>(items[i].Value.AsColumnMajorArray(), u[i].Value.AsColumnMajorArray(), d);
            values[i] = Matrix<T>.Build.Dense(items[i].Rows, items[i].Columns, d);
        }

        return parameters.WithValues(values);
    }
}
