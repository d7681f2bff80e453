using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.FSharp.Core;

namespace Regularization.Properties;

/// <summary>
/// Runs a law with FsCheck 3.6's core API (<c>Check.One</c>), from xUnit.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>REGULARIZATION_PROPERTY_COUNT</c>: cases per law (default 200; soak runs use 10000).</item>
/// <item><c>REGULARIZATION_PROPERTY_REPLAY</c>: <c>seed,gamma</c> or <c>seed,gamma,size</c> from a failure message, to replay it.</item>
/// </list>
/// A failure message holds FsCheck's report (the seed, the original and the shrunk counterexample) and the command
/// that replays it.
/// </remarks>
internal static class Law
{
    public const int DefaultCount = 200;

    public static int Count
    {
        get
        {
            var text = Environment.GetEnvironmentVariable("REGULARIZATION_PROPERTY_COUNT");
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultCount;
        }
    }

    public static void Check(Property property, [CallerMemberName] string name = "", [CallerFilePath] string file = "")
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Count).WithName(name).WithQuietOnSuccess(true);
        var replay = Environment.GetEnvironmentVariable("REGULARIZATION_PROPERTY_REPLAY");
        if (!string.IsNullOrWhiteSpace(replay))
        {
            config = config.WithReplay(FSharpOption<Replay>.Some(ParseReplay(replay)));
        }

        try
        {
            FsCheck.Check.One(config, property);
        }
        catch (Exception e) when (e is not LawFailedException)
        {
            throw new LawFailedException(
                $"Law '{name}' failed.{Environment.NewLine}{e.Message}{Environment.NewLine}{ReplayCommand(e.Message, Path.GetFileNameWithoutExtension(file), name)}",
                e);
        }
    }

    /// <summary>The command that replays a failure, from the seed and size FsCheck reports for the failing step.</summary>
    internal static string ReplayCommand(string report, string testClass, string name)
    {
        // FsCheck 3.6 reports "Last step was invoked with size of N and seed of (seed,gamma)": replaying that seed at
        // that size reruns the failing case at once. The run's own seed "(seed,gamma)" reruns the whole run.
        var step = System.Text.RegularExpressions.Regex.Match(report, @"size of (\d+) and seed of \((\d+),(\d+)\)");
        var run = System.Text.RegularExpressions.Regex.Match(report, @"\((\d+),(\d+)\)");
        var seed = step.Success
            ? $"{step.Groups[2].Value},{step.Groups[3].Value},{step.Groups[1].Value}"
            : run.Success ? $"{run.Groups[1].Value},{run.Groups[2].Value}" : "<seed,gamma from the report above>";
        return $"Replay: REGULARIZATION_PROPERTY_REPLAY=\"{seed}\" dotnet test properties --filter \"FullyQualifiedName~{testClass}.{name}\"";
    }

    internal static Replay ParseReplay(string text)
    {
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (2 or 3))
        {
            throw new ArgumentException($"REGULARIZATION_PROPERTY_REPLAY must be 'seed,gamma' or 'seed,gamma,size', not '{text}'.");
        }

        var rnd = new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        var size = parts.Length == 3 ? FSharpOption<int>.Some(int.Parse(parts[2], CultureInfo.InvariantCulture)) : FSharpOption<int>.None;
        return new Replay(rnd, size);
    }
}

/// <summary>A law failed; the message says how to replay it.</summary>
public sealed class LawFailedException(string message, Exception inner) : Exception(message, inner);

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
