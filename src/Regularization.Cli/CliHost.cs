using Regularization.Training;

namespace Regularization.Cli;

/// <summary>
/// Where a command writes and what it may know about its surroundings: the two writers, whether they are terminals
/// (only then is a live progress bar drawn, so redirected output never holds ANSI escape codes), the interrupt token
/// (Ctrl+C) and the environment.
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

    /// <summary>For a live display on a writer that is not the process console (tests): force ANSI and interaction.</summary>
    public bool ForceAnsi { get; init; }
}

/// <summary>
/// Ctrl+C for commands that can stop cleanly: while <see cref="Armed"/>, an interrupt cancels <see cref="Token"/>
/// instead of ending the process; a second interrupt (or one while not armed) ends the process as usual.
/// </summary>
internal sealed class InterruptSource : IDisposable
{
    private readonly CancellationTokenSource _cts = new();

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

    /// <summary>True while a command is ready to stop cleanly.</summary>
    public bool Armed { get; set; }

    /// <summary>Cancelled by an interrupt.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Handles a signal: true when it was taken (the process must go on and stop cleanly).</summary>
    public bool TrySignal()
    {
        if (!Armed || _cts.IsCancellationRequested)
        {
            return false;
        }

        _cts.Cancel();
        return true;
    }

    public void Dispose() => _cts.Dispose();
}
