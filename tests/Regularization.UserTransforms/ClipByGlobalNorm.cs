using Regularization;

namespace Regularization.UserTransforms;

/// <summary>
/// A user-defined transform that is not element-wise: it scales all updates by <c>min(1, maxNorm / ||u||_2)</c> with the
/// norm over every parameter (Optax's <c>clip_by_global_norm</c>, PyTorch's <c>clip_grad_norm_</c>), and counts the
/// steps it clipped. It implements <see cref="IGradientTransform"/> directly, so it runs unfused, and writes its own
/// state for checkpoints.
/// </summary>
public sealed record ClipByGlobalNorm : IGradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="maxNorm">The largest global norm let through, &gt; 0.</param>
    public ClipByGlobalNorm(double maxNorm) =>
        MaxNorm = maxNorm > 0 && double.IsFinite(maxNorm) ? maxNorm : throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "'maxNorm' must be > 0.");

    /// <summary>The largest global norm let through.</summary>
    public double MaxNorm { get; }

    /// <inheritdoc />
    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => new ClipState(0);

    /// <inheritdoc />
    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(updates);
        var clip = state as ClipState ?? throw new ArgumentException($"'state' is a {state?.GetType().Name}, not a ClipState.", nameof(state));
        var norm = Math.Sqrt(updates.Sum(q => q.Value.Enumerate().Sum(v => Square(ToDouble(v)))));
        if (!(norm > MaxNorm))
        {
            return new StepResult<T>(updates, clip);
        }

        var factor = MaxNorm / norm;
        var scaled = updates.Map(q => q.Value.Map(v => FromDouble<T>(ToDouble(v) * factor)));
        return new StepResult<T>(scaled, new ClipState(clip.ClippedSteps + 1));
    }

    /// <inheritdoc />
    public void WriteState(TransformState state, StateWriter writer) =>
        writer.WriteInt64(((ClipState)state).ClippedSteps);

    /// <inheritdoc />
    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => new ClipState(reader.ReadCount("clipped-step count"));

    private static double Square(double x) => x * x;

    private static double ToDouble<T>(T v)
        where T : struct, IFormattable => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);

    private static T FromDouble<T>(double v)
        where T : struct => typeof(T) == typeof(double) ? (T)(object)v : (T)(object)(float)v;
}

/// <summary>The state of <see cref="ClipByGlobalNorm"/>: how many steps it clipped.</summary>
/// <param name="ClippedSteps">Steps whose updates were scaled down.</param>
public sealed record ClipState(long ClippedSteps) : TransformState;
