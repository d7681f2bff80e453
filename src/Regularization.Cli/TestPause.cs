namespace Regularization.Cli;

/// <summary>
/// A pause for the signal tests, so that a signal can be sent while the command is in a given phase: set
/// <c>REGULARIZATION_TEST_PAUSE</c> to <c>startup,MARKER</c> (pause before loading the data until a signal or 30 s) or
/// <c>save,N,MS,MARKER</c> (during the N-th checkpoint save, after the temporary file is complete and before the rename,
/// pause MS milliseconds). The command creates the file MARKER when the pause begins. Not for use outside tests; any
/// other value is ignored.
/// </summary>
internal sealed class TestPause
{
    public const string Variable = "REGULARIZATION_TEST_PAUSE";

    private readonly string _phase;
    private readonly int _nth;
    private readonly int _milliseconds;
    private readonly string _marker;
    private int _saves;

    private TestPause(string phase, int nth, int milliseconds, string marker)
    {
        _phase = phase;
        _nth = nth;
        _milliseconds = milliseconds;
        _marker = marker;
    }

    /// <summary>The pause the environment asks for, or null.</summary>
    public static TestPause? From(CliHost host)
    {
        var value = host.Environment(Variable);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split(',', 4);
        if (parts is ["startup", var startupMarker])
        {
            return new TestPause("startup", 0, 30_000, startupMarker);
        }

        if (parts is ["save", var n, var ms, var saveMarker] && int.TryParse(n, out var nth) && int.TryParse(ms, out var milliseconds))
        {
            return new TestPause("save", nth, milliseconds, saveMarker);
        }

        return null;
    }

    /// <summary>At start-up: pauses until <paramref name="token"/> is cancelled (a signal) or 30 s.</summary>
    public void AtStartup(CancellationToken token)
    {
        if (_phase == "startup")
        {
            File.WriteAllText(_marker, "startup");
            token.WaitHandle.WaitOne(_milliseconds);
        }
    }

    /// <summary>During a save, with the temporary file complete: pauses on the N-th save.</summary>
    public void AtSave(string temporaryFile)
    {
        if (_phase == "save" && ++_saves == _nth)
        {
            File.WriteAllText(_marker, temporaryFile);
            Thread.Sleep(_milliseconds);
        }
    }
}
