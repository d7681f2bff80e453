using System.Diagnostics.Contracts;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A named, dense matrix: one parameter of a model, or the gradient, update or optimizer buffer that belongs to it.
/// </summary>
/// <remarks>
/// <para>
/// Vectors (biases) are matrices with one column or one row. The value must use dense storage
/// (<c>Matrix&lt;double&gt;.Build.Dense(...)</c>): the update kernels work on the column-major array behind it.
/// </para>
/// <para>
/// Equality is by value: same name (ordinal), same shape, and every element equal under <see cref="double.Equals(double)"/>
/// (so <c>NaN</c> equals <c>NaN</c> and <c>0.0</c> equals <c>-0.0</c>).
/// MathNet matrices are mutable; every function of this library treats a <see cref="Param"/> it receives as read-only
/// and returns new matrices. The property suite checks that rule.
/// </para>
/// <example>
/// <code>
/// var weight = new Param("fc1.weight", Matrix&lt;double&gt;.Build.Dense(128, 784));
/// var bias = new Param("fc1.bias", Matrix&lt;double&gt;.Build.Dense(128, 1));
/// </code>
/// </example>
/// </remarks>
public sealed record Param
{
    /// <summary>Creates a parameter.</summary>
    /// <param name="name">A non-empty name, unique within a <see cref="ParamSet"/> (for example <c>fc1.weight</c>).</param>
    /// <param name="value">A dense matrix; it is not copied.</param>
    /// <exception cref="ArgumentException">The name is empty or white space, or the matrix is not dense.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public Param(string name, Matrix<double> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A parameter name must not be empty or white space.", nameof(name));
        }

        if (value.AsColumnMajorArray() is null)
        {
            throw new ArgumentException(
                $"Parameter '{name}': the value must be a dense matrix (Matrix<double>.Build.Dense or .ToDense()), not {value.GetType().Name}.",
                nameof(value));
        }

        Name = name;
        Value = value;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The parameter's value (dense, column-major).</summary>
    public Matrix<double> Value { get; }

    /// <summary>Number of rows of <see cref="Value"/>.</summary>
    public int Rows => Value.RowCount;

    /// <summary>Number of columns of <see cref="Value"/>.</summary>
    public int Columns => Value.ColumnCount;

    /// <summary>Number of elements, <c>Rows * Columns</c>.</summary>
    public int Count => Value.RowCount * Value.ColumnCount;

    /// <summary>
    /// True when the value has one row or one column: a bias or another vector-shaped parameter, the kind the common
    /// PyTorch recipe (<c>p.ndim &lt; 2</c>) excludes from weight decay.
    /// </summary>
    public bool IsVector => Value.RowCount == 1 || Value.ColumnCount == 1;

    /// <summary>The shape as text, <c>rows x columns</c> (for example <c>128x784</c>).</summary>
    public string Shape => $"{Value.RowCount}x{Value.ColumnCount}";

    /// <summary>Returns a parameter with the same name and another value.</summary>
    /// <param name="value">The new value (dense).</param>
    [Pure]
    public Param WithValue(Matrix<double> value) => new(Name, value);

    /// <summary>Returns a parameter with the same value and another name.</summary>
    /// <param name="name">The new name.</param>
    [Pure]
    public Param WithName(string name) => new(name, Value);

    /// <summary>Returns a parameter with the same name and a deep copy of the value.</summary>
    [Pure]
    public Param Copy() => new(Name, Value.Clone());

    /// <summary>Value equality: name, shape and elements.</summary>
    /// <param name="other">The other parameter.</param>
    public bool Equals(Param? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && string.Equals(Name, other.Name, StringComparison.Ordinal)
            && Value.RowCount == other.Value.RowCount
            && Value.ColumnCount == other.Value.ColumnCount
            && Kernels.ElementsEqual(Value.AsColumnMajorArray(), other.Value.AsColumnMajorArray());
    }

    /// <summary>A hash of the name, the shape and the first elements.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.Ordinal);
        hash.Add(Value.RowCount);
        hash.Add(Value.ColumnCount);
        var data = Value.AsColumnMajorArray();
        for (var i = 0; i < Math.Min(data.Length, 16); i++)
        {
            hash.Add(data[i]);
        }

        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Shape = ").Append(Shape);
        return true;
    }
}
