using System.Runtime.InteropServices;
using System.Text;
using Regularization.Mpi;

namespace Regularization.Cli;

/// <summary>
/// The <c>regularization</c> command: <c>train</c> (the seeds' SimpleNet on MNIST with any regularization),
/// <c>compare</c> (six regularizations side by side, with an SVG chart), <c>providers</c> (managed and Intel MKL) and
/// <c>demo</c> (a small least-squares example). Run <c>regularization --help</c> for the options.
/// </summary>
public static class Program
{
    /// <summary>The process entry point: runs the command on the console and returns its exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        using var interrupt = new InterruptSource();

        // SIGINT (Ctrl+C), SIGTERM (kill, docker stop, systemd, timeout, batch schedulers) and SIGHUP (terminal closed)
        // all stop training between two steps and save; a second one while stopping ends the process at once. A
        // background job started with SIGINT ignored can still be stopped with SIGTERM.
        void OnSignal(PosixSignalContext context)
        {
            switch (interrupt.Handle(context.Signal))
            {
                case SignalAction.Stop:
                    context.Cancel = true;
                    break;
                case SignalAction.Force:
                    context.Cancel = true;
                    try
                    {
                        Console.Error.WriteLine(
                            $"error: {SignalName(context.Signal)} while stopping; ended at once without saving (a --save file holds the last complete checkpoint).");
                        Console.Error.Flush();
                    }
                    finally
                    {
                        Environment.Exit(ExitCodes.Forced);
                    }

                    break;
                default:
                    break;
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        // Under mpirun (read from the environment; nothing of MPI is loaded here) only rank 0 writes to standard output,
        // as plain lines (a rank's standard output is a pseudo-terminal: no progress bar, and the raw stream, so that
        // .NET's terminal set-up writes no escape sequence); the other ranks write errors only.
        var underMpi = MpiLaunch.IsUnderMpi;
        var output = !underMpi ? Console.Out
            : MpiLaunch.Rank == 0 ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true }
            : TextWriter.Null;
        var error = underMpi ? new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true } : Console.Error;
        var host = new CliHost(
            output,
            error,
            OutIsTerminal: !underMpi && !Console.IsOutputRedirected,
            ErrIsTerminal: !underMpi && !Console.IsErrorRedirected,
            interrupt,
            Environment.GetEnvironmentVariable);
        var code = Cli.Run(args, host);
        if (MpiWorld.Current is { } world)
        {
            if (code != ExitCodes.Success)
            {
                // This rank failed (its message is written): end every rank now, whatever collective they wait in.
                world.Abort(code);
            }

            world.Dispose();
        }

        return code;
    }

    /// <summary>
    /// Runs the command in this process, writing to the given writers instead of the console (never a progress bar,
    /// never ANSI codes). Returns the exit code instead of ending the process.
    /// </summary>
    /// <param name="args">The command line, without the program name (for example <c>train --epochs 1</c>).</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error: exactly one line for any failure.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CancellationToken.None);

    /// <summary>
    /// Runs the command in this process; cancelling <paramref name="interrupt"/> acts as Ctrl+C (training stops between
    /// two steps, saves the <c>--save</c> checkpoint and returns <see cref="ExitCodes.Interrupted"/>).
    /// </summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="interrupt">Acts as Ctrl+C when cancelled.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken interrupt)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var source = new InterruptSource(interrupt);
        return Cli.Run(args, new CliHost(output, error, false, false, source, Environment.GetEnvironmentVariable));
    }

    private static string SignalName(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => "a second SIGINT (Ctrl+C)",
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGHUP => "SIGHUP",
        _ => signal.ToString(),
    };
}
