using System.Runtime.InteropServices;
using Regularization.Training;

namespace Regularization.Cli;

/// <summary>
/// Where a command writes and what it may know about its surroundings: the two writers, whether they are terminals
/// (only then is a live progress bar drawn, so redirected output never holds ANSI escape codes), the interrupt token
/// (Ctrl+C, SIGTERM, SIGHUP) and the environment.
/// </summary>
internal sealed record CliHost(
    TextWriter Out,
    TextWriter Err,
    bool OutIsTerminal,
    bool ErrIsTerminal,
    InterruptSource Interrupt,
    Func<string, string?> Environment)
{
    /// <summary>Called after every training batch, on the training thread (tests use it to interrupt at a given step).</summary>
    public Action<BatchProgress>? BatchObserver { get; init; }

    /// <summary>Replaces the loaded data sets (tests wrap them to observe reads, for example that <c>tune</c> reads the test set only once, after the search).</summary>
    public Func<DataSets, DataSets>? DataHook { get; init; }

    /// <summary>For a live display on a writer that is not the process console (tests): force ANSI and interaction.</summary>
    public bool ForceAnsi { get; init; }
}

/// <summary>What the signal handler must do with a signal (see <see cref="InterruptSource.Handle"/>).</summary>
internal enum SignalAction
{
    /// <summary>No command is ready to stop cleanly: let the signal end the process as usual.</summary>
    Default,

    /// <summary>The first signal: the command stops between two steps, saves and exits; the process goes on until then.</summary>
    Stop,

    /// <summary>A second signal while stopping: end the process at once with <see cref="ExitCodes.Forced"/>.</summary>
    Force,
}

/// <summary>
/// Interrupts for commands that can stop cleanly (<c>train</c>, <c>compare</c>): while <see cref="Accepting"/>, the first
/// SIGINT, SIGTERM or SIGHUP cancels <see cref="Token"/> instead of ending the process (a signal that arrives during
/// start-up is kept and acted on when training would start); a second one asks to end the process at once.
/// While not accepting, signals keep their default action.
/// </summary>
internal sealed class InterruptSource : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _gate = new();
    private volatile bool _accepting;

    /// <summary>An interrupt source that is never signalled by the process (in-process runs).</summary>
    public InterruptSource()
    {
    }

    /// <summary>An interrupt source linked to a caller's token (in-process runs that want to interrupt).</summary>
    public InterruptSource(CancellationToken external)
    {
        if (external.CanBeCanceled)
        {
            external.Register(_cts.Cancel);
        }
    }

    /// <summary>True while a command is ready to stop cleanly (from its start to its end).</summary>
    public bool Accepting
    {
        get => _accepting;
        set => _accepting = value;
    }

    /// <summary>Cancelled by the first signal (or the caller's token).</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The first signal taken, or null (none, or an in-process interrupt).</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The exit code for the stop: 130 for SIGINT and in-process interrupts, 143 for SIGTERM, 129 for SIGHUP.</summary>
    public int ExitCode => Signal switch
    {
        PosixSignal.SIGTERM => ExitCodes.Terminated,
        PosixSignal.SIGHUP => ExitCodes.HangUp,
        _ => ExitCodes.Interrupted,
    };

    /// <summary>How the stop is named in the message: <c> by SIGTERM</c>, or empty for Ctrl+C and in-process interrupts.</summary>
    public string By => Signal switch
    {
        PosixSignal.SIGTERM => " by SIGTERM",
        PosixSignal.SIGHUP => " by SIGHUP",
        PosixSignal.SIGINT => " by SIGINT (Ctrl+C)",
        _ => string.Empty,
    };

    /// <summary>Decides what a signal does (called on the signal-handling thread).</summary>
    /// <param name="signal">The signal.</param>
    public SignalAction Handle(PosixSignal signal)
    {
        lock (_gate)
        {
            if (!_accepting)
            {
                return SignalAction.Default;
            }

            if (_cts.IsCancellationRequested)
            {
                return SignalAction.Force;
            }

            Signal = signal;
            _cts.Cancel();
            return SignalAction.Stop;
        }
    }

    public void Dispose() => _cts.Dispose();
}
