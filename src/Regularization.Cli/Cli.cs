using System.CommandLine;
using System.CommandLine.Parsing;
using Regularization.Cli.Commands;
using Regularization.Mkl;
using Regularization.Training;

namespace Regularization.Cli;

/// <summary>The command tree, parsing, and the one place where failures become one line and an exit code.</summary>
internal static class Cli
{
    public const string Name = "regularization";

    public static RootCommand CreateRoot(CliHost host)
    {
        var root = new RootCommand(
            "Regularized training over MathNet.Numerics: the seeds' SimpleNet (784-128-10) on MNIST with weight decay, " +
            "L1/L2 loss terms, proximal L1 and AdamW, on the managed provider or Intel MKL.");
        root.Add(TrainCommand.Create(host));
        root.Add(CompareCommand.Create(host));
        root.Add(ProvidersCommand.Create(host));
        root.Add(DemoCommand.Create(host));
        root.Add(PathCommand.Create(host));
        root.Add(TuneCommand.Create(host));
        root.Add(HelpCommand.Create(root, host));
        return root;
    }

    /// <summary>How commands are invoked: the host's writers, no default exception handler (failures are classified here), no termination timeout.</summary>
    public static InvocationConfiguration Configuration(CliHost host) => new()
    {
        Output = host.Out,
        Error = host.Err,
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };

    public static int Run(string[] args, CliHost host)
    {
        var root = CreateRoot(host);
        var configuration = Configuration(host);

        try
        {
            if (args.Length == 0)
            {
                return root.Parse(["--help"]).Invoke(configuration);
            }

            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
            {
                return Fail(host, ExitCodes.Usage, UsageLine(parse));
            }

            return parse.Invoke(configuration);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            return Fail(host, code, message);
        }
    }

    /// <summary>Writes the one error line and returns the code.</summary>
    public static int Fail(CliHost host, int code, string message)
    {
        host.Err.WriteLine(OneLine(message));
        host.Err.Flush();
        return code;
    }

    /// <summary>The exit code and the message of a failure.</summary>
    public static (int Code, string Message) Classify(Exception e) => e switch
    {
        CliException c => (c.ExitCode, "error: " + c.Message),
        IdxFormatException or DirectoryNotFoundException => (ExitCodes.Data, "error: data: " + e.Message),
        CheckpointException => (ExitCodes.Checkpoint, "error: checkpoint: " + e.Message),
        Regularization.Tuning.TrialLogException => (ExitCodes.Checkpoint, "error: trial log: " + e.Message),
        MklUnavailableException => (ExitCodes.Provider, "error: provider: " + e.Message),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted."),
        _ => (ExitCodes.InternalError, $"error: internal error ({e.GetType().Name}): {e.Message}"),
    };

    /// <summary>An argument exception's message without the <c>(Parameter 'name')</c> suffix .NET appends.</summary>
    public static string WithoutParameterName(ArgumentException e)
    {
        var message = e.Message;
        if (e.ParamName is { } name)
        {
            var suffix = $" (Parameter '{name}')";
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message.Remove(at, suffix.Length);
            }
        }

        return message;
    }

    /// <summary>Collapses a message to one line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string UsageLine(ParseResult parse)
    {
        // "Unrecognized command or argument" says more than "Required command was not provided" for `regularization bogus`.
        var errors = parse.Errors.Select(e => e.Message).ToList();
        var first = errors.FirstOrDefault(m => m.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? errors[0];
        var command = parse.CommandResult.Command;
        var path = command is RootCommand ? Name : $"{Name} {command.Name}";
        return $"error: {first.TrimEnd('.')}. Run '{path} --help' for usage.";
    }
}
