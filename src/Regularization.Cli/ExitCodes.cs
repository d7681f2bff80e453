namespace Regularization.Cli;

/// <summary>The exit codes of the <c>regularization</c> command. Every failure also writes exactly one line to standard error.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected error (a bug): the line names the exception type and its message.</summary>
    public const int InternalError = 1;

    /// <summary>Wrong usage: unknown command or option, a value that is not allowed, options that do not go together.</summary>
    public const int Usage = 2;

    /// <summary>The data cannot be used: missing folder or file, malformed or corrupt IDX file, or a CSV that <c>path</c> cannot fit (ragged rows, text in a numeric column, a constant binomial target, bad fold ids).</summary>
    public const int Data = 3;

    /// <summary>A checkpoint cannot be read, written or resumed: missing, corrupt, truncated, from another run or options.</summary>
    public const int Checkpoint = 4;

    /// <summary>The requested linear-algebra provider cannot be used (<c>--provider mkl</c> without Intel MKL), or providers disagree.</summary>
    public const int Provider = 5;

    /// <summary>An output file (<c>--plot</c>) cannot be written.</summary>
    public const int Output = 6;

    /// <summary>Training diverged: a gradient became NaN or infinite (a smaller <c>--lr</c> usually helps); nothing was changed by that step.</summary>
    public const int Diverged = 7;

    /// <summary>
    /// A second interrupt or termination signal arrived while the first was being handled (for example while the
    /// checkpoint was being written): the process ended at once, without saving. A <c>--save</c> file is then the last
    /// complete checkpoint (saves are atomic), never a partial one; the next save removes the abandoned temporary file.
    /// </summary>
    public const int Forced = 8;

    /// <summary>Stopped by SIGHUP (the terminal closed): as <see cref="Interrupted"/>, with 128 + 1.</summary>
    public const int HangUp = 129;

    /// <summary>
    /// Interrupted (Ctrl+C, SIGINT): training stopped between two steps; with <c>--save</c> the checkpoint was written.
    /// A signal before training started ends with the same code and saves nothing (nothing was trained).
    /// </summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (<c>kill</c>, <c>docker stop</c>, systemd, <c>timeout</c>, batch schedulers): as <see cref="Interrupted"/>, with 128 + 15.</summary>
    public const int Terminated = 143;
}
