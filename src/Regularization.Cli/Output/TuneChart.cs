using System.Globalization;
using System.Xml;
using Regularization.Tuning;
using static Regularization.Cli.Output.Svg;

namespace Regularization.Cli.Output;

/// <summary>
/// The search as one self-contained SVG in the style of <see cref="SvgChart"/> and <see cref="PathChart"/> (no script, no
/// external resources): the mean validation accuracy of every trial with one-standard-error bars against the first
/// tuned parameter on a log axis (trials stopped early by successive halving in grey), the best and the
/// one-standard-error choices marked with dashed vertical lines, and the chosen one labelled. Each trial is one
/// <c>&lt;g class="trial" data-budget="b"&gt;</c>.
/// </summary>
internal static class TuneChart
{
    private const double Width = 900, Height = 540, Left = 90, Top = 100, PlotWidth = 760, PlotHeight = 340;

    public static string Render(string title, string subtitle, TuningResult result, string chosen)
    {
        var range = result.Parameters[0];
        var name = range.Name;
        var maxBudget = result.Trials.Max(t => t.Budget);
        double X(double value) => range.LogScale ? Math.Log10(value) : value;
        var xMin = X(range.Low);
        var xMax = X(range.High);
        var ys = NiceRange(result.Trials.SelectMany(t => new[] { t.Mean - t.StandardError, t.Mean + t.StandardError }), 0, 100);
        var p = new Panel(Left, Top, PlotWidth, PlotHeight, xMin, xMax, ys.Min, ys.Max);
        var description = $"{subtitle}. Mean validation accuracy of each trial with one-standard-error bars against {name}" +
            (range.LogScale ? " (log scale)" : string.Empty) +
            (result.Parameters.Count > 1 ? $"; the other tuned parameters ({string.Join(", ", result.Parameters.Skip(1).Select(r => r.Name))}) vary between trials" : string.Empty) +
            ". Orange: trials at the full budget; grey: trials stopped early. Dashed lines: the best and the one-standard-error choice.";
        return Document(Width, Height, title, subtitle, description, w =>
        {
            Axes(w, p, ys.Step, range);

            foreach (var t in result.Trials.OrderBy(t => t.Budget).ThenBy(t => t.Trial))
            {
                var full = t.Budget == maxBudget;
                var color = full ? "#D55E00" : "#999999";
                var x = p.X(X(t.Parameters[name]));
                w.WriteStartElement("g", Ns);
                w.WriteAttributeString("class", "trial");
                w.WriteAttributeString("data-budget", t.Budget.ToString(CultureInfo.InvariantCulture));
                w.WriteAttributeString("data-trial", t.Trial.ToString(CultureInfo.InvariantCulture));
                if (t.StandardError > 0)
                {
                    ErrorBar(w, p, x, t.Mean - t.StandardError, t.Mean + t.StandardError, 4, color, 1.2);
                }

                Marker(
                    w,
                    x,
                    p.Y(t.Mean),
                    full ? 4 : 3,
                    color,
                    $"trial {t.Trial + 1}: {string.Join(", ", t.Parameters.Select(kv => $"{kv.Key}={kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"))}, budget {t.Budget}: " +
                    $"{t.Mean.ToString("F2", CultureInfo.InvariantCulture)}% ± {t.StandardError.ToString("F2", CultureInfo.InvariantCulture)}");
                w.WriteEndElement();
            }

            var marks = new[] { (result.Best, "best", "6 4", 0), (result.OneStandardError, "one-se", "2 3", 16) };
            foreach (var (trial, label, dash, offset) in marks)
            {
                var x = p.X(X(trial.Parameters[name]));
                VerticalMark(w, p, x, label, dash);
                var words = label == "best" ? "best" : "1 s.e.";
                var mark = (label == "best") == (chosen == "best") ? " (chosen)" : string.Empty;
                var text = $"{words} {trial.Parameters[name].ToString("G3", CultureInfo.InvariantCulture)}{mark}";
                // About 6.2 px a character at 11 px: a label that would leave the chart goes to the left of its line.
                var right = x + 4 + (6.2 * text.Length) <= Width - 8;
                TextAt(w, right ? x + 4 : x - 4, p.Top + 14 + offset, text, 11, right ? "start" : "end", null, "#0072B2");
            }
        });
    }

    private static void Axes(XmlWriter w, Panel p, double yStep, ParameterRange range)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "axes");
        FrameAndYGrid(w, p, yStep, tickLength: 0);
        foreach (var (x, label, major) in XTicks(p.XMin, p.XMax, range.LogScale))
        {
            XTick(w, p, x, label, major ? "#e3e3e3" : "#f2f2f2", major ? 6 : 3);
        }

        AxisLines(w, p);
        TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 44, range.LogScale ? $"{range.Name} (log scale)" : range.Name, 13, "middle", null);
        YLabel(w, p, 58, "Validation accuracy (%), mean ± 1 s.e. over folds");
        w.WriteEndElement();
    }

    /// <summary>Log axis: a labelled tick at every power of ten and unlabelled ones at 2..9 times it; linear: nice steps.</summary>
    internal static IEnumerable<(double X, string? Label, bool Major)> XTicks(double min, double max, bool log)
    {
        if (!log)
        {
            var step = NiceStep(Math.Max(1e-12, (max - min) / 6));
            for (var x = Math.Ceiling(min / step) * step; x <= max + 1e-9; x += step)
            {
                yield return (x, x.ToString("G4", CultureInfo.InvariantCulture), true);
            }

            yield break;
        }

        for (var e = (int)Math.Floor(min); e <= (int)Math.Ceiling(max); e++)
        {
            for (var m = 1; m <= 9; m++)
            {
                var x = e + Math.Log10(m);
                if (x < min - 1e-9 || x > max + 1e-9)
                {
                    continue;
                }

                yield return (x, m == 1 ? $"1e{e}" : (max - min < 1.5 && m is 2 or 5 ? $"{m}e{e}" : null), m == 1);
            }
        }
    }
}
