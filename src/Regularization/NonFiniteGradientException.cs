namespace Regularization;

/// <summary>
/// Thrown by <see cref="Transforms.GuardNonFinite"/> under <see cref="NonFinitePolicy.Throw"/> (every optimizer's
/// default) when a gradient holds NaN or an infinity. Nothing was changed: no parameter and no state.
/// </summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameterName">The first parameter whose gradient is not finite.</param>
    /// <param name="nonFiniteCount">How many of its entries are NaN or infinite.</param>
    /// <param name="row">Row of the first such entry.</param>
    /// <param name="column">Column of the first such entry.</param>
    /// <param name="value">That entry.</param>
    public NonFiniteGradientException(string parameterName, int nonFiniteCount, int row, int column, double value)
        : base(
            $"The gradient of parameter '{parameterName}' has {nonFiniteCount} non-finite entr{(nonFiniteCount == 1 ? "y" : "ies")} " +
            $"(first at [{row}, {column}] = {Internal.Validate.Format(value)}); nothing was changed. " +
            "Use NonFinitePolicy.Skip to skip such steps or NonFinitePolicy.Zero to zero such entries.")
    {
        ParameterName = parameterName;
        NonFiniteCount = nonFiniteCount;
        Row = row;
        Column = column;
        Value = value;
    }

    /// <summary>The first parameter whose gradient is not finite.</summary>
    public string ParameterName { get; }

    /// <summary>How many of its gradient entries are NaN or infinite.</summary>
    public int NonFiniteCount { get; }

    /// <summary>Row of the first non-finite entry.</summary>
    public int Row { get; }

    /// <summary>Column of the first non-finite entry.</summary>
    public int Column { get; }

    /// <summary>The first non-finite entry.</summary>
    public double Value { get; }
}
