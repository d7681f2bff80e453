using System.Text.Json;
using System.Xml.Linq;

namespace Regularization.Cli.Tests;

[Collection("in-process")]
public sealed class CompareTests : IDisposable
{
    private static readonly string[] Names = ["none", "l2-loss", "weight-decay", "l1-loss", "proximal-l1", "adamw"];
    private static readonly string[] Slice = ["--epochs", "2", "--train-limit", "640", "--test-limit", "200", "--provider", "managed"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Compare_prints_a_table_and_writes_an_svg_with_one_series_per_run()
    {
        var svgPath = _folder.File("chart.svg");
        var r = CliRunner.Run(["compare", "--plot", svgPath, .. Slice]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        Assert.DoesNotContain('\u001b', r.Out);
        var header = Array.FindIndex(r.OutLines, l => l.StartsWith("Run ", StringComparison.Ordinal));
        Assert.True(header >= 0, r.ToString());
        foreach (var column in new[] { "Regularization", "Test acc", "Train acc", "Gap", "Sum of squares", "Exact zeros", "s/epoch" })
        {
            Assert.Contains(column, r.OutLines[header], StringComparison.Ordinal);
        }

        for (var i = 0; i < Names.Length; i++)
        {
            Assert.StartsWith(Names[i] + " ", r.OutLines[header + 1 + i], StringComparison.Ordinal);
        }

        // The strengths are stated.
        Assert.Contains("SGD(lr=0.01) + 0.0005*sum(w^2) in the loss", r.Out, StringComparison.Ordinal);
        Assert.Contains("SGD(lr=0.01, weight_decay=0.001) [coupled decay]", r.Out, StringComparison.Ordinal);
        Assert.Contains("AdamW(lr=0.001, weight_decay=0.01)", r.Out, StringComparison.Ordinal);
        Assert.Contains(r.OutLines, l => l.StartsWith("L2 term 0.0005 vs weight_decay 0.001: final parameters differ by at most ", StringComparison.Ordinal));

        var svg = XDocument.Load(svgPath);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.False(string.IsNullOrWhiteSpace(svg.Root.Element(ns + "title")?.Value));
        var series = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        Assert.Equal(Names, series.Select(g => (string?)g.Attribute("data-run")));
        foreach (var g in series)
        {
            var lines = g.Elements(ns + "polyline").ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal(2, lines[0].Attribute("points")!.Value.Split(' ').Length); // accuracy after epochs 1 and 2
            Assert.Equal(3, lines[1].Attribute("points")!.Value.Split(' ').Length); // norm at epochs 0, 1 and 2
        }

        Assert.Equal(Names.Length, svg.Descendants(ns + "g").Count(g => (string?)g.Attribute("class") == "legend-item"));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("Test accuracy (%)", texts);
        Assert.Contains(texts, t => t.StartsWith("Weight norm", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Epoch", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_json_has_every_run_and_its_history()
    {
        // float64: there the L2 term and the doubled weight decay agree to 1e-12 (in float32 they agree to rounding).
        var r = CliRunner.Run(["compare", "--json", "--dtype", "float64", .. Slice]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        using var document = JsonDocument.Parse(r.Out);
        var runs = document.RootElement.GetProperty("Runs").EnumerateArray().ToList();
        Assert.Equal(Names, runs.Select(x => x.GetProperty("Name").GetString()));
        foreach (var run in runs)
        {
            Assert.Equal(3, run.GetProperty("History").GetArrayLength());
            Assert.True(run.GetProperty("Result").GetProperty("TestAccuracyPercent").GetDouble() > 0);
        }

        // The second seed's equivalence: an L2 term lambda and SGD weight_decay = 2 * lambda follow the same trajectory.
        Assert.True(document.RootElement.GetProperty("L2TermVersusWeightDecayMaxDifference").GetDouble() < 1e-12);
        var zeros = runs.ToDictionary(x => x.GetProperty("Name").GetString()!, x => x.GetProperty("Result").GetProperty("Zeros").GetInt64());
        Assert.Equal(0, zeros["l1-loss"]);
        Assert.True(zeros["proximal-l1"] > 0);
    }

    [Fact]
    public void Interrupting_compare_writes_no_table_and_no_chart()
    {
        var svgPath = _folder.File("chart.svg");
        using var interrupt = new CancellationTokenSource();
        var calls = 0;
        var r = CliRunner.RunHost(
            ["compare", "--plot", svgPath, .. Slice],
            observer: _ =>
            {
                if (++calls == 15)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, r.ExitCode);
        Assert.Equal("interrupted during run 1 of 6 (none); no table or chart written.", Assert.Single(r.ErrLines));
        Assert.False(File.Exists(svgPath));
        Assert.DoesNotContain(r.OutLines, l => l.StartsWith("Run ", StringComparison.Ordinal));
    }
}
