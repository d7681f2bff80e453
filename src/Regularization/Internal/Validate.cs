namespace Regularization.Internal;

/// <summary>Argument checks shared by every public entry point. Messages name the argument and the parameter.</summary>
internal static class Validate
{
    /// <summary>
    /// Returns the parameters of <paramref name="other"/> in the order of <paramref name="reference"/>, checking that
    /// both hold the same names with the same shapes.
    /// </summary>
    public static Param<T>[] Aligned<T>(ParamSet<T> reference, string otherName, ParamSet<T> other, string referenceName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(other, otherName);
        var refItems = reference.Items;
        var items = other.Items;
        var sameOrder = refItems.Length == items.Length;
        for (var i = 0; sameOrder && i < refItems.Length; i++)
        {
            sameOrder = string.Equals(refItems[i].Name, items[i].Name, StringComparison.Ordinal);
        }

        Param<T>[] aligned;
        if (sameOrder)
        {
            aligned = items;
        }
        else
        {
            aligned = new Param<T>[refItems.Length];
            for (var i = 0; i < refItems.Length; i++)
            {
                if (!other.TryGet(refItems[i].Name, out var match))
                {
                    throw new ArgumentException(
                        $"'{otherName}' has no parameter '{refItems[i].Name}' ({refItems[i].Shape}), which '{referenceName}' has. " +
                        $"'{otherName}' holds: {other.DescribeNames()}.",
                        otherName);
                }

                aligned[i] = match;
            }

            if (items.Length != refItems.Length)
            {
                ThrowExtra(reference, otherName, other, referenceName);
            }
        }

        for (var i = 0; i < refItems.Length; i++)
        {
            var r = refItems[i];
            var o = aligned[i];
            if (r.Rows != o.Rows || r.Columns != o.Columns)
            {
                throw new ArgumentException(
                    $"'{otherName}' parameter '{o.Name}' has shape {o.Shape}, but in '{referenceName}' it has shape {r.Shape}.",
                    otherName);
            }
        }

        return aligned;
    }

    // A separate method: a lambda capturing a parameter makes C# allocate its closure at every call of the method.
    private static void ThrowExtra<T>(ParamSet<T> reference, string otherName, ParamSet<T> other, string referenceName)
        where T : struct, IEquatable<T>, IFormattable
    {
        var extra = other.Items.First(p => !reference.Contains(p.Name));
        throw new ArgumentException(
            $"'{otherName}' has parameter '{extra.Name}' ({extra.Shape}), which '{referenceName}' does not have. " +
            $"'{referenceName}' holds: {reference.DescribeNames()}.",
            otherName);
    }

    /// <summary>Checks that a set is not null and not empty.</summary>
    public static void NotEmpty<T>(ParamSet<T> set, string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(set, name);
        if (set.IsEmpty)
        {
            throw new ArgumentException($"'{name}' holds no parameters; an optimizer needs at least one.", name);
        }
    }

    /// <summary>A finite value that is zero or more.</summary>
    public static double NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number >= 0, but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>A finite value greater than zero.</summary>
    public static double Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number > 0, but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>A value in [0, 1).</summary>
    public static double UnitHalfOpen(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be in [0, 1), but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>A value in [0, 1].</summary>
    public static double Unit(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be in [0, 1], but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>A finite value.</summary>
    public static double Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a finite number, but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>Checks that a state has the type a transform expects.</summary>
    public static TState State<TState>(TransformState state, object transform)
        where TState : TransformState
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state is TState typed)
        {
            return typed;
        }

        throw new ArgumentException(
            $"'state' is a {state.GetType().Name}, but {transform} expects a {Describe(typeof(TState))}. " +
            "Pass the state returned by this transform's Init or by its previous Update.",
            nameof(state));
    }

    private static string Describe(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(a => a.Name))}>" : t.Name;

    /// <summary>An epsilon: finite and greater than zero (zero lets a zero gradient divide 0 by 0).</summary>
    public static double Epsilon(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(
                name, value, $"'{name}' must be a finite number > 0 (it keeps the denominator away from zero), but was {Format(value)}.");
        }

        return value;
    }

    /// <summary>A schedule whose base value is finite and &gt;= 0 (or &gt; 0), named for the argument that received it.</summary>
    public static Schedule Schedule(Schedule? schedule, string name, bool positive = false)
    {
        ArgumentNullException.ThrowIfNull(schedule, name);
        var v = schedule.Base;
        if (!double.IsFinite(v) || v < 0 || (positive && v == 0))
        {
            throw new ArgumentOutOfRangeException(
                name, v, $"'{name}' must be a finite number {(positive ? ">" : ">=")} 0, but was {Format(v)}{(schedule.IsConstant ? string.Empty : $" (base value of {schedule.Describe()})")}.");
        }

        return schedule;
    }

    public static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
