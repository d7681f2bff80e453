using Regularization.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Regularization.Cli.Output;

/// <summary>
/// Progress while training. On a terminal: a live Spectre.Console bar (batches done/total, rate, time left) with the
/// epoch lines printed above it. Redirected: the epoch lines only, as plain text (never an escape code). With
/// <c>--json</c>: no lines at all on standard output; a bar on standard error if that is a terminal.
/// </summary>
internal abstract class ProgressView
{
    /// <summary>The view for a command.</summary>
    /// <param name="host">The host.</param>
    /// <param name="json">True with <c>--json</c>: standard output is reserved for the JSON document.</param>
    public static ProgressView For(CliHost host, bool json)
    {
        if (json)
        {
            return host.ErrIsTerminal ? new Live(CreateConsole(host.Err, host.ForceAnsi), echo: false) : new Plain(null);
        }

        return host.OutIsTerminal ? new Live(CreateConsole(host.Out, host.ForceAnsi), echo: true) : new Plain(host.Out);
    }

    /// <summary>Runs <paramref name="body"/> with the view active (a live bar is removed when it returns or throws).</summary>
    public abstract T Run<T>(Func<T> body);

    /// <summary>Reports a finished batch of a run.</summary>
    /// <param name="label">The run's label (empty for <c>train</c>).</param>
    /// <param name="progress">The batch.</param>
    /// <param name="epochs">The run's number of epochs.</param>
    public abstract void Batch(string label, in BatchProgress progress, int epochs);

    /// <summary>Prints a line of the normal output (epoch lines); nothing with <c>--json</c>.</summary>
    public abstract void Line(string text);

    /// <summary>Reports a job counted in units rather than batches (<c>tune</c>: the epochs of all trials); one bar.</summary>
    /// <param name="description">What is going on (for example <c>trial 5/16</c>).</param>
    /// <param name="done">Units done.</param>
    /// <param name="total">Units in all.</param>
    public abstract void Units(string description, double done, double total);

    private static IAnsiConsole CreateConsole(TextWriter writer, bool force) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = force ? AnsiSupport.Yes : AnsiSupport.Detect,
            Interactive = force ? InteractionSupport.Yes : InteractionSupport.Detect,
            ColorSystem = force ? ColorSystemSupport.Standard : ColorSystemSupport.Detect,
        });

    private sealed class Plain(TextWriter? writer) : ProgressView
    {
        public override T Run<T>(Func<T> body) => body();

        public override void Batch(string label, in BatchProgress progress, int epochs)
        {
        }

        public override void Units(string description, double done, double total)
        {
        }

        public override void Line(string text)
        {
            if (writer is not null)
            {
                writer.WriteLine(text);
                writer.Flush();
            }
        }
    }

    private sealed class Live(IAnsiConsole console, bool echo) : ProgressView
    {
        private ProgressContext? _context;
        private ProgressTask? _task;
        private (string Label, int Epoch) _current;

        public override T Run<T>(Func<T> body)
        {
            var result = default(T)!;
            console.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn { Width = 24 },
                    new BatchesColumn(),
                    new RateColumn(),
                    new LeftColumn())
                .Start(context =>
                {
                    _context = context;
                    try
                    {
                        result = body();
                    }
                    finally
                    {
                        _task?.StopTask();
                        _context = null;
                    }
                });
            return result;
        }

        public override void Batch(string label, in BatchProgress progress, int epochs)
        {
            if (_context is null)
            {
                return;
            }

            if (_task is null || _current != (label, progress.Epoch))
            {
                _task?.StopTask();
                _task = _context.AddTask(Markup.Escape($"{label}Epoch {progress.Epoch}/{epochs}"), autoStart: true, maxValue: progress.BatchesPerEpoch);
                _task.Value = progress.Batch - 1;
                _current = (label, progress.Epoch);
            }

            _task.Description = Markup.Escape(
                $"{label}Epoch {progress.Epoch}/{epochs} loss {Text.F(progress.RunningAverageLoss, 4)}");
            _task.Value = progress.Batch;
            if (progress.Batch == progress.BatchesPerEpoch)
            {
                // The epoch's training is done; the test evaluation follows, then the epoch lines.
                _task.Description = Markup.Escape($"{label}Epoch {progress.Epoch}/{epochs} evaluating");
            }
        }

        public override void Units(string description, double done, double total)
        {
            if (_context is null)
            {
                return;
            }

            _task ??= _context.AddTask(Markup.Escape(description), autoStart: true, maxValue: Math.Max(1, total));
            _task.MaxValue = Math.Max(1, total);
            _task.Description = Markup.Escape(description);
            _task.Value = Math.Min(done, _task.MaxValue);
        }

        public override void Line(string text)
        {
            if (echo)
            {
                if (_task is not null && _task.IsFinished)
                {
                    _task.StopTask();
                }

                console.WriteLine(text);
            }
        }
    }

    private sealed class BatchesColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(Markup.Escape($"{task.Value:0}/{task.MaxValue:0}"));
    }

    private sealed class RateColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.Speed is { } speed ? Markup.Escape($"{speed:0.0} batch/s") : "[grey]-- batch/s[/]");
    }

    private sealed class LeftColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.RemainingTime is { } left && !task.IsFinished ? Markup.Escape($"{left:h\\:mm\\:ss} left") : "[grey]-:--:-- left[/]");
    }
}
