using System.Globalization;
using System.Text;
using System.Xml;
using Regularization.Tuning;

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
    private const string Ns = "http://www.w3.org/2000/svg";
    private const double Width = 900, Height = 540, Left = 90, Top = 100, PlotWidth = 760, PlotHeight = 340;

    public static string Render(string title, string subtitle, TuningResult result, string chosen)
    {
        var range = result.Parameters[0];
        var name = range.Name;
        var maxBudget = result.Trials.Max(t => t.Budget);
        double X(double value) => range.LogScale ? Math.Log10(value) : value;
        var xMin = X(range.Low);
        var xMax = X(range.High);
        var ys = SvgChart.NiceRange(result.Trials.SelectMany(t => new[] { t.Mean - t.StandardError, t.Mean + t.StandardError }), 0, 100);
        var p = new Panel(Left, Top, PlotWidth, PlotHeight, xMin, xMax, ys.Min, ys.Max);
        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("svg", Ns);
            w.WriteAttributeString("width", N(Width));
            w.WriteAttributeString("height", N(Height));
            w.WriteAttributeString("viewBox", $"0 0 {N(Width)} {N(Height)}");
            w.WriteAttributeString("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
            w.WriteAttributeString("role", "img");
            w.WriteElementString("title", Ns, title);
            w.WriteElementString(
                "desc",
                Ns,
                $"{subtitle}. Mean validation accuracy of each trial with one-standard-error bars against {name}" +
                (range.LogScale ? " (log scale)" : string.Empty) +
                (result.Parameters.Count > 1 ? $"; the other tuned parameters ({string.Join(", ", result.Parameters.Skip(1).Select(r => r.Name))}) vary between trials" : string.Empty) +
                ". Orange: trials at the full budget; grey: trials stopped early. Dashed lines: the best and the one-standard-error choice.");
            SvgChart.Rect(w, 0, 0, Width, Height, "#ffffff", null);
            SvgChart.TextAt(w, Width / 2, 34, title, 20, "middle", "bold");
            SvgChart.TextAt(w, Width / 2, 58, subtitle, 13, "middle", null, "#444444");
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
                    var lo = p.Y(t.Mean - t.StandardError);
                    var hi = p.Y(t.Mean + t.StandardError);
                    SvgChart.LineSegment(w, x, lo, x, hi, color, 1.2);
                    SvgChart.LineSegment(w, x - 4, lo, x + 4, lo, color, 1.2);
                    SvgChart.LineSegment(w, x - 4, hi, x + 4, hi, color, 1.2);
                }

                w.WriteStartElement("circle", Ns);
                w.WriteAttributeString("cx", N(x));
                w.WriteAttributeString("cy", N(p.Y(t.Mean)));
                w.WriteAttributeString("r", full ? "4" : "3");
                w.WriteAttributeString("fill", color);
                w.WriteElementString(
                    "title",
                    Ns,
                    $"trial {t.Trial + 1}: {string.Join(", ", t.Parameters.Select(kv => $"{kv.Key}={kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"))}, budget {t.Budget}: " +
                    $"{t.Mean.ToString("F2", CultureInfo.InvariantCulture)}% ± {t.StandardError.ToString("F2", CultureInfo.InvariantCulture)}");
                w.WriteEndElement();
                w.WriteEndElement();
            }

            var marks = new[] { (result.Best, "best", "6 4", 0), (result.OneStandardError, "one-se", "2 3", 16) };
            foreach (var (trial, label, dash, offset) in marks)
            {
                var x = p.X(X(trial.Parameters[name]));
                w.WriteStartElement("line", Ns);
                w.WriteAttributeString("class", label);
                w.WriteAttributeString("x1", N(x));
                w.WriteAttributeString("y1", N(p.Top));
                w.WriteAttributeString("x2", N(x));
                w.WriteAttributeString("y2", N(p.Top + p.Height));
                w.WriteAttributeString("stroke", "#0072B2");
                w.WriteAttributeString("stroke-dasharray", dash);
                w.WriteAttributeString("stroke-width", "1.5");
                w.WriteEndElement();
                var words = label == "best" ? "best" : "1 s.e.";
                var mark = (label == "best") == (chosen == "best") ? " (chosen)" : string.Empty;
                SvgChart.TextAt(w, x + 4, p.Top + 14 + offset, $"{words} {trial.Parameters[name].ToString("G3", CultureInfo.InvariantCulture)}{mark}", 11, "start", null, "#0072B2");
            }

            w.WriteEndElement();
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + Environment.NewLine;
    }

    private static void Axes(XmlWriter w, Panel p, double yStep, ParameterRange range)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "axes");
        SvgChart.Rect(w, p.Left, p.Top, p.Width, p.Height, "#fbfbfb", "#cccccc");
        var stepText = yStep.ToString("0.##########", CultureInfo.InvariantCulture);
        var decimals = stepText.Contains('.', StringComparison.Ordinal) ? stepText.Length - stepText.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var ticks = (int)Math.Round((p.YMax - p.YMin) / yStep);
        for (var k = 0; k <= ticks; k++)
        {
            var y = p.YMin + (k * yStep);
            var py = p.Y(y);
            SvgChart.LineSegment(w, p.Left, py, p.Left + p.Width, py, "#e3e3e3", 1);
            SvgChart.TextAt(w, p.Left - 8, py + 4, y.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), 12, "end", null);
        }

        foreach (var (x, label, major) in XTicks(p.XMin, p.XMax, range.LogScale))
        {
            var px = p.X(x);
            SvgChart.LineSegment(w, px, p.Top, px, p.Top + p.Height, major ? "#e3e3e3" : "#f2f2f2", 1);
            SvgChart.LineSegment(w, px, p.Top + p.Height, px, p.Top + p.Height + (major ? 6 : 3), "#333333", 1);
            if (label is not null)
            {
                SvgChart.TextAt(w, px, p.Top + p.Height + 20, label, 12, "middle", null);
            }
        }

        SvgChart.LineSegment(w, p.Left, p.Top + p.Height, p.Left + p.Width, p.Top + p.Height, "#333333", 1.5);
        SvgChart.LineSegment(w, p.Left, p.Top, p.Left, p.Top + p.Height, "#333333", 1.5);
        SvgChart.TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 44, range.LogScale ? $"{range.Name} (log scale)" : range.Name, 13, "middle", null);
        w.WriteStartElement("text", Ns);
        w.WriteAttributeString("transform", $"translate({N(p.Left - 58)},{N(p.Top + (p.Height / 2))}) rotate(-90)");
        w.WriteAttributeString("text-anchor", "middle");
        w.WriteAttributeString("font-size", "13");
        w.WriteString("Validation accuracy (%), mean ± 1 s.e. over folds");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>Log axis: a labelled tick at every power of ten and unlabelled ones at 2..9 times it; linear: nice steps.</summary>
    internal static IEnumerable<(double X, string? Label, bool Major)> XTicks(double min, double max, bool log)
    {
        if (!log)
        {
            var step = SvgChart.NiceStep(Math.Max(1e-12, (max - min) / 6));
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

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Panel(double Left, double Top, double Width, double Height, double XMin, double XMax, double YMin, double YMax)
    {
        public double X(double x) => Left + ((x - XMin) / (XMax - XMin) * Width);

        public double Y(double y) => Top + Height - ((y - YMin) / (YMax - YMin) * Height);
    }
}
