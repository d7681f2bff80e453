using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Regularization.Training;

namespace Regularization.Cli;

/// <summary>Options with parsers that reject bad values with one clear message (the option, the value, the rule).</summary>
internal static class Options
{
    /// <summary>A number option: finite, &gt; 0 or &gt;= 0, and below <paramref name="below"/> when given (with the reason in the message).</summary>
    public static Option<double> Double(string name, string description, double defaultValue, bool positive, double below = double.PositiveInfinity, string? belowReason = null)
    {
        var option = new Option<double>(name)
        {
            Description = description,
            HelpName = "x",
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = r => ParseDouble(r, name, defaultValue, positive, below, belowReason);
        return option;
    }

    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            HelpName = "n",
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = r => ParseInt(r, name, min, max) ?? defaultValue;
        return option;
    }

    public static Option<int?> OptionalInt(string name, string description, int min)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "n" };
        option.CustomParser = r => ParseInt(r, name, min, int.MaxValue);
        return option;
    }

    public static Option<ulong> Seed()
    {
        var option = new Option<ulong>("--seed")
        {
            Description = "Seed of the initial weights and the shuffles (same seed, same bits).",
            HelpName = "n",
            DefaultValueFactory = _ => 0UL,
        };
        option.CustomParser = r =>
        {
            var text = Token(r);
            if (text is null)
            {
                return 0UL;
            }

            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                r.AddError($"--seed must be a whole number >= 0, not '{text}'.");
            }

            return value;
        };
        return option;
    }

    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        // The choices are the option's help name (--optimizer <sgd|sgdw|...>); the description does not repeat them.
        var option = new Option<string>(name)
        {
            Description = $"{description}.",
            HelpName = string.Join('|', choices),
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = r => ParseChoice(r, name, choices) ?? defaultValue;
        return option;
    }

    /// <summary>A choice without a default in the parser (null when absent).</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            HelpName = string.Join('|', choices),
        };
        option.CustomParser = r => ParseChoice(r, name, choices);
        return option;
    }

    public static Option<string?> Path(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = r =>
        {
            var text = Token(r);
            if (text is not null && string.IsNullOrWhiteSpace(text))
            {
                r.AddError($"{name} needs a path, not an empty string.");
                return null;
            }

            return text;
        };
        return option;
    }

    /// <summary>
    /// An output path for an SVG chart (<c>--plot</c>): the file name must end in <c>.svg</c> (any case), since SVG is
    /// the only format written; <c>--plot chart.png</c> is a usage error rather than SVG text in a <c>.png</c> file.
    /// </summary>
    public static Option<string?> SvgPath(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "file.svg" };
        option.CustomParser = r =>
        {
            var text = Token(r);
            if (text is not null && string.IsNullOrWhiteSpace(text))
            {
                r.AddError($"{name} needs a path, not an empty string.");
                return null;
            }

            // A folder is left to the output check, which says that it is a folder.
            if (text is not null && !text.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) && !System.IO.Directory.Exists(text))
            {
                r.AddError($"{name} {text}: only SVG is written; give a file name ending in .svg.");
                return null;
            }

            return text;
        };
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>True when the user typed the option (not a default).</summary>
    public static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary><c>--dtype float32|float64</c>: the element type of the model and optimizer (default float32, as PyTorch).</summary>
    public static Option<string> DType() =>
        Choice("--dtype", "Element type of the weights, gradients and optimizer state: float32 (PyTorch's default dtype, faster) or float64", "float32", "float32", "float64");

    public static ElementType ParseDType(string? text) => text == "float64" ? ElementType.Float64 : ElementType.Float32;

    public static string DTypeName(ElementType type) => type == ElementType.Float64 ? "float64" : "float32";

    public static Option<int> Threads() =>
        Int("--threads", "Threads: with a native provider and n >= 2, training batches run on a team of n threads splitting fc1.weight by columns (REGULARIZATION_TEAM=off: on the BLAS's threads instead); other large matrix products use the BLAS's threads (MKL: GNU OpenMP; OpenBLAS: pthreads; products under 2^19 multiply-adds run on one); also MathNet's MaxDegreeOfParallelism.", 1, 1, 1024);

    public static Option<string?> Provider() =>
        OptionalChoice(
            "--provider",
            "Linear-algebra provider: auto (the native BLAS for this CPU: OpenBLAS on AMD, MKL on Intel, then the other, else managed), mkl or openblas (that library or fail), managed. Overrides REGULARIZATION_PROVIDER; default: that variable, else auto.",
            "auto",
            "mkl",
            "openblas",
            "managed");

    public static Option<string?> Data() =>
        Path("--data", "Folder with the four MNIST-style IDX files (raw or .gz); default: the MNIST shipped next to the program (Data/mnist).", "dir");

    public static Option<int?> TrainLimit() => OptionalInt("--train-limit", "Train on the first N training images only (quick runs).", 1);

    public static Option<int?> TestLimit() => OptionalInt("--test-limit", "Evaluate on the first N test images only (quick runs).", 1);

    public static Option<bool> Json(string what) => Flag("--json", $"Write {what} as JSON on standard output, nothing else (progress, if any, goes to standard error).");

    private static string? Token(ArgumentResult r) => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;

    private static double ParseDouble(ArgumentResult r, string name, double defaultValue, bool positive, double below, string? belowReason)
    {
        var text = Token(r);
        if (text is null)
        {
            return defaultValue;
        }

        if (double.IsFinite(below))
        {
            var limit = below.ToString("R", CultureInfo.InvariantCulture);
            var range = positive ? $"a number in (0, {limit})" : $"a number in [0, {limit})";
            var reason = belowReason is null ? string.Empty : $" ({belowReason})";
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bounded))
            {
                r.AddError($"{name} must be {range}, not '{text}'.");
                return defaultValue;
            }

            if (!double.IsFinite(bounded) || (positive ? bounded <= 0 : bounded < 0) || bounded >= below)
            {
                r.AddError($"{name} must be {range}, not {text}{reason}.");
            }

            return bounded;
        }

        var rule = positive ? "a finite number > 0" : "a finite number >= 0";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            r.AddError($"{name} must be {rule}, not '{text}'.");
            return defaultValue;
        }

        if (!double.IsFinite(value) || (positive ? value <= 0 : value < 0))
        {
            r.AddError($"{name} must be {rule}, not {text}.");
        }

        return value;
    }

    private static int? ParseInt(ArgumentResult r, string name, int min, int max)
    {
        var text = Token(r);
        if (text is null)
        {
            return null;
        }

        var rule = max == int.MaxValue ? $"a whole number >= {min}" : $"a whole number from {min} to {max}";
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            r.AddError($"{name} must be {rule}, not '{text}'.");
            return null;
        }

        if (value < min || value > max)
        {
            r.AddError($"{name} must be {rule}, not {text}.");
        }

        return value;
    }

    private static string? ParseChoice(ArgumentResult r, string name, string[] choices)
    {
        var text = Token(r);
        if (text is null)
        {
            return null;
        }

        var value = text.Trim().ToLowerInvariant();
        if (!choices.Contains(value))
        {
            r.AddError($"{name} must be one of {string.Join(", ", choices)}, not '{text}'.");
        }

        return value;
    }
}

/// <summary>The command line's names for the training options the library names by property (<c>LearningRate</c> is <c>--lr</c>).</summary>
internal static class OptionNames
{
    /// <summary>Why <c>--momentum</c> must be below 1 (PyTorch's SGD only requires momentum &gt;= 0).</summary>
    public const string MomentumReason =
        "with momentum >= 1 the velocity never forgets a gradient and the steps grow without bound; PyTorch accepts it, this command does not";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["LearningRate"] = "--lr",
        ["Momentum"] = "--momentum",
        ["Nesterov"] = "--nesterov",
        ["WeightDecay"] = "--weight-decay",
        ["L1"] = "--l1",
        ["L2"] = "--l2",
        ["ProximalL1"] = "--proximal-l1",
        ["ExcludeBiases"] = "--exclude-biases",
        ["Epochs"] = "--epochs",
        ["BatchSize"] = "--batch-size",
        ["Seed"] = "--seed",
        ["Optimizer"] = "--optimizer",
        ["Beta1"] = "--beta1",
        ["Beta2"] = "--beta2",
        ["Epsilon"] = "--eps",
    };

    /// <summary>The command line's name for a library option, or the name itself when the command line has none.</summary>
    public static string Of(string property) => Names.TryGetValue(property, out var name) ? name : property;

    /// <summary>
    /// A <see cref="Training.TrainingOptions.Validate"/> message in the command line's words: without the
    /// <c>(Parameter '...')</c> suffix and the <c>Invalid training option:</c> prefix, every library option name replaced
    /// by the command line's (<c>Momentum must be in [0, 1)</c> becomes <c>--momentum must be in [0, 1)</c>).
    /// </summary>
    public static string Translate(ArgumentException e)
    {
        var message = Cli.WithoutParameterName(e);
        const string prefix = "Invalid training option: ";
        if (message.StartsWith(prefix, StringComparison.Ordinal))
        {
            message = message[prefix.Length..];
        }

        foreach (var (property, name) in Names.OrderByDescending(p => p.Key.Length))
        {
            message = System.Text.RegularExpressions.Regex.Replace(message, $@"\b{property}\b", name);
        }

        return message;
    }
}
