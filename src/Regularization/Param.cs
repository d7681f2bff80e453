using System.Diagnostics.Contracts;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A named, dense matrix of <see cref="float"/> or <see cref="double"/>: one parameter of a model, or the gradient,
/// update or optimizer buffer that belongs to it. It knows its rank (PyTorch's <c>ndim</c>) apart from the matrix it is
/// stored in: a bias is rank 1 even though it is stored as an <c>n x 1</c> matrix, and a <c>1 x n</c> weight is rank 2.
/// </summary>
/// <typeparam name="T"><see cref="float"/> (float32) or <see cref="double"/> (float64).</typeparam>
/// <remarks>
/// <para>
/// The value must use dense storage (<c>Matrix&lt;T&gt;.Build.Dense(...)</c>): the update kernels work on the
/// column-major array behind it. A rank-1 value is stored as one column (<c>n x 1</c>, what <see cref="Param.Of{T}(string, Vector{T})"/>
/// makes) or one row (<c>1 x n</c>, handy for broadcasting a bias over a batch); a rank-0 value as <c>1 x 1</c>.
/// </para>
/// <para>
/// Equality is by value: same name (ordinal), same rank and shape, and every element equal under <c>T.Equals</c> (so
/// <c>NaN</c> equals <c>NaN</c> and <c>0.0</c> equals <c>-0.0</c>). MathNet matrices are mutable; every function of this
/// library treats a <see cref="Param{T}"/> it receives as read-only and returns new matrices (the property suite checks it).
/// </para>
/// <example>
/// <code>
/// var weight = Param.Of("fc1.weight", Matrix&lt;float&gt;.Build.Dense(128, 784));     // rank 2
/// var bias = Param.Of("fc1.bias", Vector&lt;float&gt;.Build.Dense(128));             // rank 1, stored 128 x 1
/// </code>
/// </example>
/// </remarks>
public sealed record Param<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>Creates a rank-2 parameter (a matrix, whatever its shape; a 1 x N weight stays a matrix).</summary>
    /// <param name="name">A non-empty name, unique within a <see cref="ParamSet{T}"/> (for example <c>fc1.weight</c>).</param>
    /// <param name="value">A dense matrix; it is not copied.</param>
    /// <exception cref="ArgumentException">The name is empty or white space, or the matrix is not dense.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public Param(string name, Matrix<T> value)
        : this(name, value, 2)
    {
    }

    /// <summary>Creates a parameter of a given rank.</summary>
    /// <param name="name">A non-empty name.</param>
    /// <param name="value">A dense matrix; rank 1 needs one column or one row, rank 0 a 1 x 1 matrix.</param>
    /// <param name="rank">0 (scalar), 1 (vector, such as a bias) or 2 (matrix).</param>
    /// <exception cref="ArgumentException">The name is empty, the matrix is not dense, or its shape does not fit the rank.</exception>
    public Param(string name, Matrix<T> value, int rank)
    {
        Num<T>.Check();
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A parameter name must not be empty or white space.", nameof(name));
        }

        if (value.AsColumnMajorArray() is null)
        {
            throw new ArgumentException(
                $"Parameter '{name}': the value must be a dense matrix (Matrix<{Num<T>.Name}>.Build.Dense or .ToDense()), not {value.GetType().Name}.",
                nameof(value));
        }

        if (rank is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Parameter '{name}': 'rank' must be 0, 1 or 2.");
        }

        if ((rank == 1 && value.ColumnCount != 1 && value.RowCount != 1) || (rank == 0 && (value.RowCount != 1 || value.ColumnCount != 1)))
        {
            throw new ArgumentException(
                $"Parameter '{name}': a rank-{rank} value is stored as {(rank == 1 ? "one column or one row" : "a 1 x 1 matrix")}, not {value.RowCount}x{value.ColumnCount}.",
                nameof(value));
        }

        Name = name;
        Value = value;
        Rank = rank;
        Info = new ParamInfo(name, value.RowCount, value.ColumnCount, rank);
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The parameter's value (dense, column-major).</summary>
    public Matrix<T> Value { get; }

    /// <summary>The rank, PyTorch's <c>ndim</c>: 2 for matrices, 1 for vectors (biases), 0 for scalars.</summary>
    public int Rank { get; }

    /// <summary>Number of rows of <see cref="Value"/>.</summary>
    public int Rows => Value.RowCount;

    /// <summary>Number of columns of <see cref="Value"/>.</summary>
    public int Columns => Value.ColumnCount;

    /// <summary>Number of elements, <c>Rows * Columns</c>.</summary>
    public int Count => Value.RowCount * Value.ColumnCount;

    /// <summary>True when the rank is below 2 (PyTorch's <c>p.ndim &lt; 2</c>): the parameters the common recipe excludes from decay.</summary>
    public bool IsVector => Rank < 2;

    /// <summary>The shape as PyTorch prints it without brackets: <c>128x784</c> for a matrix, <c>128</c> for a vector, <c>scalar</c>.</summary>
    public string Shape => Info.Shape;

    /// <summary>Name, shape and rank without the values: what masks and decay plans look at.</summary>
    public ParamInfo Info { get; }

    /// <summary>Returns a parameter with the same name and rank and another value.</summary>
    /// <param name="value">The new value (dense, fitting the rank).</param>
    [Pure]
    public Param<T> WithValue(Matrix<T> value) => new(Name, value, Rank);

    /// <summary>Returns a parameter with the same value and another name.</summary>
    /// <param name="name">The new name.</param>
    [Pure]
    public Param<T> WithName(string name) => new(name, Value, Rank);

    /// <summary>Returns a parameter with the same name and rank and a deep copy of the value.</summary>
    [Pure]
    public Param<T> Copy() => new(Name, Value.Clone(), Rank);

    /// <summary>Value equality: name, rank, shape and elements.</summary>
    /// <param name="other">The other parameter.</param>
    public bool Equals(Param<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && string.Equals(Name, other.Name, StringComparison.Ordinal)
            && Rank == other.Rank
            && Value.RowCount == other.Value.RowCount
            && Value.ColumnCount == other.Value.ColumnCount
            && Elements.Equal<T>(Value.AsColumnMajorArray(), other.Value.AsColumnMajorArray());
    }

    /// <summary>A hash of the name, the shape and the first elements.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.Ordinal);
        hash.Add(Rank);
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
        builder.Append("Name = ").Append(Name).Append(", Shape = ").Append(Shape).Append(", Type = ").Append(Num<T>.Name);
        return true;
    }
}

/// <summary>A parameter's name, shape and rank without its values: what <see cref="Mask"/> and <see cref="DecayPlan"/> look at.</summary>
public sealed record ParamInfo
{
    internal ParamInfo(string name, int rows, int columns, int rank) => (Name, Rows, Columns, Rank) = (name, rows, columns, rank);

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>Rows of the stored matrix.</summary>
    public int Rows { get; }

    /// <summary>Columns of the stored matrix.</summary>
    public int Columns { get; }

    /// <summary>PyTorch's <c>ndim</c>: 0, 1 or 2.</summary>
    public int Rank { get; }

    /// <summary>True when the rank is below 2 (PyTorch's <c>p.ndim &lt; 2</c>).</summary>
    public bool IsVector => Rank < 2;

    /// <summary>The shape as text: <c>128x784</c> (rank 2), <c>128</c> (rank 1), <c>scalar</c> (rank 0).</summary>
    public string Shape => Rank switch
    {
        0 => "scalar",
        1 => Math.Max(Rows, Columns).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => $"{Rows}x{Columns}",
    };
}

/// <summary>Factories for <see cref="Param{T}"/> that infer the element type.</summary>
/// <example>
/// <code>
/// var w = Param.Of("w", Matrix&lt;double&gt;.Build.Dense(3, 2));   // Param&lt;double&gt;, rank 2
/// var b = Param.Of("b", Vector&lt;double&gt;.Build.Dense(2));      // Param&lt;double&gt;, rank 1
/// </code>
/// </example>
public static class Param
{
    /// <summary>A rank-2 parameter (a matrix).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="value">A dense matrix; not copied.</param>
    /// <returns>The parameter.</returns>
    [Pure]
    public static Param<T> Of<T>(string name, Matrix<T> value)
        where T : struct, IEquatable<T>, IFormattable => new(name, value, 2);

    /// <summary>A rank-1 parameter (a vector such as a bias), stored as an <c>n x 1</c> matrix that shares the vector's storage when it is dense.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="value">The vector.</param>
    /// <returns>The parameter.</returns>
    [Pure]
    public static Param<T> Of<T>(string name, Vector<T> value)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(value);
        var data = value.AsArray() ?? value.ToArray();
        return new Param<T>(name, Matrix<T>.Build.Dense(data.Length, 1, data), 1);
    }

    /// <summary>A rank-1 parameter from a one-column or one-row matrix (for example a bias kept as <c>n x 1</c> or <c>1 x n</c> for broadcasting).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="value">A dense <c>n x 1</c> or <c>1 x n</c> matrix; not copied.</param>
    /// <returns>The parameter.</returns>
    [Pure]
    public static Param<T> Vector<T>(string name, Matrix<T> value)
        where T : struct, IEquatable<T>, IFormattable => new(name, value, 1);
}
