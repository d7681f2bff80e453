using System.CommandLine;
using System.Text.RegularExpressions;

namespace Regularization.Cli.Tests;

/// <summary>
/// Help for every command (exit 0, also as <c>regularization help COMMAND</c>), choices listed once, limits above the
/// data set's size said on standard error, <c>--plot</c> refusing what it would not write, and README's layout naming
/// every project.
/// </summary>
[Collection("in-process")]
public sealed class UsabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _data;

    public UsabilityTests()
    {
        _data = TinyData.Write(_folder.File("data"));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Every command of the tree (the help command included), so that a new command is checked too.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var command in Root().Subcommands)
        {
            data.Add(command.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_exits_0_for_every_command_and_help_COMMAND_prints_the_same(string command)
    {
        var dashed = CliRunner.Run(command, "--help");
        Assert.True(dashed.ExitCode == 0, dashed.ToString());
        Assert.Equal(string.Empty, dashed.Err);
        // In process the program name is the test host's; the command follows it.
        Assert.Matches($@"Usage:\n +\S+ {command}( |$)", dashed.Out.Replace("\r\n", "\n", StringComparison.Ordinal));

        var word = CliRunner.Run("help", command);
        Assert.True(word.ExitCode == 0, word.ToString());
        Assert.Equal(string.Empty, word.Err);
        Assert.Equal(dashed.Out, word.Out);
    }

    [Fact]
    public void Help_train_is_the_train_help_and_help_alone_the_overview()
    {
        var r = CliRunner.Run("help", "train");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(" train [options]", r.Out, StringComparison.Ordinal);
        Assert.Contains("--optimizer <", r.Out, StringComparison.Ordinal);

        var overview = CliRunner.Run("help");
        Assert.Equal(0, overview.ExitCode);
        Assert.Equal(CliRunner.Run("--help").Out, overview.Out);
        Assert.Contains("  help <command>", overview.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_for_an_unknown_command_is_a_usage_error_that_lists_the_commands()
    {
        var r = CliRunner.Run("help", "bogus");

        ErrorTests.AssertOneLine(r, ExitCodes.Usage);
        Assert.Equal(string.Empty, r.Out);
        Assert.Equal(
            "error: help: there is no command 'bogus'; the commands are train, compare, providers, demo, path, tune, help. Run 'regularization help --help' for usage.",
            r.Err.TrimEnd());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_choice_list_appears_once_in_its_help(string command)
    {
        // In the options' rows (a command's description may name the choices in its summary).
        var output = CliRunner.Run(command, "--help").Out;
        var help = Flat(output[output.IndexOf("Options:", StringComparison.Ordinal)..]);
        var options = Root().Subcommands.Single(c => c.Name == command).Options.Where(o => o.HelpName?.Contains('|') == true).ToList();
        foreach (var option in options)
        {
            Assert.Equal(1, Occurrences(help, option.HelpName!));
        }

        if (command == "train")
        {
            // The issue's case: the optimizer list was shown as the placeholder and again after the description.
            Assert.Contains(options, o => o.Name == "--optimizer");
            Assert.Equal(1, Occurrences(help, "sgd|sgdw|adam|adamw|rmsprop|adagrad|adadelta|adamax|nadam|nadamw|radam|radamw|asgd|rprop|lion|lamb|lars"));
        }
    }

    [Fact]
    public void A_train_limit_above_the_data_set_is_said_on_stderr_and_the_whole_set_is_used()
    {
        var r = CliRunner.Run("train", "--train-limit", "100000000", "--epochs", "1", "--data", _data, "--provider", "managed");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([$"warning: --train-limit 100000000 is more than the 64 training images in {_data}; using all 64."], r.ErrLines);
        Assert.StartsWith("SimpleNet 64-128-10, float32, on 64 training, 16 test images of 8x8 from ", r.OutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_limit_above_the_data_set_is_said_on_stderr_for_compare_too()
    {
        var r = CliRunner.Run("compare", "--test-limit", "17", "--train-limit", "64", "--epochs", "1", "--data", _data, "--provider", "managed");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([$"warning: --test-limit 17 is more than the 16 test images in {_data}; using all 16."], r.ErrLines);
    }

    [Fact]
    public void Limits_within_the_data_set_say_nothing()
    {
        var r = CliRunner.Run("train", "--train-limit", "64", "--test-limit", "16", "--epochs", "1", "--data", _data, "--provider", "managed");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
    }

    [Theory]
    [InlineData("compare", "c.png")]
    [InlineData("compare", "chart.svg.pdf")]
    [InlineData("tune", "t.png")]
    [InlineData("path", "p.png")]
    public void A_plot_that_is_not_svg_is_refused_as_usage_before_anything_runs(string command, string name)
    {
        var plot = _folder.File(name);
        string[] args = command switch
        {
            "tune" => ["tune", "--param", "l2", "--range", "1e-3:1", "--data", _data, "--plot", plot],
            "path" => ["path", _folder.File("missing.csv"), "--plot", plot],
            _ => [command, "--data", _data, "--plot", plot],
        };

        var r = CliRunner.Run(args);

        ErrorTests.AssertOneLine(r, ExitCodes.Usage);
        Assert.Equal(
            $"error: --plot {plot}: only SVG is written; give a file name ending in .svg. Run 'regularization {command} --help' for usage.",
            r.Err.TrimEnd());
        Assert.False(File.Exists(plot));
    }

    [Fact]
    public void A_plot_named_svg_in_any_case_is_accepted()
    {
        var plot = _folder.File("C.SVG");
        var r = CliRunner.Run("compare", "--epochs", "1", "--data", _data, "--provider", "managed", "--plot", plot);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("svg", System.Xml.Linq.XDocument.Load(plot).Root!.Name.LocalName);
    }

    [Fact]
    public void Readme_layout_names_every_project_folder()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var at = readme.IndexOf("\n## Layout\n", StringComparison.Ordinal);
        Assert.True(at >= 0, "README has a Layout section");
        var open = readme.IndexOf("```text\n", at, StringComparison.Ordinal);
        var layout = readme[open..readme.IndexOf("\n```", open + 8, StringComparison.Ordinal)];
        var listed = Regex.Matches(layout, @"^(\S+/)", RegexOptions.Multiline).Select(m => m.Groups[1].Value.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        var projects = new[] { "src", "tests", "properties", "bench" }
            .SelectMany(top => Directory.GetDirectories(Path.Combine(root, top)).Select(d => $"{top}/{Path.GetFileName(d)}"))
            .Where(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.*proj").Any())
            .ToList();
        Assert.Contains("tests/Regularization.Cli.Tests", projects);
        foreach (var project in projects)
        {
            Assert.True(listed.Contains(project), $"README's Layout does not name {project}/");
        }
    }

    private static RootCommand Root()
    {
        using var source = new InterruptSource();
        return Cli.CreateRoot(new CliHost(TextWriter.Null, TextWriter.Null, false, false, source, Environment.GetEnvironmentVariable));
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Regularization.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Regularization.sln not found above " + AppContext.BaseDirectory);
    }
}
