using System.Globalization;
using System.Xml;
using static Regularization.Cli.Output.Svg;

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
        var description = $"{subtitle}. Left: test accuracy after each epoch. Right: weight norm (square root of the sum of squares of all parameters) per epoch. Epoch 0 is the initial model.";
        return Document(Width, height, title, subtitle, description, w =>
        {
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
        });
    }

    private static void Axes(XmlWriter w, Panel p, double yStep, string yLabel, string panelTitle, string xLabel)
    {
        w.WriteStartElement("g", Ns);
        w.WriteAttributeString("class", "axes");
        FrameAndYGrid(w, p, yStep, tickLength: 5);

        // Vertical grid and x ticks (whole epochs).
        var xStep = Math.Max(1, (int)NiceStep(Math.Max(1, (p.XMax - p.XMin) / 10.0)));
        for (var x = (int)Math.Ceiling(p.XMin); x <= p.XMax; x += xStep)
        {
            XTick(w, p, x, x.ToString(CultureInfo.InvariantCulture), "#eeeeee", 5);
        }

        AxisLines(w, p);
        TextAt(w, p.Left + (p.Width / 2), p.Top - 10, panelTitle, 15, "middle", "bold");
        TextAt(w, p.Left + (p.Width / 2), p.Top + p.Height + 42, xLabel, 13, "middle", null);

        YLabel(w, p, 52, yLabel);
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
            Marker(w, p.X(epoch), p.Y(value), 3.5, color, $"{name}, epoch {epoch}: {what} {value.ToString("F4", CultureInfo.InvariantCulture)}{unit}");
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
}
