using System.Globalization;
using System.Text;
using System.Xml;

namespace Regularization.Cli.Output;

/// <summary>One run of the chart: its name, a description for the legend's tooltip, and its points per epoch.</summary>
/// <param name="Name">The run's name (legend).</param>
/// <param name="Description">What the run is (tooltip).</param>
/// <param name="Points">Epoch (0 = initial model), test accuracy in percent, weight norm.</param>
internal sealed record SvgSeries(string Name, string Description, IReadOnlyList<(int Epoch, double Accuracy, double Norm)> Points);

/// <summary>
/// A self-contained SVG chart (no script, no external resources): two panels, test accuracy and weight norm per
/// epoch, one line per run with markers, axes with ticks and labels, a legend and a title. Each run's lines and
/// markers are one <c>&lt;g class="series" data-run="name"&gt;</c>.
/// </summary>
internal static class SvgChart
{
    private const string Ns = "http://www.w3.org/2000/svg";
    private const double Width = 1100;
    private const double LegendRow = 22;
    private const double Top = 90, PlotHeight = 330, PanelWidth = 430, LeftA = 80, LeftB = 620;

    // Okabe-Ito colours (distinguishable with colour-vision deficiencies), and dashes so overlapping runs stay visible.
    private static readonly string[] Colors = ["#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];
    private static readonly string[] Dashes = ["none", "none", "8 5", "none", "none", "none", "3 3", "none"];

    public static string Render(string title, string subtitle, IReadOnlyList<SvgSeries> series)
    {
        var maxEpoch = Math.Max(1, series.SelectMany(s => s.Points).Select(p => p.Epoch).DefaultIfEmpty(1).Max());

        // Accuracy from epoch 1 on: the initial model's ~10 % would squeeze the differences between runs into a few pixels.
        var accuracy = NiceRange(series.SelectMany(s => s.Points).Where(p => p.Epoch >= 1).Select(p => p.Accuracy), 0, 100);
        var norm = NiceRange(series.SelectMany(s => s.Points).Select(p => p.Norm), 0, double.PositiveInfinity);

        var height = Top + PlotHeight + 75 + (series.Count * LegendRow) + 10;
        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("svg", Ns);
            Attr(w, "width", Width);
            Attr(w, "height", height);
            w.WriteAttributeString("viewBox", $"0 0 {N(Width)} {N(height)}");
            w.WriteAttributeString("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
            w.WriteAttributeString("role", "img");
            w.WriteElementString("title", Ns, title);
            w.WriteElementString("desc", Ns, $"{subtitle}. Left: test accuracy after each epoch. Right: weight norm (square root of the sum of squares of all parameters) per epoch. Epoch 0 is the initial model.");

            Rect(w, 0, 0, Width, height, "#ffffff", null);
            TextAt(w, Width / 2, 34, title, 20, "middle", "bold");
            TextAt(w, Width / 2, 58, subtitle, 13, "middle", null, "#444444");

            var panelA = maxEpoch >= 2
                ? new Panel(LeftA, Top, PanelWidth, PlotHeight, 1, maxEpoch, accuracy.Min, accuracy.Max)
                : new Panel(LeftA, Top, PanelWidth, PlotHeight, 0.5, 1.5, accuracy.Min, accuracy.Max);
            var panelB = new Panel(LeftB, Top, PanelWidth, PlotHeight, 0, maxEpoch, norm.Min, norm.Max);
            Axes(w, panelA, accuracy.Step, "Test accuracy (%)", "Test accuracy after each epoch", "Epoch");
            Axes(w, panelB, norm.Step, "Weight norm ||w||\u2082 (all parameters)", "Weight norm after each epoch", "Epoch (0 = initial weights)");

            for (var i = 0; i < series.Count; i++)
            {
                var s = series[i];
                var color = Colors[i % Colors.Length];
                var dash = Dashes[i % Dashes.Length];
                w.WriteStartElement("g", Ns);
                w.WriteAttributeString("class", "series");
                w.WriteAttributeString("data-run", s.Name);
                w.WriteAttributeString("id", $"series-{i}");
                Line(w, panelA, s.Points.Where(p => p.Epoch >= 1).Select(p => (p.Epoch, p.Accuracy)), color, dash, s.Name, "test accuracy", "%");
                Line(w, panelB, s.Points.Select(p => (p.Epoch, p.Norm)), color, dash, s.Name, "weight norm", string.Empty);
                w.WriteEndElement();
            }

            Legend(w, series);
            w.WriteEndElement();
        }

        // XmlWriter over a StringBuilder declares utf-16; the file is written as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + Environment.NewLine;
    }

    /// <summary>Bounds and tick step that are round numbers and contain the data, clamped to [floor, ceiling].</summary>
    internal static (double Min, double Max, double Step) NiceRange(IEnumerable<double> values, double floor, double ceiling)
    {
        var finite = values.Where(double.IsFinite).ToList();
        var lo = finite.Count == 0 ? 0 : finite.Min();
        var hi = finite.Count == 0 ? 1 : finite.Max();
        if (hi - lo < 1e-9)
        {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }

        var step = NiceStep((hi - lo) / 5);
        var min = Math.Max(floor, Math.Floor(lo / step) * step);
        var max = Math.Min(ceiling, Math.Ceiling(hi / step) * step);
        if (max <= min)
        {
            max = min + step;
        }

        return (min, max, step);
    }

    internal static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    private static void Axes(XmlWriter w, Panel p, double yStep, string yLabel, string panelTitle, string xLabel)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "axes");
        Rect(w, p.Left, p.Top, p.Width, p.Height, "#fbfbfb", "#cccccc");

        // Horizontal grid and y ticks.
        var stepText = yStep.ToString("0.##########", CultureInfo.InvariantCulture);
        var decimals = stepText.Contains('.', StringComparison.Ordinal) ? stepText.Length - stepText.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var ticks = (int)Math.Round((p.YMax - p.YMin) / yStep);
        for (var k = 0; k <= ticks; k++)
        {
            var y = p.YMin + (k * yStep);
            var py = p.Y(y);
            LineSegment(w, p.Left, py, p.Left + p.Width, py, "#e3e3e3", 1);
            LineSegment(w, p.Left - 5, py, p.Left, py, "#333333", 1);
            TextAt(w, p.Left - 8, py + 4, y.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), 12, "end", null);
        }

        // Vertical grid and x ticks (whole epochs).
        var xStep = Math.Max(1, (int)NiceStep(Math.Max(1, (p.XMax - p.XMin) / 10.0)));
        for (var x = (int)Math.Ceiling(p.XMin); x <= p.XMax; x += xStep)
        {
            var px = p.X(x);
            LineSegment(w, px, p.Top, px, p.Top + p.Height, "#eeeeee", 1);
            LineSegment(w, px, p.Top + p.Height, px, p.Top + p.Height + 5, "#333333", 1);
            TextAt(w, px, p.Top + p.Height + 20, x.ToString(CultureInfo.InvariantCulture), 12, "middle", null);
        }

        LineSegment(w, p.Left, p.Top + p.Height, p.Left + p.Width, p.Top + p.Height, "#333333", 1.5);
        LineSegment(w, p.Left, p.Top, p.Left, p.Top + p.Height, "#333333", 1.5);
        TextAt(w, p.Left + (p.Width / 2), p.Top - 10, panelTitle, 15, "middle", "bold");
        TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 42, xLabel, 13, "middle", null);

        w.WriteStartElement("text", Ns);
        var cx = p.Left - 52;
        var cy = p.Top + (p.Height / 2);
        Attr(w, "x", cx);
        Attr(w, "y", cy);
        w.WriteAttributeString("font-size", "13");
        w.WriteAttributeString("text-anchor", "middle");
        w.WriteAttributeString("transform", $"rotate(-90 {N(cx)} {N(cy)})");
        w.WriteString(yLabel);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Line(XmlWriter w, Panel p, IEnumerable<(int Epoch, double Value)> points, string color, string dash, string name, string what, string unit)
    {
        var list = points.Where(q => double.IsFinite(q.Value)).ToList();
        w.WriteStartElement("polyline", Ns);
        w.WriteAttributeString("fill", "none");
        w.WriteAttributeString("stroke", color);
        w.WriteAttributeString("stroke-width", "2.2");
        w.WriteAttributeString("stroke-linejoin", "round");
        if (dash != "none")
        {
            w.WriteAttributeString("stroke-dasharray", dash);
        }

        w.WriteAttributeString("points", string.Join(' ', list.Select(q => $"{N(p.X(q.Epoch))},{N(p.Y(q.Value))}")));
        w.WriteEndElement();
        foreach (var (epoch, value) in list)
        {
            w.WriteStartElement("circle", Ns);
            Attr(w, "cx", p.X(epoch));
            Attr(w, "cy", p.Y(value));
            w.WriteAttributeString("r", "3.5");
            w.WriteAttributeString("fill", color);
            w.WriteElementString("title", Ns, $"{name}, epoch {epoch}: {what} {value.ToString("F4", CultureInfo.InvariantCulture)}{unit}");
            w.WriteEndElement();
        }
    }

    private static void Legend(XmlWriter w, IReadOnlyList<SvgSeries> series)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "legend");
        const double top = Top + PlotHeight + 75;
        for (var i = 0; i < series.Count; i++)
        {
            const double x = LeftA;
            var y = top + (i * LegendRow);
            w.WriteStartElement("g", Ns);
            w.WriteAttributeString("class", "legend-item");
            w.WriteElementString("title", Ns, series[i].Description);
            var dash = Dashes[i % Dashes.Length];
            w.WriteStartElement("line", Ns);
            Attr(w, "x1", x);
            Attr(w, "y1", y - 4);
            Attr(w, "x2", x + 34);
            Attr(w, "y2", y - 4);
            w.WriteAttributeString("stroke", Colors[i % Colors.Length]);
            w.WriteAttributeString("stroke-width", "3");
            if (dash != "none")
            {
                w.WriteAttributeString("stroke-dasharray", dash);
            }

            w.WriteEndElement();
            TextAt(w, x + 42, y, $"{series[i].Name}: {series[i].Description}", 12, "start", null);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    internal static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string? stroke)
    {
        w.WriteStartElement("rect", Ns);
        Attr(w, "x", x);
        Attr(w, "y", y);
        Attr(w, "width", width);
        Attr(w, "height", height);
        w.WriteAttributeString("fill", fill);
        if (stroke is not null)
        {
            w.WriteAttributeString("stroke", stroke);
        }

        w.WriteEndElement();
    }

    internal static void LineSegment(XmlWriter w, double x1, double y1, double x2, double y2, string stroke, double width)
    {
        w.WriteStartElement("line", Ns);
        Attr(w, "x1", x1);
        Attr(w, "y1", y1);
        Attr(w, "x2", x2);
        Attr(w, "y2", y2);
        w.WriteAttributeString("stroke", stroke);
        Attr(w, "stroke-width", width);
        w.WriteEndElement();
    }

    internal static void TextAt(XmlWriter w, double x, double y, string content, int size, string anchor, string? weight, string? fill = null)
    {
        w.WriteStartElement("text", Ns);
        Attr(w, "x", x);
        Attr(w, "y", y);
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

    private static void Attr(XmlWriter w, string name, double value) => w.WriteAttributeString(name, N(value));

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Panel(double Left, double Top, double Width, double Height, double XMin, double XMax, double YMin, double YMax)
    {
        public double X(double x) => Left + ((x - XMin) / (XMax - XMin) * Width);

        public double Y(double y) => Top + Height - ((y - YMin) / (YMax - YMin) * Height);
    }
}
