using System.Globalization;

namespace Regularization.Tuning;

/// <summary>
/// A hyperparameter to tune and its range <c>[Low, High]</c>. On a log scale (the default, for penalty strengths and
/// learning rates) the strategies work on <c>log10(value)</c>: the grid is log-spaced, random draws are log-uniform and
/// the Gaussian process models the score against <c>log10(value)</c>.
/// </summary>
/// <remarks>
/// <see cref="Regularizes"/> says that a larger value is a simpler (more regularized) model: the one-standard-error
/// rule then prefers it (as glmnet's <c>lambda.1se</c> prefers the larger lambda).
/// <example>
/// <code>
/// var weightDecay = new ParameterRange("weight-decay", 1e-5, 1e-2);                       // log scale, regularizes
/// var learningRate = new ParameterRange("lr", 1e-3, 1e-1, logScale: true, regularizes: false);
/// </code>
/// </example>
/// </remarks>
public sealed record ParameterRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="name">The parameter's name, as the objective receives it; not empty.</param>
    /// <param name="low">The lower end; finite, below <paramref name="high"/>, and &gt; 0 on a log scale.</param>
    /// <param name="high">The upper end; finite.</param>
    /// <param name="logScale">Work on <c>log10(value)</c> (default true).</param>
    /// <param name="regularizes">A larger value is a more regularized model (default true).</param>
    /// <exception cref="ArgumentException">The name is empty, or the range is empty, not finite, or not positive on a log scale; the message names the parameter.</exception>
    public ParameterRange(string name, double low, double high, bool logScale = true, bool regularizes = true)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A tuned parameter needs a name.", nameof(name));
        }

        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentException($"The range of {name} must be finite (it is {Show(low)}:{Show(high)}).", nameof(low));
        }

        if (low >= high)
        {
            throw new ArgumentException($"The range of {name} must have LO < HI (it is {Show(low)}:{Show(high)}).", nameof(low));
        }

        if (logScale && low <= 0)
        {
            throw new ArgumentException($"The range of {name} is on a log scale, so LO must be > 0 (it is {Show(low)}).", nameof(low));
        }

        Name = name;
        Low = low;
        High = high;
        LogScale = logScale;
        Regularizes = regularizes;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The lower end.</summary>
    public double Low { get; }

    /// <summary>The upper end.</summary>
    public double High { get; }

    /// <summary>True when the strategies work on <c>log10(value)</c>.</summary>
    public bool LogScale { get; }

    /// <summary>True when a larger value is a simpler, more regularized model.</summary>
    public bool Regularizes { get; }

    /// <summary>The value at position <paramref name="unit"/> of the range: <c>Low</c> at 0, <c>High</c> at 1, log-linearly in between on a log scale.</summary>
    /// <param name="unit">A position in [0, 1].</param>
    /// <returns>The value (exactly <see cref="Low"/> at 0 and <see cref="High"/> at 1).</returns>
    public double FromUnit(double unit)
    {
        if (unit <= 0)
        {
            return Low;
        }

        if (unit >= 1)
        {
            return High;
        }

        return LogScale
            ? Math.Pow(10, Math.Log10(Low) + (unit * (Math.Log10(High) - Math.Log10(Low))))
            : Low + (unit * (High - Low));
    }

    /// <summary>The position of <paramref name="value"/> in the range (the inverse of <see cref="FromUnit"/>).</summary>
    /// <param name="value">A value of the parameter.</param>
    /// <returns>0 at <see cref="Low"/>, 1 at <see cref="High"/>.</returns>
    public double ToUnit(double value) => LogScale
        ? (Math.Log10(value) - Math.Log10(Low)) / (Math.Log10(High) - Math.Log10(Low))
        : (value - Low) / (High - Low);

    /// <summary>For example <c>weight-decay in [1E-05, 0.01] (log)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Name} in [{Show(Low)}, {Show(High)}]{(LogScale ? " (log)" : string.Empty)}";

    private static string Show(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
