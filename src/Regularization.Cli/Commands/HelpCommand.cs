using System.CommandLine;

namespace Regularization.Cli.Commands;

/// <summary>
/// <c>regularization help [COMMAND]</c>: the help of a command, exactly what <c>regularization COMMAND --help</c> prints
/// (the overview without a command), with exit code 0. An unknown command is a usage error (exit 2) that lists the
/// commands.
/// </summary>
internal static class HelpCommand
{
    public const string Name = "help";

    /// <summary>Creates the command; call it after every other command has been added to <paramref name="root"/>.</summary>
    public static Command Create(RootCommand root, CliHost host)
    {
        var names = root.Subcommands.Select(c => c.Name).ToList();
        names.Add(Name);
        var target = new Argument<string?>("command")
        {
            Description = $"The command to describe ({string.Join(", ", names)}); without one, the overview.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        target.Validators.Add(r =>
        {
            var value = r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;
            if (value is not null && !names.Contains(value, StringComparer.Ordinal))
            {
                r.AddError($"help: there is no command '{value}'; the commands are {string.Join(", ", names)}.");
            }
        });

        var command = new Command(Name, "Show the help of a command (the same as 'regularization COMMAND --help'), or the overview.");
        command.Add(target);
        command.SetAction(parse =>
        {
            var name = parse.GetValue(target);
            string[] args = name is null ? ["--help"] : [name, "--help"];
            return root.Parse(args).Invoke(Cli.Configuration(host));
        });
        return command;
    }
}
