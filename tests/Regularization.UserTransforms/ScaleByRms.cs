using System.Numerics;
using Regularization;

namespace Regularization.UserTransforms;

/// <summary>
/// A user-defined element-wise primitive with state: RMSprop's scaling (Hinton's lecture 6e, PyTorch's
/// <c>RMSprop</c> without momentum): <c>s = rho*s + (1-rho)*u^2</c>, <c>u' = u / (sqrt(s) + eps)</c>. One slot,
/// <c>square_avg</c>. This whole file is the definition: init, the pure update, the fused in-place step, checkpoints and
/// state validation all come from the <see cref="ElementwiseTransform"/> base.
/// </summary>
public sealed class ScaleByRms : ElementwiseTransform
{
    /// <summary>Creates the primitive.</summary>
    /// <param name="rho">The decay of the running average, in [0, 1).</param>
    /// <param name="epsilon">Added to the root, &gt; 0.</param>
    public ScaleByRms(double rho = 0.99, double epsilon = 1e-8)
        : base("square_avg")
    {
        Rho = rho is >= 0 and < 1 ? rho : throw new ArgumentOutOfRangeException(nameof(rho), rho, "'rho' must be in [0, 1).");
        Epsilon = epsilon > 0 && double.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "'epsilon' must be > 0.");
    }

    /// <summary>The decay of the running average.</summary>
    public double Rho { get; }

    /// <summary>Added to the root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    protected override object EqualityKey => (Rho, Epsilon);

    /// <inheritdoc />
    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? (values.ToArray().Any(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) < 0) ? "holds a negative mean square" : null);

    /// <inheritdoc />
    protected override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new Rule<T>(VectorMath.Broadcast<T>(Rho), VectorMath.Broadcast<T>(1 - Rho), VectorMath.Broadcast<T>(Epsilon)));

    private readonly struct Rule<T>(Vector<T> rho, Vector<T> oneMinusRho, Vector<T> epsilon) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            s0 = VectorMath.MultiplyAdd(oneMinusRho * u, u, s0 * rho);
            u /= VectorMath.Sqrt(s0) + epsilon;
        }
    }
}
