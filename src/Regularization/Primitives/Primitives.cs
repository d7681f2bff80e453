using System.Numerics;
using System.Runtime.CompilerServices;
using Regularization.Internal;

namespace Regularization;

/// <summary><c>u' = factor * u</c>. <c>Scale(-1)</c> is PyTorch's <c>maximize</c>.</summary>
internal sealed class ScalePrimitive : ElementwiseTransform
{
    public ScalePrimitive(double factor) => Factor = Validate.Finite(factor, nameof(factor));

    public double Factor { get; }

    protected override object EqualityKey => Factor;

    public override string ToString() => $"Scale({Validate.Format(Factor)})";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) => sink.Use(new ScaleRule<T>(Num<T>.Splat(Factor)));
}

/// <summary><c>u' = -lr(t) * u</c>: the descent direction scaled by the learning rate.</summary>
internal sealed class ScaleByLearningRatePrimitive : ElementwiseTransform
{
    public ScaleByLearningRatePrimitive(Schedule learningRate)
    {
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
    }

    public Schedule LearningRate { get; }

    protected override object EqualityKey => LearningRate;

    public override string ToString() => $"ScaleByLearningRate({LearningRate.Describe()})";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new ScaleRule<T>(Num<T>.Splat(-LearningRate.Checked(count, "learning rate"))));
}

internal readonly struct ScaleRule<T>(Vector<T> factor) : IElementRule<T>
    where T : struct, IEquatable<T>, IFormattable
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3) => u *= factor;
}

/// <summary><c>u' = u + c * p</c> (one rounding); identity when <c>c = 0</c>. Coupled decay (<c>c = lambda</c>) and decoupled decay (<c>c = -c(t)</c>).</summary>
internal readonly struct AddScaledParameterRule<T>(Vector<T> c, bool active) : IElementRule<T>
    where T : struct, IEquatable<T>, IFormattable
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
    {
        if (active)
        {
            u = VectorMath.MultiplyAdd(c, p, u);
        }
    }
}

/// <summary><c>u' = u + lambda(t) * p</c>: the gradient of <c>(lambda/2) * sum(p^2)</c>, PyTorch's coupled <c>weight_decay</c>.</summary>
internal sealed class AddDecayedWeightsPrimitive : ElementwiseTransform
{
    public AddDecayedWeightsPrimitive(Schedule weightDecay) => WeightDecay = Validate.Schedule(weightDecay, nameof(weightDecay));

    public Schedule WeightDecay { get; }

    protected override object EqualityKey => WeightDecay;

    public override string ToString() => $"AddDecayedWeights({WeightDecay.Describe()})";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var lambda = WeightDecay.Checked(count, "weight decay");
        sink.Use(new AddScaledParameterRule<T>(Num<T>.Splat(lambda), lambda != 0));
    }
}

/// <summary>Decoupled decay after the learning-rate scaling: <c>u' = u - c(t) * p</c>.</summary>
internal sealed class AddDecoupledWeightDecayPrimitive : ElementwiseTransform
{
    public AddDecoupledWeightDecayPrimitive(Schedule weightDecay, Schedule learningRate, DecayScaling scaling)
    {
        WeightDecay = Validate.Schedule(weightDecay, nameof(weightDecay));
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        Scaling = Enum.IsDefined(scaling) ? scaling : throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown DecayScaling.");
    }

    public Schedule WeightDecay { get; }

    public Schedule LearningRate { get; }

    public DecayScaling Scaling { get; }

    protected override object EqualityKey => (WeightDecay, LearningRate, Scaling);

    public override string ToString() => $"AddDecoupledWeightDecay(lambda {WeightDecay.Describe()}, learning rate {LearningRate.Describe()}, {Scaling})";

    public double Coefficient(long step) => DecayMath.Coefficient(WeightDecay, LearningRate, Scaling, step, "weight decay");

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var c = Coefficient(count);
        sink.Use(new AddScaledParameterRule<T>(Num<T>.Splat(-c), c != 0));
    }
}

/// <summary>
/// PyTorch momentum: <c>b = momentum*b + (1 - dampening)*u</c> (the first <c>b</c> is <c>u</c>), output <c>b</c> or, with
/// Nesterov, <c>u + momentum*b</c>. Slot <c>momentum_buffer</c>.
/// </summary>
internal sealed class TracePrimitive : ElementwiseTransform
{
    public TracePrimitive(double momentum, double dampening, bool nesterov)
        : base("momentum_buffer")
    {
        Momentum = Validate.NonNegative(momentum, nameof(momentum));
        Dampening = Validate.Unit(dampening, nameof(dampening));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException(
                $"Nesterov momentum requires a momentum > 0 and zero dampening (momentum = {Validate.Format(momentum)}, dampening = {Validate.Format(dampening)}).",
                nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    public double Momentum { get; }

    public double Dampening { get; }

    public bool Nesterov { get; }

    protected override object EqualityKey => (Momentum, Dampening, Nesterov);

    public override string ToString() => $"Trace(momentum {Validate.Format(Momentum)}, dampening {Validate.Format(Dampening)}, nesterov {Nesterov})";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new TraceRule<T>(Num<T>.Splat(Momentum), Num<T>.Splat(1 - Dampening), Nesterov, count == 0));

    private readonly struct TraceRule<T>(Vector<T> momentum, Vector<T> oneMinusDampening, bool nesterov, bool first) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // PyTorch: buf = clone(d_p) at the first step, else buf.mul_(momentum).add_(d_p, alpha=1-dampening).
            s0 = first ? u : VectorMath.MultiplyAdd(oneMinusDampening, u, s0 * momentum);
            u = nesterov ? VectorMath.MultiplyAdd(momentum, s0, u) : s0;
        }
    }
}

/// <summary>
/// What the Adam-like scalings share (Adam, Adamax, NAdam, RAdam): the slots <c>exp_avg</c> and one or two more (the
/// second moment or the infinity norm, which a checkpoint may not make negative), two decays in [0, 1) and an
/// epsilon &gt; 0, checked by name as the optimizers' argument rules say.
/// </summary>
internal abstract class MomentsPrimitive : ElementwiseTransform
{
    private readonly string _nonNegative;

    protected MomentsPrimitive(double beta1, double beta2, double epsilon, string nonNegative, params string[] slotNames)
        : base(slotNames)
    {
        Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1));
        Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2));
        Epsilon = Validate.Epsilon(epsilon, nameof(epsilon));
        _nonNegative = nonNegative;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    protected override object EqualityKey => (Beta1, Beta2, Epsilon);

    /// <summary>What <see cref="ToString"/> adds after the decays and the epsilon (empty for nothing).</summary>
    protected virtual string Extras => "";

    /// <summary><c>ScaleByX(beta1 b1, beta2 b2, epsilon e...)</c>, named after the class.</summary>
    public override string ToString() =>
        $"{GetType().Name[..^"Primitive".Length]}(beta1 {Validate.Format(Beta1)}, beta2 {Validate.Format(Beta2)}, epsilon {Validate.Format(Epsilon)}{Extras})";

    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? (slot >= 1 ? SlotChecks.NonNegative(values, _nonNegative) : null);
}

/// <summary>
/// Adam's scaling: <c>m = b1*m + (1-b1)*u</c>, <c>v = b2*v + (1-b2)*u^2</c>, output
/// <c>(m * (1 / (1 - b1^t))) / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>. Slots <c>exp_avg</c>, <c>exp_avg_sq</c> and, with
/// AMSGrad, <c>max_exp_avg_sq</c> (the running maximum of the raw <c>v</c>, as PyTorch's code takes it). Without bias
/// correction (LAMB as its reference code, the paper's v3) both corrections are 1: output <c>m / (sqrt(v) + eps)</c>.
/// </summary>
internal sealed class ScaleByAdamPrimitive : MomentsPrimitive
{
    public ScaleByAdamPrimitive(double beta1, double beta2, double epsilon, bool amsGrad, bool biasCorrection = true)
        : base(beta1, beta2, epsilon, "second moment", amsGrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"])
    {
        AmsGrad = amsGrad;
        BiasCorrection = biasCorrection;
    }

    public bool BiasCorrection { get; }

    public bool AmsGrad { get; }

    protected override object EqualityKey => (Beta1, Beta2, Epsilon, AmsGrad, BiasCorrection);

    protected override string Extras => $", amsgrad {AmsGrad}{(BiasCorrection ? "" : ", no bias correction")}";

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        // PyTorch (Python floats): bias_correction1 = 1 - beta1 ** step; bias_correction2_sqrt = math.sqrt(1 - beta2 ** step).
        var step = count + 1;
        var inverseBiasCorrection1 = BiasCorrection ? 1 / (1 - Math.Pow(Beta1, step)) : 1;
        var inverseBiasCorrection2Sqrt = BiasCorrection ? 1 / Math.Sqrt(1 - Math.Pow(Beta2, step)) : 1;
        sink.Use(new AdamRule<T>(
            Num<T>.Splat(Beta1), Num<T>.Splat(1 - Beta1), Num<T>.Splat(Beta2), Num<T>.Splat(1 - Beta2),
            Num<T>.Splat(inverseBiasCorrection1), Num<T>.Splat(inverseBiasCorrection2Sqrt), Num<T>.Splat(Epsilon), AmsGrad));
    }

    private readonly struct AdamRule<T>(
        Vector<T> beta1, Vector<T> oneMinusBeta1, Vector<T> beta2, Vector<T> oneMinusBeta2, Vector<T> inverseBiasCorrection1, Vector<T> inverseBiasCorrection2Sqrt, Vector<T> epsilon, bool amsGrad)
        : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // exp_avg.mul_(b1).add_(u, alpha=1-b1); exp_avg_sq.mul_(b2).addcmul_(u, u, value=1-b2): fused as PyTorch's vector kernels are.
            s0 = VectorMath.MultiplyAdd(oneMinusBeta1, u, s0 * beta1);
            s1 = VectorMath.MultiplyAdd(oneMinusBeta2 * u, u, s1 * beta2);
            var v = s1;
            if (amsGrad)
            {
                s2 = VectorMath.Max(s2, s1);
                v = s2;
            }

            u = s0 * inverseBiasCorrection1 / ((VectorMath.Sqrt(v) * inverseBiasCorrection2Sqrt) + epsilon);
        }
    }
}

/// <summary>
/// The proximal step of <c>eta*l1*|w| + eta*l2*w^2</c> after the step: new parameter <c>soft(p + u, t) / d</c> with
/// <c>t = c1(t)</c>, <c>d = 1 + 2*c2(t)</c>; as an update, <c>soft(p + u, t) / d - p</c> (exactly <c>-p</c> where the
/// threshold zeroes the weight, so the new weight is an exact zero).
/// </summary>
internal sealed class ProximalPrimitive : ElementwiseTransform
{
    public ProximalPrimitive(Schedule l1, Schedule l2, Schedule learningRate, DecayScaling scaling)
    {
        L1 = Validate.Schedule(l1, nameof(l1));
        L2 = Validate.Schedule(l2, nameof(l2));
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        Scaling = Enum.IsDefined(scaling) ? scaling : throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown DecayScaling.");
    }

    public Schedule L1 { get; }

    public Schedule L2 { get; }

    public Schedule LearningRate { get; }

    public DecayScaling Scaling { get; }

    protected override object EqualityKey => (L1, L2, LearningRate, Scaling);

    public override string ToString() => $"Proximal(l1 {L1.Describe()}, l2 {L2.Describe()}, learning rate {LearningRate.Describe()}, {Scaling})";

    public ProximalScalars At(long step)
    {
        var threshold = DecayMath.Coefficient(L1, LearningRate, Scaling, step, "proximal L1");
        var c2 = DecayMath.Coefficient(L2, LearningRate, Scaling, step, "proximal L2");
        return new ProximalScalars(threshold, 1 + (2 * c2));
    }

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var s = At(count);
        sink.Use(new ProximalRule<T>(Num<T>.Splat(s.Threshold), Num<T>.Splat(s.Divisor), s.Threshold != 0 || s.Divisor != 1));
    }

    private readonly struct ProximalRule<T>(Vector<T> threshold, Vector<T> divisor, bool active) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            if (active)
            {
                u = (VectorMath.SoftThreshold(p + u, threshold) / divisor) - p;
            }
        }
    }
}

/// <summary>The threshold and divisor of a proximal step: new weight <c>soft(w, Threshold) / Divisor</c>.</summary>
/// <param name="Threshold">The soft threshold.</param>
/// <param name="Divisor">The ridge divisor, <c>1 + 2*c2</c>.</param>
internal readonly record struct ProximalScalars(double Threshold, double Divisor);
