namespace Regularization.Tests;

/// <summary>README.md's examples are the compiled ones, and they work.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void CSharpQuickStartIsTheCompiledSnippet()
    {
        var readme = File.ReadAllText(Path.Combine(TestUtil.RepositoryRoot(), "README.md"));
        var source = File.ReadAllText(Path.Combine(TestUtil.SourceDirectory(), "ReadmeExamples.cs"));
        Assert.Equal(Snippets.FromSource(source, "csharp-quickstart"), Snippets.FromReadme(readme, "csharp-quickstart"));
    }

    [Fact]
    public void CSharpQuickStartFitsTheLeastSquaresProblem()
    {
        var (pure, facade, plan) = ReadmeExamples.CSharpQuickStart();
        var truth = new[] { 1.0, -2.0, 0.5, 0.5, 0.0, 1.0 };
        for (var i = 0; i < truth.Length; i++)
        {
            Assert.Equal(truth[i], pure["W"].Value.AsColumnMajorArray()[i], 2);
            Assert.Equal(truth[i], facade["W"].Value.AsColumnMajorArray()[i], 1);
        }

        Assert.Equal(0.3, pure["b"].Value[0, 1], 2);

        Assert.Contains("excluded by mask", plan);
        Assert.Contains("decoupled", plan);

        // The README shows the plan the quick start prints.
        var readme = File.ReadAllText(Path.Combine(TestUtil.RepositoryRoot(), "README.md")).Replace("\r\n", "\n");
        var at = readme.IndexOf("```text\nDecay plan at step 300", StringComparison.Ordinal);
        Assert.True(at >= 0, "README shows the quick start's decay plan");
        var shown = readme[(at + "```text\n".Length)..readme.IndexOf("\n```", at + 7, StringComparison.Ordinal)];
        Assert.Equal(plan.Replace("\r\n", "\n"), shown);
    }
}

/// <summary>Extracts snippets marked in sources and README.</summary>
internal static class Snippets
{
    /// <summary>
    /// The snippet's regions in order (a snippet may have several, for example its usings at the top of the file and
    /// its statements in a method), each without its common indentation, joined by a blank line.
    /// </summary>
    public static string FromSource(string source, string name)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var parts = new List<string>();
        for (var start = Array.FindIndex(lines, l => l.Trim() == $"// begin-snippet: {name}"); start >= 0;
             start = Array.FindIndex(lines, start + 1, l => l.Trim() == $"// begin-snippet: {name}"))
        {
            var end = Array.FindIndex(lines, start + 1, l => l.Trim() == "// end-snippet");
            Assert.True(end > start, $"snippet {name} has no end in source");
            var body = lines[(start + 1)..end];
            var indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            parts.Add(string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim());
        }

        Assert.True(parts.Count > 0, $"snippet {name} not found in source");
        return string.Join("\n\n", parts);
    }

    public static string FromReadme(string readme, string name)
    {
        var text = readme.Replace("\r\n", "\n");
        var marker = $"<!-- snippet: {name} -->";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README has no {marker}");
        var open = text.IndexOf("```", at, StringComparison.Ordinal);
        var bodyStart = text.IndexOf('\n', open) + 1;
        var close = text.IndexOf("\n```", bodyStart, StringComparison.Ordinal);
        return text[bodyStart..close].Trim();
    }
}
