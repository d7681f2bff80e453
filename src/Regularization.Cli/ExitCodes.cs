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

    /// <summary>Interrupted (Ctrl+C): training stopped between two steps; with <c>--save</c> the checkpoint was written.</summary>
    public const int Interrupted = 130;
}
