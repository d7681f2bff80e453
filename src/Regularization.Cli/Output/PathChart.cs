using System.Globalization;
using System.Text;
using System.Xml;
using Regularization.Linear;

namespace Regularization.Cli.Output;

/// <summary>
/// glmnet's two plots as one self-contained SVG (no script, no external resources), in the style of
/// <see cref="SvgChart"/>: left, every coefficient against log(lambda) (one <c>&lt;g class="coefficient"&gt;</c> per
/// feature); right, the cross-validated error with one-standard-error bars (or, without cross-validation, the fraction
/// of deviance explained). Both mark lambda.min and lambda.1se with dashed vertical lines; the number of nonzero
/// coefficients runs along the top.
/// </summary>
internal static class PathChart
{
    private const string Ns = "http://www.w3.org/2000/svg";
    private const double Width = 1100, Height = 560, Top = 110, PlotHeight = 360, PanelWidth = 430, LeftA = 80, LeftB = 620;
    private static readonly string[] Colors = ["#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];

    public static string Render(string title, string subtitle, RegularizationPath path, CrossValidatedPath? cv, IReadOnlyList<string> names)
    {
        var logs = path.Lambdas.Select(l => Math.Log(Math.Max(l, 1e-300))).ToArray();
        double xMin = logs.Min(), xMax = logs.Max();
        if (xMax - xMin < 1e-9)
        {
            (xMin, xMax) = (xMin - 0.5, xMax + 0.5);
        }

        var coefficients = SvgChart.NiceRange(path.Coefficients.SelectMany(c => c), double.NegativeInfinity, double.PositiveInfinity);
        var curve = cv is null
            ? path.DevianceRatios.ToArray()
            : cv.CvMean.ToArray();
        var low = cv is null ? curve : curve.Select((m, k) => m - cv.CvSe[k]).ToArray();
        var high = cv is null ? curve : curve.Select((m, k) => m + cv.CvSe[k]).ToArray();
        var errors = SvgChart.NiceRange(low.Concat(high), double.NegativeInfinity, double.PositiveInfinity);
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
            w.WriteElementString("desc", Ns, $"{subtitle}. Left: coefficients (original scale) against log(lambda). Right: " +
                (cv is null ? "fraction of deviance explained" : $"{cv.FoldCount}-fold cross-validated {Measure(cv.Measure)} with one-standard-error bars") +
                ". Dashed lines: lambda.min and lambda.1se. Top: number of nonzero coefficients.");
            Rect(w, 0, 0, Width, Height, "#ffffff", null);
            TextAt(w, Width / 2, 34, title, 20, "middle", "bold");
            TextAt(w, Width / 2, 58, subtitle, 13, "middle", null, "#444444");

            var a = new Panel(LeftA, Top, PanelWidth, PlotHeight, xMin, xMax, coefficients.Min, coefficients.Max);
            var b = new Panel(LeftB, Top, PanelWidth, PlotHeight, xMin, xMax, errors.Min, errors.Max);
            Axes(w, a, coefficients.Step, "Coefficient", "Coefficient paths");
            Axes(w, b, errors.Step, cv is null ? "Fraction of deviance explained" : Measure(cv.Measure), cv is null ? "Deviance explained" : "Cross-validation");
            Nonzero(w, a, logs, path.Nonzero);
            Nonzero(w, b, logs, path.Nonzero);

            LineSegment(w, a.Left, a.Y(0), a.Left + a.Width, a.Y(0), "#999999", 1);
            var p = names.Count;
            for (var j = 0; j < p; j++)
            {
                if (path.Coefficients.All(c => c[j] == 0))
                {
                    continue;
                }

                w.WriteStartElement("g", Ns);
                w.WriteAttributeString("class", "coefficient");
                w.WriteAttributeString("data-feature", names[j]);
                var points = string.Join(' ', logs.Select((l, k) => $"{N(a.X(l))},{N(a.Y(path.Coefficients[k][j]))}"));
                w.WriteStartElement("polyline", Ns);
                w.WriteAttributeString("points", points);
                w.WriteAttributeString("fill", "none");
                w.WriteAttributeString("stroke", Colors[j % Colors.Length]);
                w.WriteAttributeString("stroke-width", "1.5");
                w.WriteElementString("title", Ns, names[j]);
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteStartElement("g", Ns);
            w.WriteAttributeString("class", "cv-curve");
            for (var k = 0; k < curve.Length; k++)
            {
                var x = b.X(logs[k]);
                if (cv is not null)
                {
                    LineSegment(w, x, b.Y(low[k]), x, b.Y(high[k]), "#999999", 1);
                    LineSegment(w, x - 3, b.Y(low[k]), x + 3, b.Y(low[k]), "#999999", 1);
                    LineSegment(w, x - 3, b.Y(high[k]), x + 3, b.Y(high[k]), "#999999", 1);
                }

                w.WriteStartElement("circle", Ns);
                w.WriteAttributeString("cx", N(x));
                w.WriteAttributeString("cy", N(b.Y(curve[k])));
                w.WriteAttributeString("r", "3");
                w.WriteAttributeString("fill", "#D55E00");
                w.WriteElementString("title", Ns, FormattableString.Invariant($"lambda {path.Lambdas[k]:G4}: {curve[k]:G5}") + (cv is null ? string.Empty : FormattableString.Invariant($" ± {cv.CvSe[k]:G3}")));
                w.WriteEndElement();
            }

            w.WriteEndElement();
            if (cv is not null)
            {
                foreach (var (index, label) in new[] { (cv.IndexMin, "lambda.min"), (cv.Index1Se, "lambda.1se") })
                {
                    foreach (var panel in new[] { a, b })
                    {
                        var x = panel.X(logs[index]);
                        w.WriteStartElement("line", Ns);
                        w.WriteAttributeString("class", label == "lambda.min" ? "lambda-min" : "lambda-1se");
                        w.WriteAttributeString("x1", N(x));
                        w.WriteAttributeString("y1", N(panel.Top));
                        w.WriteAttributeString("x2", N(x));
                        w.WriteAttributeString("y2", N(panel.Top + panel.Height));
                        w.WriteAttributeString("stroke", "#0072B2");
                        w.WriteAttributeString("stroke-dasharray", label == "lambda.min" ? "6 4" : "2 3");
                        w.WriteAttributeString("stroke-width", "1.5");
                        w.WriteEndElement();
                    }

                    TextAt(w, b.X(logs[index]) + 4, b.Top + 14 + (label == "lambda.min" ? 0 : 16), $"{label} {path.Lambdas[index].ToString("G3", CultureInfo.InvariantCulture)}", 11, "start", null, "#0072B2");
                }
            }

            w.WriteEndElement();
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + Environment.NewLine;
    }

    private static string Measure(CvMeasure measure) => measure switch
    {
        CvMeasure.MeanSquaredError => "Mean squared error",
        CvMeasure.MeanAbsoluteError => "Mean absolute error",
        CvMeasure.Misclassification => "Misclassification error",
        _ => "Binomial deviance",
    };

    private static void Axes(XmlWriter w, Panel p, double yStep, string yLabel, string panelTitle)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "axes");
        Rect(w, p.Left, p.Top, p.Width, p.Height, "#fbfbfb", "#cccccc");
        var stepText = yStep.ToString("0.##########", CultureInfo.InvariantCulture);
        var decimals = stepText.Contains('.', StringComparison.Ordinal) ? stepText.Length - stepText.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var ticks = (int)Math.Round((p.YMax - p.YMin) / yStep);
        for (var k = 0; k <= ticks; k++)
        {
            var y = p.YMin + (k * yStep);
            var py = p.Y(y);
            LineSegment(w, p.Left, py, p.Left + p.Width, py, "#e3e3e3", 1);
            TextAt(w, p.Left - 8, py + 4, y.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), 12, "end", null);
        }

        var xStep = SvgChart.NiceStep(Math.Max(1e-9, (p.XMax - p.XMin) / 6));
        for (var x = Math.Ceiling(p.XMin / xStep) * xStep; x <= p.XMax + 1e-9; x += xStep)
        {
            var px = p.X(x);
            LineSegment(w, px, p.Top, px, p.Top + p.Height, "#eeeeee", 1);
            LineSegment(w, px, p.Top + p.Height, px, p.Top + p.Height + 5, "#333333", 1);
            TextAt(w, px, p.Top + p.Height + 20, x.ToString("0.##", CultureInfo.InvariantCulture), 12, "middle", null);
        }

        TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 42, "log(lambda)", 13, "middle", null);
        TextAt(w, p.Left + (p.Width / 2), p.Top - 34, panelTitle, 14, "middle", "bold");
        w.WriteStartElement("text", Ns);
        w.WriteAttributeString("transform", $"translate({N(p.Left - 55)},{N(p.Top + (p.Height / 2))}) rotate(-90)");
        w.WriteAttributeString("text-anchor", "middle");
        w.WriteAttributeString("font-size", "13");
        w.WriteString(yLabel);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Nonzero(XmlWriter w, Panel p, double[] logs, IReadOnlyList<int> nonzero)
    {
        var every = Math.Max(1, logs.Length / 8);
        for (var k = 0; k < logs.Length; k += every)
        {
            TextAt(w, p.X(logs[k]), p.Top - 8, nonzero[k].ToString(CultureInfo.InvariantCulture), 11, "middle", null, "#555555");
        }
    }

    private static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string? stroke)
    {
        w.WriteStartElement("rect", Ns);
        w.WriteAttributeString("x", N(x));
        w.WriteAttributeString("y", N(y));
        w.WriteAttributeString("width", N(width));
        w.WriteAttributeString("height", N(height));
        w.WriteAttributeString("fill", fill);
        if (stroke is not null)
        {
            w.WriteAttributeString("stroke", stroke);
        }

        w.WriteEndElement();
    }

    private static void LineSegment(XmlWriter w, double x1, double y1, double x2, double y2, string stroke, double width)
    {
        w.WriteStartElement("line", Ns);
        w.WriteAttributeString("x1", N(x1));
        w.WriteAttributeString("y1", N(y1));
        w.WriteAttributeString("x2", N(x2));
        w.WriteAttributeString("y2", N(y2));
        w.WriteAttributeString("stroke", stroke);
        w.WriteAttributeString("stroke-width", N(width));
        w.WriteEndElement();
    }

    private static void TextAt(XmlWriter w, double x, double y, string content, int size, string anchor, string? weight, string? fill = null)
    {
        w.WriteStartElement("text", Ns);
        w.WriteAttributeString("x", N(x));
        w.WriteAttributeString("y", N(y));
        w.WriteAttributeString("font-size", size.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("text-anchor", anchor);
        if (weight is not null)
        {
            w.WriteAttributeString("font-weight", weight);
        }

        if (fill is not null)
        {
            w.WriteAttributeString("fill", fill);
        }

        w.WriteString(content);
        w.WriteEndElement();
    }

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Panel(double Left, double Top, double Width, double Height, double XMin, double XMax, double YMin, double YMax)
    {
        public double X(double x) => Left + ((x - XMin) / (XMax - XMin) * Width);

        public double Y(double y) => Top + Height - ((y - YMin) / (YMax - YMin) * Height);
    }
}
