using System.Globalization;
using System.Xml;
using Regularization.Linear;
using static Regularization.Cli.Output.Svg;

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

        var coefficients = NiceRange(path.Coefficients.SelectMany(c => c), double.NegativeInfinity, double.PositiveInfinity);
        var curve = cv is null
            ? path.DevianceRatios.ToArray()
            : cv.CvMean.ToArray();
        var low = cv is null ? curve : curve.Select((m, k) => m - cv.CvSe[k]).ToArray();
        var high = cv is null ? curve : curve.Select((m, k) => m + cv.CvSe[k]).ToArray();
        var errors = NiceRange(low.Concat(high), double.NegativeInfinity, double.PositiveInfinity);
        var description = $"{subtitle}. Left: coefficients (original scale) against log(lambda). Right: " +
            (cv is null ? "fraction of deviance explained" : $"{cv.FoldCount}-fold cross-validated {Measure(cv.Measure)} with one-standard-error bars") +
            ". Dashed lines: lambda.min and lambda.1se. Top: number of nonzero coefficients.";
        return Document(Width, Height, title, subtitle, description, w =>
        {
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
                    ErrorBar(w, b, x, low[k], high[k], 3, "#999999", 1);
                }

                Marker(w, x, b.Y(curve[k]), 3, "#D55E00", FormattableString.Invariant($"lambda {path.Lambdas[k]:G4}: {curve[k]:G5}") + (cv is null ? string.Empty : FormattableString.Invariant($" ± {cv.CvSe[k]:G3}")));
            }

            w.WriteEndElement();
            if (cv is not null)
            {
                foreach (var (index, label) in new[] { (cv.IndexMin, "lambda.min"), (cv.Index1Se, "lambda.1se") })
                {
                    foreach (var panel in new[] { a, b })
                    {
                        VerticalMark(w, panel, panel.X(logs[index]), label == "lambda.min" ? "lambda-min" : "lambda-1se", label == "lambda.min" ? "6 4" : "2 3");
                    }

                    TextAt(w, b.X(logs[index]) + 4, b.Top + 14 + (label == "lambda.min" ? 0 : 16), $"{label} {path.Lambdas[index].ToString("G3", CultureInfo.InvariantCulture)}", 11, "start", null, "#0072B2");
                }
            }
        });
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
        FrameAndYGrid(w, p, yStep, tickLength: 0);
        var xStep = NiceStep(Math.Max(1e-9, (p.XMax - p.XMin) / 6));
        for (var x = Math.Ceiling(p.XMin / xStep) * xStep; x <= p.XMax + 1e-9; x += xStep)
        {
            XTick(w, p, x, x.ToString("0.##", CultureInfo.InvariantCulture), "#eeeeee", 5);
        }

        TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 42, "log(lambda)", 13, "middle", null);
        TextAt(w, p.Left + (p.Width / 2), p.Top - 34, panelTitle, 14, "middle", "bold");
        YLabel(w, p, 55, yLabel);
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
}
