using System.Collections;
using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization;

/// <summary>
/// An ordered set of uniquely named parameters. Parameters, gradients, updates and optimizer buffers are all
/// <see cref="ParamSet{T}"/>s, matched to each other by name.
/// </summary>
/// <remarks>
/// <para>
/// Equality is by value: the same names in the same order, each with the same shape and equal elements
/// (see <see cref="Param{T}.Equals(Param{T})"/>). The set never copies the matrices it holds.
/// </para>
/// <example>
/// <code>
/// var parameters = ParamSet.Of(
///     Param.Of("fc1.weight", Matrix&lt;double&gt;.Build.Random(128, 784)),
///     Param.Of("fc1.bias", Vector&lt;double&gt;.Build.Dense(128)));
/// Matrix&lt;double&gt; w = parameters["fc1.weight"].Value;
/// </code>
/// </example>
/// </remarks>
public sealed class ParamSet<T> : IReadOnlyList<Param<T>>, IEquatable<ParamSet<T>>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly Param<T>[] _items;
    private readonly Dictionary<string, int> _index;

    /// <summary>The empty set.</summary>
    public static ParamSet<T> Empty { get; } = new(Array.Empty<Param<T>>());

    /// <summary>Creates a set from parameters with unique names, keeping their order.</summary>
    /// <param name="parameters">The parameters; none may be null and no two may share a name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">Two parameters share a name.</exception>
    public ParamSet(IEnumerable<Param<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _items = parameters.ToArray();
        _index = new Dictionary<string, int>(_items.Length, StringComparer.Ordinal);
        for (var i = 0; i < _items.Length; i++)
        {
            var item = _items[i] ?? throw new ArgumentNullException(nameof(parameters), $"Parameter at index {i} is null.");
            if (!_index.TryAdd(item.Name, i))
            {
                throw new ArgumentException(
                    $"Parameter names must be unique: '{item.Name}' appears at index {_index[item.Name]} and at index {i}.",
                    nameof(parameters));
            }
        }
    }

    private ParamSet(Param<T>[] items, Dictionary<string, int> index)
    {
        _items = items;
        _index = index;
    }

    /// <summary>Creates a set from parameters with unique names (a convenience for <c>params</c> call sites).</summary>
    /// <param name="parameters">The parameters.</param>
    [Pure]
    public static ParamSet<T> Of(params Param<T>[] parameters) => new(parameters);

    /// <summary>Number of parameters.</summary>
    public int Count => _items.Length;

    /// <summary>True when the set holds no parameter.</summary>
    public bool IsEmpty => _items.Length == 0;

    /// <summary>Total number of elements over all parameters.</summary>
    public long ElementCount
    {
        get
        {
            long total = 0;
            foreach (var p in _items)
            {
                total += p.Count;
            }

            return total;
        }
    }

    /// <summary>The parameter names, in order.</summary>
    public IReadOnlyList<string> Names => Array.ConvertAll(_items, p => p.Name);

    /// <summary>The parameter at a position.</summary>
    /// <param name="index">Zero-based position.</param>
    public Param<T> this[int index] => _items[index];

    /// <summary>The parameter with a name.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="KeyNotFoundException">No parameter has that name; the message lists the names there are.</exception>
    public Param<T> this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_index.TryGetValue(name, out var i))
            {
                return _items[i];
            }

            throw new KeyNotFoundException($"No parameter named '{name}'. The set holds: {DescribeNames()}.");
        }
    }

    /// <summary>True when a parameter has this name.</summary>
    /// <param name="name">The name.</param>
    [Pure]
    public bool Contains(string name) => name is not null && _index.ContainsKey(name);

    /// <summary>Looks a parameter up by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parameter">The parameter, when found.</param>
    /// <returns>True when found.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Param<T> parameter)
    {
        if (name is not null && _index.TryGetValue(name, out var i))
        {
            parameter = _items[i];
            return true;
        }

        parameter = null;
        return false;
    }

    /// <summary>Position of a parameter by name, or -1.</summary>
    /// <param name="name">The name.</param>
    [Pure]
    public int IndexOf(string name) => name is not null && _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>A set with the same names and a new value for each parameter.</summary>
    /// <param name="map">Computes the new value from the parameter; must return a dense matrix of any shape.</param>
    [Pure]
    public ParamSet<T> Map(Func<Param<T>, Matrix<T>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var items = new Param<T>[_items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = _items[i].WithValue(map(_items[i]));
        }

        return new ParamSet<T>(items, _index);
    }

    /// <summary>Pairs this set with another of the same names and shapes and computes a new value for each pair.</summary>
    /// <param name="other">A set with the same names (any order) and shapes.</param>
    /// <param name="map">Computes the new value from the parameter of this set and its namesake in <paramref name="other"/>.</param>
    /// <exception cref="ArgumentException">The names or shapes differ.</exception>
    [Pure]
    public ParamSet<T> Zip(ParamSet<T> other, Func<Param<T>, Param<T>, Matrix<T>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var aligned = Internal.Validate.Aligned(this, nameof(other), other, "this set");
        var items = new Param<T>[_items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = _items[i].WithValue(map(_items[i], aligned[i]));
        }

        return new ParamSet<T>(items, _index);
    }

    /// <summary>The parameters for which <paramref name="predicate"/> holds, in order.</summary>
    /// <param name="predicate">The test.</param>
    [Pure]
    public ParamSet<T> Where(Func<Param<T>, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new ParamSet<T>(_items.Where(predicate));
    }

    /// <summary>A set of zero matrices with the names and shapes of <paramref name="like"/>.</summary>
    /// <param name="like">The template.</param>
    [Pure]
    public static ParamSet<T> ZerosLike(ParamSet<T> like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like.Map(p => Matrix<T>.Build.Dense(p.Rows, p.Columns));
    }

    /// <summary>A deep copy: new matrices with the same elements.</summary>
    [Pure]
    public ParamSet<T> Copy() => Map(p => p.Value.Clone());

    /// <summary>True when both sets hold the same names in the same order with the same shapes (values are not compared).</summary>
    /// <param name="other">The other set.</param>
    [Pure]
    public bool HasSameLayout(ParamSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            var a = _items[i];
            var b = other._items[i];
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal) || a.Rows != b.Rows || a.Columns != b.Columns || a.Rank != b.Rank)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when both sets hold the same names in the same order, with the same shapes and the same bits in every
    /// element: stricter than <see cref="Equals(ParamSet{T})"/>, which treats <c>0.0</c> and <c>-0.0</c> as equal. Use it
    /// to check reproducibility (a resumed run, another provider, another thread count).
    /// </summary>
    /// <param name="other">The other set.</param>
    [Pure]
    public bool BitwiseEquals(ParamSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasSameLayout(other))
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            var x = _items[i].Value.AsColumnMajorArray();
            var y = other._items[i].Value.AsColumnMajorArray();
            if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan())))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public IEnumerator<Param<T>> GetEnumerator() => ((IEnumerable<Param<T>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>Value equality: same names in the same order, same shapes, equal elements.</summary>
    /// <param name="other">The other set.</param>
    public bool Equals(ParamSet<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!_items[i].Equals(other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ParamSet<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var p in _items)
        {
            hash.Add(p);
        }

        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    /// <param name="left">A set.</param>
    /// <param name="right">A set.</param>
    public static bool operator ==(ParamSet<T>? left, ParamSet<T>? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    /// <param name="left">A set.</param>
    /// <param name="right">A set.</param>
    public static bool operator !=(ParamSet<T>? left, ParamSet<T>? right) => !(left == right);

    /// <summary>The names and shapes, for example <c>ParamSet[fc1.weight 128x784, fc1.bias 128]</c>.</summary>
    public override string ToString() =>
        "ParamSet[" + string.Join(", ", _items.Select(p => $"{p.Name} {p.Shape}")) + "]";

    internal string DescribeNames() =>
        _items.Length == 0 ? "(no parameters)" : string.Join(", ", _items.Select(p => $"'{p.Name}' {p.Shape}"));

    /// <summary>Fast path for internal code that builds a set with the same names as this one.</summary>
    internal ParamSet<T> WithValues(Matrix<T>[] values)
    {
        var items = new Param<T>[_items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = _items[i].WithValue(values[i]);
        }

        return new ParamSet<T>(items, _index);
    }

    internal Param<T>[] Items => _items;
}

/// <summary>Factories for <see cref="ParamSet{T}"/> that infer the element type.</summary>
/// <example>
/// <code>
/// var parameters = ParamSet.Of(
///     Param.Of("W", Matrix&lt;double&gt;.Build.Dense(3, 2)),
///     Param.Of("b", Vector&lt;double&gt;.Build.Dense(2)));
/// var zeros = ParamSet.ZerosLike(parameters);
/// </code>
/// </example>
public static class ParamSet
{
    /// <summary>A set of parameters with unique names, in the given order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The set.</returns>
    [Pure]
    public static ParamSet<T> Of<T>(params Param<T>[] parameters)
        where T : struct, IEquatable<T>, IFormattable => new(parameters);

    /// <summary>A set of parameters with unique names, in the given order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The set.</returns>
    [Pure]
    public static ParamSet<T> Of<T>(IEnumerable<Param<T>> parameters)
        where T : struct, IEquatable<T>, IFormattable => new(parameters);

    /// <summary>The same names, ranks and shapes, all elements zero.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="like">The layout to copy.</param>
    /// <returns>The zero set.</returns>
    [Pure]
    public static ParamSet<T> ZerosLike<T>(ParamSet<T> like)
        where T : struct, IEquatable<T>, IFormattable => ParamSet<T>.ZerosLike(like);
}
