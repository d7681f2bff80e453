using System.Globalization;
using System.Text;
using Regularization.Training;

namespace Regularization.Cli.Output;

/// <summary>Number formats and plain-text tables (invariant culture, no colors, no escape codes).</summary>
internal static class Text
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A number as Python prints it: <c>0.01</c>, <c>0.0001</c>, <c>1e-05</c>.</summary>
    public static string Py(double value)
    {
        var text = value.ToString("R", Invariant);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, Invariant);
        return $"{text[..e]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }

    public static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(Invariant), Invariant);

    public static string Percent(double share) => F(100 * share, 2) + "%";

    /// <summary>Scientific notation with two exponent digits: <c>1.5e-15</c>.</summary>
    public static string Sci(double value) => value.ToString("0.0e+00", Invariant);

    /// <summary>A word for a POSIX shell: as it is when it holds only safe characters, else in single quotes.</summary>
    public static string ShellQuote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal)))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary><c>1 epoch</c>, <c>5 epochs</c>.</summary>
    public static string Count(long n, string noun) => n == 1 ? $"{n} {noun}" : $"{n} {noun}s";

    /// <summary>The optimizer and regularization of a run, in PyTorch's words.</summary>
    public static string Describe(TrainingOptions o)
    {
        var args = new List<string> { $"lr={Py(o.LearningRate)}" };
        if (o.Optimizer is OptimizerKind.Sgd or OptimizerKind.SgdW or OptimizerKind.RmsProp or OptimizerKind.Lars)
        {
            if (o.Momentum != 0)
            {
                args.Add($"momentum={Py(o.Momentum)}");
            }

            if (o.Dampening != 0)
            {
                args.Add($"dampening={Py(o.Dampening)}");
            }

            if (o.Nesterov)
            {
                args.Add("nesterov=True");
            }
        }

        if (o.WeightDecay != 0)
        {
            args.Add($"weight_decay={Py(o.WeightDecay)}");
        }

        var name = o.Optimizer switch
        {
            OptimizerKind.Sgd => "SGD",
            OptimizerKind.SgdW => "SGDW",
            OptimizerKind.Adam => "Adam",
            OptimizerKind.AdamW => "AdamW",
            OptimizerKind.RmsProp => "RMSprop",
            OptimizerKind.Asgd => "ASGD",
            OptimizerKind.Lamb => "LAMB",
            OptimizerKind.Lars => "LARS",
            var other => other.ToString(),
        };
        var text = new StringBuilder($"{name}({string.Join(", ", args)})");
        if (o.WeightDecay != 0)
        {
            text.Append(o.Optimizer switch
            {
                OptimizerKind.SgdW or OptimizerKind.AdamW or OptimizerKind.NAdamW or OptimizerKind.RAdamW or OptimizerKind.Lion => " [decoupled decay]",
                OptimizerKind.Lamb => " [decay inside the trust ratio]",
                OptimizerKind.Lars => " [coupled decay, through the trust ratio]",
                _ => " [coupled decay]",
            });
        }

        if (o.L2 != 0)
        {
            text.Append($" + {Py(o.L2)}*sum(w^2) in the loss");
        }

        if (o.L1 != 0)
        {
            text.Append($" + {Py(o.L1)}*sum(|w|) in the loss");
        }

        if (o.ProximalL1 != 0)
        {
            text.Append($" + proximal L1 {Py(o.ProximalL1)} (soft threshold lr*{Py(o.ProximalL1)} after each step)");
        }

        if (o.ExcludeBiases && (o.WeightDecay != 0 || o.L1 != 0 || o.L2 != 0 || o.ProximalL1 != 0))
        {
            text.Append(", biases excluded");
        }

        return text.ToString();
    }

    /// <summary>Rows of cells as aligned columns; <paramref name="rightAligned"/> marks numeric columns.</summary>
    public static IEnumerable<string> Table(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlySet<int> rightAligned)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, i) => rightAligned.Contains(i) ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        yield return Line(header);
        foreach (var row in rows)
        {
            yield return Line(row);
        }
    }
}
