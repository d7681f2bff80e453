using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Regularization.Cli;

/// <summary>Options with parsers that reject bad values with one clear message (the option, the value, the rule).</summary>
internal static class Options
{
    public static Option<double> Double(string name, string description, double defaultValue, bool positive)
    {
        var option = new Option<double>(name)
        {
            Description = description,
            HelpName = "x",
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = r => ParseDouble(r, name, defaultValue, positive);
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
        var option = new Option<string>(name)
        {
            Description = $"{description} ({string.Join('|', choices)}).",
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

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>True when the user typed the option (not a default).</summary>
    public static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    public static Option<int> Threads() =>
        Int("--threads", "Threads for large matrix products (MKL: GNU OpenMP; OpenBLAS: pthreads; products under 2^19 multiply-adds run on one) and MathNet's MaxDegreeOfParallelism.", 1, 1, 1024);

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

    private static double ParseDouble(ArgumentResult r, string name, double defaultValue, bool positive)
    {
        var text = Token(r);
        if (text is null)
        {
            return defaultValue;
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
