using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck.Xunit;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Regularization.Properties;

/// <summary>
/// A law: an FsCheck.Xunit 3.6 <see cref="PropertyAttribute"/> whose configuration comes from the environment, and whose
/// failure message ends with the command that replays it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>REGULARIZATION_PROPERTY_COUNT</c>: cases per law (<see cref="PropertyAttribute.MaxTest"/>; default 200, soak runs use 10000).</item>
/// <item><c>REGULARIZATION_PROPERTY_REPLAY</c>: <c>seed,gamma</c> or <c>seed,gamma,size</c> from a failure message
/// (<see cref="PropertyAttribute.Replay"/>), to replay it.</item>
/// <item>Discards (<c>Prop.When</c>): a law fails (FsCheck reports it exhausted) once more than
/// <see cref="DiscardShare"/> of its case count was discarded (<see cref="PropertyAttribute.MaxRejected"/>).</item>
/// </list>
/// A failure message holds FsCheck's report (the seed, the original and the shrunk counterexample) and, appended by
/// <see cref="LawTestCase"/>, the command that replays it.
/// </remarks>
[XunitTestCaseDiscoverer("Regularization.Properties.LawDiscoverer", "Regularization.Properties")]
public class LawAttribute : PropertyAttribute
{
    /// <summary>The default share of discarded cases a law may have: 10 % of its case count.</summary>
    public const double DefaultDiscardShare = 0.1;

    private double _discardShare = DefaultDiscardShare;

    public LawAttribute()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>The configuration read through <paramref name="environment"/> (tests pass their own).</summary>
    internal LawAttribute(Func<string, string?> environment)
    {
        MaxTest = Law.CountFrom(environment("REGULARIZATION_PROPERTY_COUNT"));
        MaxRejected = Law.MaxDiscards(MaxTest, _discardShare);
        QuietOnSuccess = true;
        var replay = environment("REGULARIZATION_PROPERTY_REPLAY");
        if (!string.IsNullOrWhiteSpace(replay))
        {
            _ = Law.ParseReplay(replay); // a bad value is explained here, not as FsCheck's parse error
            Replay = replay.Trim();
        }
    }

    /// <summary>The largest share of the case count that may be discarded before the law fails (default 10 %).</summary>
    public double DiscardShare
    {
        get => _discardShare;
        set
        {
            _discardShare = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "'DiscardShare' must be in [0, 1].");
            MaxRejected = Law.MaxDiscards(MaxTest, value);
        }
    }

    /// <summary>The FsCheck configuration this attribute stands for (what <c>[Law]</c> runs), for the harness tests.</summary>
    internal Config ToConfig()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(MaxTest).WithMaxRejected(MaxRejected).WithQuietOnSuccess(true);
        return string.IsNullOrEmpty(Replay) ? config : config.WithReplay(FSharpOption<Replay>.Some(Law.ParseReplay(Replay)));
    }
}

/// <summary>Finds <see cref="LawAttribute"/> methods and runs them as <see cref="LawTestCase"/>s.</summary>
public sealed class LawDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new LawTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>FsCheck.Xunit's property test case, whose failure message ends with the replay command.</summary>
public sealed class LawTestCase : PropertyTestCase
{
    [Obsolete("For deserialization only.")]
    public LawTestCase()
    {
    }

    public LawTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method, null)
    {
    }

    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource) =>
        base.RunAsync(diagnosticMessageSink, new ReplayBus(messageBus, TestMethod.TestClass.Class.Name.Split('.')[^1], TestMethod.Method.Name), constructorArguments, aggregator, cancellationTokenSource);

    /// <summary>Appends the replay command to the first message of a failed test.</summary>
    private sealed class ReplayBus(IMessageBus inner, string testClass, string name) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.Messages.Length > 0)
            {
                var messages = failed.Messages.ToArray();
                messages[0] = Law.WithReplayCommand(messages[0], testClass, name);
                message = new TestFailed(failed.Test, failed.ExecutionTime, failed.Output, failed.ExceptionTypes, messages, failed.StackTraces, failed.ExceptionParentIndices);
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
            // The bus belongs to the runner that passed it in.
        }
    }
}

/// <summary>The environment's case count, the discard limit and the replay command.</summary>
internal static class Law
{
    public const int DefaultCount = 200;

    /// <summary>Cases per law from the value of <c>REGULARIZATION_PROPERTY_COUNT</c> (default 200).</summary>
    internal static int CountFrom(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultCount;

    /// <summary>FsCheck's <c>MaxRejected</c> for a share of the case count (at least 1, so one unlucky discard passes).</summary>
    internal static int MaxDiscards(int count, double share) => Math.Max(1, (int)Math.Floor(count * share));

    /// <summary>A failure report with the command that replays it appended.</summary>
    internal static string WithReplayCommand(string report, string testClass, string name) =>
        $"Law '{testClass}.{name}' failed.{Environment.NewLine}{report}{Environment.NewLine}{ReplayCommand(report, testClass, name)}";

    /// <summary>The command that replays a failure, from the seed and size FsCheck reports for the failing step.</summary>
    internal static string ReplayCommand(string report, string testClass, string name)
    {
        // FsCheck 3.6 reports "Last step was invoked with size of N and seed of (seed,gamma)": replaying that seed at
        // that size reruns the failing case at once. The run's own seed "(seed,gamma)" reruns the whole run.
        var step = Regex.Match(report, @"size of (\d+) and seed of \((\d+),(\d+)\)");
        var run = Regex.Match(report, @"\((\d+),(\d+)\)");
        var seed = step.Success
            ? $"{step.Groups[2].Value},{step.Groups[3].Value},{step.Groups[1].Value}"
            : run.Success ? $"{run.Groups[1].Value},{run.Groups[2].Value}" : "<seed,gamma from the report above>";
        return $"Replay: REGULARIZATION_PROPERTY_REPLAY=\"{seed}\" dotnet test properties --filter \"FullyQualifiedName~{testClass}.{name}\"";
    }

    internal static Replay ParseReplay(string text)
    {
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (2 or 3)
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gamma)
            || gamma % 2 == 0
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new ArgumentException($"REGULARIZATION_PROPERTY_REPLAY must be 'seed,gamma' or 'seed,gamma,size' (non-negative integers, gamma odd), not '{text}'.");
        }

        var size = parts.Length == 3 ? FSharpOption<int>.Some(int.Parse(parts[2], CultureInfo.InvariantCulture)) : FSharpOption<int>.None;
        return new Replay(new Rnd(seed, gamma), size);
    }
}

/// <summary>Floating-point helpers for the laws' stated bounds.</summary>
internal static class Fp
{
    /// <summary>The unit roundoff of double, 2^-53.</summary>
    public const double U = 1.1102230246251565e-16;

    /// <summary>The spacing of doubles at <paramref name="x"/> (the distance to the next one away from zero).</summary>
    public static double Ulp(double x)
    {
        x = Math.Abs(x);
        return double.IsFinite(x) ? Math.BitIncrement(x) - x : double.NaN;
    }

    public static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    public static bool BitwiseEqual(ParamSet<double> a, ParamSet<double> b) => a.BitwiseEquals(b);

    /// <summary>
    /// <c>(hi, lo)</c> with <c>hi + lo = a * b</c> exactly (a double-double product), for exact references.
    /// </summary>
    public static (double Hi, double Lo) TwoProduct(double a, double b)
    {
        var hi = a * b;
        return (hi, Math.FusedMultiplyAdd(a, b, -hi));
    }

    /// <summary>A snapshot of every element's bits, to prove that nothing was written.</summary>
    public static long[][] Bits(ParamSet<double> set) =>
        set.Select(p => p.Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits).ToArray()).ToArray();

    public static bool Unchanged(ParamSet<double> set, long[][] before) =>
        set.Select((p, i) => p.Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits).SequenceEqual(before[i])).All(x => x);
}

/// <summary>One pure optimization step: the transform's update, applied to the parameters.</summary>
internal static class Pure
{
    public static Stepped Step(IGradientTransform transform, ParamSet<double> gradients, TransformState state, ParamSet<double> parameters)
    {
        var result = transform.Update(gradients, state, parameters);
        return new Stepped(Updates.Apply(parameters, result.Updates), result.State);
    }
}

/// <summary>The parameters and state after a pure step.</summary>
internal sealed record Stepped(ParamSet<double> Parameters, TransformState State);
