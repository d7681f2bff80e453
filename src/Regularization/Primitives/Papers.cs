using System.Numerics;
using System.Runtime.CompilerServices;
using Regularization.Internal;

namespace Regularization;

// Optimizers from papers rather than from torch.optim (issue 12 item 3): Lion's sign update and the trust ratio of LAMB
// and LARS. The chains around them are in Optimizers.Papers.cs.

/// <summary>
/// Lion's scaling (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as the paper's reference code
/// (<c>google/automl</c>, <c>lion/lion_pytorch.py</c>): <c>c = m*b1 + u*(1-b1)</c> (two products and a sum, as that code
/// rounds them), output <c>sign(c)</c> (0 where <c>c</c> is 0), then <c>m = b2*m + (1-b2)*u</c>. Slot <c>exp_avg</c>.
/// </summary>
internal sealed class ScaleByLionPrimitive : ElementwiseTransform
{
    public ScaleByLionPrimitive(double beta1, double beta2)
        : base("exp_avg")
    {
        Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1));
        Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2));
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    protected override object EqualityKey => (Beta1, Beta2);

    public override string ToString() => $"ScaleByLion(beta1 {Validate.Format(Beta1)}, beta2 {Validate.Format(Beta2)})";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new Rule<T>(Num<T>.Splat(Beta1), Num<T>.Splat(1 - Beta1), Num<T>.Splat(Beta2), Num<T>.Splat(1 - Beta2)));

    private readonly struct Rule<T>(Vector<T> beta1, Vector<T> oneMinusBeta1, Vector<T> beta2, Vector<T> oneMinusBeta2) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // update = exp_avg * beta1 + grad * (1 - beta1); exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)
            var c = (s0 * beta1) + (u * oneMinusBeta1);
            s0 = VectorMath.MultiplyAdd(oneMinusBeta2, u, s0 * beta2);
            u = VectorMath.Sign(c);
        }
    }
}

/// <summary>
/// The layer-wise trust ratio of LARS and LAMB: for each parameter, <c>u' = r * u</c> with
/// <c>r = trustCoefficient * min(||p||, maxWeightNorm) / (||u|| + eps)</c>, and <c>r = 1</c> where
/// <c>min(||p||, maxWeightNorm)</c> or <c>||u||</c> is 0 (Euclidean norms over the whole parameter). Stateless
/// (<see cref="EmptyState"/>). A sealed record: equal when its three values are.
/// </summary>
/// <remarks>
/// The factor is a reduction over the whole parameter, so this is not an element rule: the fused plan treats it as a
/// barrier that splits the parameter's pass in two (the ops before it over the whole parameter, the norms, then the
/// scaling and the ops after it). The norms are sums of squares in double in a fixed order, whatever the element type.
/// </remarks>
internal sealed record ScaleByTrustRatioTransform : IGradientTransform
{
    public ScaleByTrustRatioTransform(double trustCoefficient, double epsilon, double maxWeightNorm)
    {
        TrustCoefficient = Validate.Positive(trustCoefficient, nameof(trustCoefficient));
        Epsilon = Validate.NonNegative(epsilon, nameof(epsilon));
        MaxWeightNorm = double.IsNaN(maxWeightNorm) || maxWeightNorm <= 0
            ? throw new ArgumentOutOfRangeException(nameof(maxWeightNorm), maxWeightNorm, "The largest weight norm must be > 0 (infinity for no clipping).")
            : maxWeightNorm;
    }

    public double TrustCoefficient { get; }

    public double Epsilon { get; }

    public double MaxWeightNorm { get; }

    /// <summary>The factor for one parameter from its norm and its update's norm.</summary>
    public double Factor(double weightNorm, double updateNorm)
    {
        var w = Math.Min(weightNorm, MaxWeightNorm);
        return w == 0 || updateNorm == 0 ? 1 : TrustCoefficient * w / (updateNorm + Epsilon);
    }

    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return EmptyState.Instance;
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => Engine<T>.TryUpdatePure(this, updates, state, parameters)!;

    public void WriteState(TransformState state, StateWriter writer) => Validate.State<EmptyState>(state, this);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => EmptyState.Instance;

    public override string ToString() =>
        $"ScaleByTrustRatio(coefficient {Validate.Format(TrustCoefficient)}, epsilon {Validate.Format(Epsilon)}, max weight norm {Validate.Format(MaxWeightNorm)})";
}
