using System.Globalization;
using System.Text;
using System.Xml;

namespace Regularization.Cli.Output;

/// <summary>
/// The drawing vocabulary shared by the command's charts (<see cref="SvgChart"/>, <see cref="PathChart"/>,
/// <see cref="TuneChart"/>): one document header, plot panels with a horizontal grid and y ticks, vertical marks and
/// rotated axis labels, all written with coordinates rounded to two decimals (invariant culture). Self-contained SVG:
/// no script, no external resources.
/// </summary>
internal static class Svg
{
    internal const string Ns = "http://www.w3.org/2000/svg";

    /// <summary>Writes the charts' common document: the svg element, its title and description, a white background, a
    /// centred title and subtitle; calls <paramref name="body"/> for the rest; returns the text as UTF-8 declared.</summary>
    internal static string Document(double width, double height, string title, string subtitle, string description, Action<XmlWriter> body)
    {
        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("svg", Ns);
            Attr(w, "width", width);
            Attr(w, "height", height);
            w.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
            w.WriteAttributeString("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
            w.WriteAttributeString("role", "img");
            w.WriteElementString("title", Ns, title);
            w.WriteElementString("desc", Ns, description);
            Rect(w, 0, 0, width, height, "#ffffff", null);
            TextAt(w, width / 2, 34, title, 20, "middle", "bold");
            var line = 0;
            foreach (var part in Wrap(subtitle, (int)((width - 40) / 6.8)))
            {
                TextAt(w, width / 2, 58 + (16 * line++), part, 13, "middle", null, "#444444");
            }

            body(w);
            w.WriteEndElement();
        }

        // XmlWriter over a StringBuilder declares utf-16; the file is written as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + Environment.NewLine;
    }

    /// <summary>Splits a subtitle after "; " or ", " (else at spaces) into lines of at most about <paramref name="max"/>
    /// characters (13 px DejaVu Sans averages under 6.8 px a character), so that it stays inside the chart.</summary>
    internal static IEnumerable<string> Wrap(string text, int max)
    {
        var rest = text;
        while (rest.Length > max)
        {
            var cut = rest.LastIndexOf("; ", max, StringComparison.Ordinal);
            var skip = 2;
            if (cut <= 0)
            {
                cut = rest.LastIndexOf(", ", max, StringComparison.Ordinal);
            }

            if (cut <= 0)
            {
                cut = rest.LastIndexOf(' ', max);
                skip = 1;
            }

            if (cut <= 0)
            {
                break;
            }

            yield return rest[..(rest[cut] == ' ' ? cut : cut + 1)];
            rest = rest[(cut + skip)..];
        }

        yield return rest;
    }

    /// <summary>The panel's frame, its horizontal grid with a labelled y tick every <paramref name="yStep"/> (labels
    /// with as many decimals as the step has), and, when <paramref name="tickLength"/> is positive, tick marks left of
    /// the axis.</summary>
    internal static void FrameAndYGrid(XmlWriter w, Panel p, double yStep, double tickLength)
    {
        Rect(w, p.Left, p.Top, p.Width, p.Height, "#fbfbfb", "#cccccc");
        var stepText = yStep.ToString("0.##########", CultureInfo.InvariantCulture);
        var decimals = stepText.Contains('.', StringComparison.Ordinal) ? stepText.Length - stepText.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var ticks = (int)Math.Round((p.YMax - p.YMin) / yStep);
        for (var k = 0; k <= ticks; k++)
        {
            var y = p.YMin + (k * yStep);
            var py = p.Y(y);
            LineSegment(w, p.Left, py, p.Left + p.Width, py, "#e3e3e3", 1);
            if (tickLength > 0)
            {
                LineSegment(w, p.Left - tickLength, py, p.Left, py, "#333333", 1);
            }

            TextAt(w, p.Left - 8, py + 4, y.ToString(format, CultureInfo.InvariantCulture), 12, "end", null);
        }
    }

    /// <summary>A vertical grid line at x = <paramref name="x"/> (data units), its tick below the panel and, when
    /// given, its label.</summary>
    internal static void XTick(XmlWriter w, Panel p, double x, string? label, string gridColor, double tickLength)
    {
        var px = p.X(x);
        LineSegment(w, px, p.Top, px, p.Top + p.Height, gridColor, 1);
        LineSegment(w, px, p.Top + p.Height, px, p.Top + p.Height + tickLength, "#333333", 1);
        if (label is not null)
        {
            TextAt(w, px, p.Top + p.Height + 20, label, 12, "middle", null);
        }
    }

    /// <summary>A dashed vertical line across the panel at pixel x, with a CSS class (the charts' best / one-SE marks).</summary>
    internal static void VerticalMark(XmlWriter w, Panel p, double px, string cssClass, string dash)
    {
        w.WriteStartElement("line", Ns);
        w.WriteAttributeString("class", cssClass);
        Attr(w, "x1", px);
        Attr(w, "y1", p.Top);
        Attr(w, "x2", px);
        Attr(w, "y2", p.Top + p.Height);
        w.WriteAttributeString("stroke", "#0072B2");
        w.WriteAttributeString("stroke-dasharray", dash);
        w.WriteAttributeString("stroke-width", "1.5");
        w.WriteEndElement();
    }

    /// <summary>A vertical error bar with caps at pixel x from data <paramref name="low"/> to <paramref name="high"/>.</summary>
    internal static void ErrorBar(XmlWriter w, Panel p, double px, double low, double high, double cap, string color, double width)
    {
        LineSegment(w, px, p.Y(low), px, p.Y(high), color, width);
        LineSegment(w, px - cap, p.Y(low), px + cap, p.Y(low), color, width);
        LineSegment(w, px - cap, p.Y(high), px + cap, p.Y(high), color, width);
    }

    /// <summary>A filled circle at pixel (x, y) with a tooltip.</summary>
    internal static void Marker(XmlWriter w, double px, double py, double radius, string color, string tooltip)
    {
        w.WriteStartElement("circle", Ns);
        Attr(w, "cx", px);
        Attr(w, "cy", py);
        Attr(w, "r", radius);
        w.WriteAttributeString("fill", color);
        w.WriteElementString("title", Ns, tooltip);
        w.WriteEndElement();
    }

    /// <summary>The y-axis label, rotated, centred on the panel, <paramref name="offset"/> pixels left of it.</summary>
    internal static void YLabel(XmlWriter w, Panel p, double offset, string label)
    {
        w.WriteStartElement("text", Ns);
        w.WriteAttributeString("transform", $"translate({N(p.Left - offset)},{N(p.Top + (p.Height / 2))}) rotate(-90)");
        w.WriteAttributeString("text-anchor", "middle");
        w.WriteAttributeString("font-size", "13");
        w.WriteString(label);
        w.WriteEndElement();
    }

    /// <summary>The x and y axis lines along the panel's bottom and left edges.</summary>
    internal static void AxisLines(XmlWriter w, Panel p)
    {
        LineSegment(w, p.Left, p.Top + p.Height, p.Left + p.Width, p.Top + p.Height, "#333333", 1.5);
        LineSegment(w, p.Left, p.Top, p.Left, p.Top + p.Height, "#333333", 1.5);
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

    /// <summary>The smallest of 1, 2, 2.5, 5, 10 times a power of ten that is at least <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
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

    internal static void Attr(XmlWriter w, string name, double value) => w.WriteAttributeString(name, N(value));

    internal static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A plot area in pixels and the data ranges it maps.</summary>
    internal sealed record Panel(double Left, double Top, double Width, double Height, double XMin, double XMax, double YMin, double YMax)
    {
        public double X(double x) => Left + ((x - XMin) / (XMax - XMin) * Width);

        public double Y(double y) => Top + Height - ((y - YMin) / (YMax - YMin) * Height);
    }
}
