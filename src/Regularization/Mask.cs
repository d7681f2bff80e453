using System.Diagnostics.Contracts;
using System.Text.RegularExpressions;

namespace Regularization;

/// <summary>
/// Chooses parameters: which ones a decay, a penalty or a group applies to. A mask is a pure predicate over
/// <see cref="ParamInfo"/> (its name, shape and rank; never its values) with a description that decay plans print.
/// </summary>
/// <remarks>
/// <example>
/// The common PyTorch recipe, no decay for biases and other vectors:
/// <code>
/// var sgd = Optimizers.Sgd(Schedule.Constant(0.1), momentum: 0.9, weightDecay: 5e-4, decayMask: Mask.ExcludeVectors);
/// </code>
/// By name: <c>Mask.ExcludeNames("bias$", "norm")</c>; by predicate: <c>Mask.Where(p =&gt; p.Rows &gt; 1, "more than one row")</c>.
/// </example>
/// </remarks>
public sealed record Mask
{
    private Mask(Func<ParamInfo, bool> includes, string description)
    {
        Includes = includes;
        Description = description;
    }

    /// <summary>The predicate: true for parameters the mask includes.</summary>
    public Func<ParamInfo, bool> Includes { get; }

    /// <summary>What the mask includes, in words.</summary>
    public string Description { get; }

    /// <summary>Includes every parameter.</summary>
    public static Mask All { get; } = new(_ => true, "all parameters");

    /// <summary>Includes no parameter (a transform masked by it is the identity).</summary>
    public static Mask None { get; } = new(_ => false, "no parameter");

    /// <summary>
    /// Includes parameters with at least two rows and two columns; excludes biases and every other vector-shaped
    /// parameter (the matrix form of PyTorch's <c>p.ndim &lt; 2</c> rule).
    /// </summary>
    public static Mask ExcludeVectors { get; } = new(p => !p.IsVector, "matrices only (vectors such as biases excluded)");

    /// <summary>Includes the parameters for which <paramref name="predicate"/> holds.</summary>
    /// <param name="predicate">A pure test of name and shape.</param>
    /// <param name="description">What it includes, in words.</param>
    [Pure]
    public static Mask Where(Func<ParamInfo, bool> predicate, string description)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new ArgumentException("'description' must not be empty.", nameof(description));
        }

        return new Mask(predicate, description);
    }

    /// <summary>Includes the parameters whose name matches one of the regular expressions.</summary>
    /// <param name="patterns">.NET regular expressions, matched anywhere in the name (anchor with ^ and $).</param>
    [Pure]
    public static Mask Names(params string[] patterns)
    {
        var regexes = Compile(patterns, nameof(patterns));
        return new Mask(p => regexes.Any(r => r.IsMatch(p.Name)), "names matching " + string.Join(" or ", patterns.Select(q => $"/{q}/")));
    }

    /// <summary>Excludes the parameters whose name matches one of the regular expressions (Keras' <c>exclude_from_weight_decay(var_names=...)</c>).</summary>
    /// <param name="patterns">.NET regular expressions, matched anywhere in the name.</param>
    [Pure]
    public static Mask ExcludeNames(params string[] patterns)
    {
        var regexes = Compile(patterns, nameof(patterns));
        return new Mask(p => !regexes.Any(r => r.IsMatch(p.Name)), "all but names matching " + string.Join(" or ", patterns.Select(q => $"/{q}/")));
    }

    /// <summary>Includes exactly the named parameters.</summary>
    /// <param name="names">Parameter names.</param>
    [Pure]
    public static Mask Only(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var set = new HashSet<string>(names, StringComparer.Ordinal);
        return new Mask(p => set.Contains(p.Name), "only " + string.Join(", ", names));
    }

    /// <summary>Includes what both masks include.</summary>
    /// <param name="other">The other mask.</param>
    [Pure]
    public Mask And(Mask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = Includes;
        var b = other.Includes;
        return new Mask(p => a(p) && b(p), $"({Description}) and ({other.Description})");
    }

    /// <summary>Includes what either mask includes.</summary>
    /// <param name="other">The other mask.</param>
    [Pure]
    public Mask Or(Mask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = Includes;
        var b = other.Includes;
        return new Mask(p => a(p) || b(p), $"({Description}) or ({other.Description})");
    }

    /// <summary>Includes what this mask excludes.</summary>
    [Pure]
    public Mask Not()
    {
        var a = Includes;
        return new Mask(p => !a(p), $"not ({Description})");
    }

    /// <summary>True when the mask includes <paramref name="parameter"/>.</summary>
    /// <param name="parameter">The parameter.</param>
    [Pure]
    public bool Contains(ParamInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return Includes(parameter);
    }

    /// <summary>True when the mask includes <paramref name="parameter"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameter">The parameter.</param>
    [Pure]
    public bool Contains<T>(Param<T> parameter)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return Includes(parameter.Info);
    }

    /// <summary>The included parameters, in order.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    [Pure]
    public ParamSet<T> Select<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Where(q => Includes(q.Info));
    }

    /// <summary>The description.</summary>
    public override string ToString() => $"Mask({Description})";

    private static Regex[] Compile(string[] patterns, string name)
    {
        ArgumentNullException.ThrowIfNull(patterns, name);
        if (patterns.Length == 0)
        {
            throw new ArgumentException("At least one pattern is needed.", name);
        }

        var result = new Regex[patterns.Length];
        for (var i = 0; i < patterns.Length; i++)
        {
            try
            {
                result[i] = new Regex(patterns[i] ?? throw new ArgumentNullException(name), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e) when (e is not ArgumentNullException)
            {
                throw new ArgumentException($"'{name}' holds an invalid regular expression '{patterns[i]}': {e.Message}", name, e);
            }
        }

        return result;
    }
}
