using System.Numerics;
using System.Runtime.CompilerServices;
using Regularization.Internal;

namespace Regularization;

// The PyTorch 1.13 optimizer family (issue 12): one primitive per optimizer, each mirroring the operation order and the
// fused multiply-adds of torch.optim's _single_tensor_* functions. The chains around them are in Optimizers.Family.cs.

/// <summary>Checks of slots read from a checkpoint, shared by the primitives (Adam's family, RMSprop, Adagrad, ...).</summary>
internal static class SlotChecks
{
    /// <summary>Null when every element is &gt;= 0; otherwise the message naming <paramref name="what"/>.</summary>
    public static string? NonNegative<T>(ReadOnlySpan<T> values, string what)
        where T : struct, IEquatable<T>, IFormattable
    {
        foreach (var v in values)
        {
            if (Num<T>.ToDouble(v) < 0)
            {
                return $"holds a negative {what}";
            }
        }

        return null;
    }
}

/// <summary>
/// RMSprop's scaling, as <c>torch.optim.RMSprop</c>: <c>v = alpha*v + (1-alpha)*u^2</c>; centered:
/// <c>g = alpha*g + (1-alpha)*u</c> and <c>avg = sqrt(v - g^2) + eps</c>, else <c>avg = sqrt(v) + eps</c>; with momentum
/// <c>b = momentum*b + u/avg</c> and output <c>b</c>, else output <c>u/avg</c>. Slots <c>square_avg</c>, <c>grad_avg</c>
/// (centered), <c>momentum_buffer</c> (momentum &gt; 0).
/// </summary>
internal sealed class ScaleByRmsPropPrimitive : ElementwiseTransform
{
    public ScaleByRmsPropPrimitive(double alpha, double epsilon, double momentum, bool centered)
        : base(["square_avg", .. centered ? new[] { "grad_avg" } : [], .. momentum > 0 ? new[] { "momentum_buffer" } : []])
    {
        Alpha = Validate.NonNegative(alpha, nameof(alpha));
        Epsilon = Validate.Epsilon(epsilon, nameof(epsilon));
        Momentum = Validate.NonNegative(momentum, nameof(momentum));
        Centered = centered;
    }

    public double Alpha { get; }

    public double Epsilon { get; }

    public double Momentum { get; }

    public bool Centered { get; }

    protected override object EqualityKey => (Alpha, Epsilon, Momentum, Centered);

    public override string ToString() =>
        $"ScaleByRmsProp(alpha {Validate.Format(Alpha)}, epsilon {Validate.Format(Epsilon)}, momentum {Validate.Format(Momentum)}, centered {Centered})";

    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? (slot == 0 ? SlotChecks.NonNegative(values, "mean square") : null);

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new Rule<T>(Num<T>.Splat(Alpha), Num<T>.Splat(1 - Alpha), Num<T>.Splat(Epsilon), Num<T>.Splat(Momentum), Centered, Momentum > 0));

    private readonly struct Rule<T>(Vector<T> alpha, Vector<T> oneMinusAlpha, Vector<T> epsilon, Vector<T> momentum, bool centered, bool hasMomentum)
        : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // square_avg.mul_(alpha).addcmul_(grad, grad, value=1-alpha)
            s0 = VectorMath.MultiplyAdd(oneMinusAlpha * u, u, s0 * alpha);
            Vector<T> avg;
            if (centered)
            {
                // grad_avg.mul_(alpha).add_(grad, alpha=1-alpha); avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                s1 = VectorMath.MultiplyAdd(oneMinusAlpha, u, s1 * alpha);
                avg = VectorMath.Sqrt(VectorMath.MultiplyAdd(-s1, s1, s0)) + epsilon;
            }
            else
            {
                avg = VectorMath.Sqrt(s0) + epsilon;
            }

            if (hasMomentum)
            {
                // buf.mul_(momentum).addcdiv_(grad, avg)
                ref var buffer = ref centered ? ref s2 : ref s1;
                buffer = (buffer * momentum) + (u / avg);
                u = buffer;
            }
            else
            {
                u /= avg;
            }
        }
    }
}

/// <summary>
/// Adagrad, as <c>torch.optim.Adagrad</c>, learning rate included: <c>sum = sum + u^2</c>,
/// <c>clr = lr(t) / (1 + (step-1)*lrDecay)</c>, output <c>(-clr*u) / (sqrt(sum) + eps)</c>. Slot <c>sum</c>, starting at
/// <c>initialAccumulatorValue</c>.
/// </summary>
internal sealed class AdagradPrimitive : ElementwiseTransform
{
    public AdagradPrimitive(Schedule learningRate, double lrDecay, double initialAccumulatorValue, double epsilon)
        : base("sum")
    {
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        LrDecay = Validate.NonNegative(lrDecay, nameof(lrDecay));
        InitialAccumulatorValue = Validate.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
        Epsilon = Validate.Epsilon(epsilon, nameof(epsilon));
    }

    public Schedule LearningRate { get; }

    public double LrDecay { get; }

    public double InitialAccumulatorValue { get; }

    public double Epsilon { get; }

    protected override object EqualityKey => (LearningRate, LrDecay, InitialAccumulatorValue, Epsilon);

    public override string ToString() =>
        $"Adagrad(learning rate {LearningRate.Describe()}, lr decay {Validate.Format(LrDecay)}, initial accumulator {Validate.Format(InitialAccumulatorValue)}, epsilon {Validate.Format(Epsilon)})";

    protected override double InitialValue(int slot) => InitialAccumulatorValue;

    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? SlotChecks.NonNegative(values, "sum of squares");

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        // PyTorch: step = state step after the increment; clr = lr / (1 + (step - 1) * lr_decay).
        var clr = LearningRate.Checked(count, "learning rate") / (1 + (count * LrDecay));
        sink.Use(new Rule<T>(Num<T>.Splat(-clr), Num<T>.Splat(Epsilon)));
    }

    private readonly struct Rule<T>(Vector<T> negativeClr, Vector<T> epsilon) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // state_sum.addcmul_(grad, grad, value=1); std = state_sum.sqrt().add_(eps); param.addcdiv_(grad, std, value=-clr)
            s0 = VectorMath.MultiplyAdd(u, u, s0);
            u = negativeClr * u / (VectorMath.Sqrt(s0) + epsilon);
        }
    }
}

/// <summary>
/// Adadelta's scaling, as <c>torch.optim.Adadelta</c>: <c>v = rho*v + (1-rho)*u^2</c>,
/// <c>d = sqrt(a + eps) / sqrt(v + eps) * u</c>, <c>a = rho*a + (1-rho)*d^2</c>, output <c>d</c>. Slots
/// <c>square_avg</c>, <c>acc_delta</c>.
/// </summary>
internal sealed class ScaleByAdadeltaPrimitive : ElementwiseTransform
{
    public ScaleByAdadeltaPrimitive(double rho, double epsilon)
        : base("square_avg", "acc_delta")
    {
        Rho = Validate.Unit(rho, nameof(rho));
        Epsilon = Validate.Epsilon(epsilon, nameof(epsilon));
    }

    public double Rho { get; }

    public double Epsilon { get; }

    protected override object EqualityKey => (Rho, Epsilon);

    public override string ToString() => $"ScaleByAdadelta(rho {Validate.Format(Rho)}, epsilon {Validate.Format(Epsilon)})";

    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? SlotChecks.NonNegative(values, slot == 0 ? "mean square" : "mean square update");

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink) =>
        sink.Use(new Rule<T>(Num<T>.Splat(Rho), Num<T>.Splat(1 - Rho), Num<T>.Splat(Epsilon)));

    private readonly struct Rule<T>(Vector<T> rho, Vector<T> oneMinusRho, Vector<T> epsilon) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // square_avg.mul_(rho).addcmul_(grad, grad, value=1-rho); std = square_avg.add(eps).sqrt_()
            // delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad); acc_delta.mul_(rho).addcmul_(delta, delta, value=1-rho)
            s0 = VectorMath.MultiplyAdd(oneMinusRho * u, u, s0 * rho);
            var delta = VectorMath.Sqrt(s1 + epsilon) / VectorMath.Sqrt(s0 + epsilon) * u;
            s1 = VectorMath.MultiplyAdd(oneMinusRho * delta, delta, s1 * rho);
            u = delta;
        }
    }
}

/// <summary>
/// Adamax's scaling, as <c>torch.optim.Adamax</c>: <c>m = b1*m + (1-b1)*u</c>, <c>n = max(b2*n, |u| + eps)</c>, output
/// <c>(m / n) / (1 - b1^t)</c>. Slots <c>exp_avg</c>, <c>exp_inf</c>.
/// </summary>
internal sealed class ScaleByAdamaxPrimitive(double beta1, double beta2, double epsilon)
    : MomentsPrimitive(beta1, beta2, epsilon, "infinity norm", "exp_avg", "exp_inf")
{
    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var biasCorrection = 1 - Math.Pow(Beta1, count + 1);
        sink.Use(new Rule<T>(Num<T>.Splat(Beta1), Num<T>.Splat(1 - Beta1), Num<T>.Splat(Beta2), Num<T>.Splat(Epsilon), Num<T>.Splat(biasCorrection)));
    }

    private readonly struct Rule<T>(Vector<T> beta1, Vector<T> oneMinusBeta1, Vector<T> beta2, Vector<T> epsilon, Vector<T> biasCorrection) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // exp_avg.mul_(b1).add_(grad, alpha=1-b1); exp_inf = amax(exp_inf*b2, |grad| + eps)
            s0 = VectorMath.MultiplyAdd(oneMinusBeta1, u, s0 * beta1);
            s1 = VectorMath.Max(s1 * beta2, Vector.Abs(u) + epsilon);
            u = s0 / s1 / biasCorrection;
        }
    }
}

/// <summary>
/// NAdam's scaling, as <c>torch.optim.NAdam</c>: <c>mu_t = b1*(1 - 0.5*0.96^(t*psi))</c>, <c>P_t = mu_1*...*mu_t</c>,
/// <c>m = b1*m + (1-b1)*u</c>, <c>v = b2*v + (1-b2)*u^2</c>, <c>d = sqrt(v / (1-b2^t)) + eps</c>, output
/// <c>((1-mu_t)/(1-P_t)) * u/d + (mu_{t+1}/(1-P_t*mu_{t+1})) * m/d</c>. Slots <c>exp_avg</c>, <c>exp_avg_sq</c>; PyTorch's
/// <c>mu_product</c> is a function of the step count (recomputed in float64 in PyTorch's order).
/// </summary>
internal sealed class ScaleByNAdamPrimitive : MomentsPrimitive
{
    public ScaleByNAdamPrimitive(double beta1, double beta2, double epsilon, double momentumDecay)
        : base(beta1, beta2, epsilon, "second moment", "exp_avg", "exp_avg_sq")
    {
        MomentumDecay = Validate.NonNegative(momentumDecay, nameof(momentumDecay));
    }

    public double MomentumDecay { get; }

    protected override object EqualityKey => (Beta1, Beta2, Epsilon, MomentumDecay);

    protected override string Extras => $", momentum decay {Validate.Format(MomentumDecay)}";

    private double Mu(long step) => Beta1 * (1.0 - (0.5 * Math.Pow(0.96, step * MomentumDecay)));

    // The last product computed, so that consecutive steps cost one multiplication (as PyTorch's running mu_product)
    // and not one per step done; a function of the step alone, so any order of calls gives the same bits.
    private readonly Lock _gate = new();
    private long _cachedStep;
    private double _cachedProduct = 1.0;

    /// <summary><c>mu_1 * ... * mu_step</c>, multiplied in PyTorch's order (from the first step on).</summary>
    public double MuProduct(long step)
    {
        lock (_gate)
        {
            var (from, product) = _cachedStep <= step ? (_cachedStep + 1, _cachedProduct) : (1L, 1.0);
            for (var i = from; i <= step; i++)
            {
                product *= Mu(i); // PyTorch: mu_product *= mu, once per step
            }

            (_cachedStep, _cachedProduct) = (step, product);
            return product;
        }
    }

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var step = count + 1;
        var muProduct = MuProduct(step);

        var mu = Mu(step);
        var muNext = Mu(step + 1);
        var muProductNext = muProduct * mu * muNext; // PyTorch's expression (it multiplies mu in twice)
        sink.Use(new Rule<T>(
            Num<T>.Splat(Beta1), Num<T>.Splat(1 - Beta1), Num<T>.Splat(Beta2), Num<T>.Splat(1 - Beta2), Num<T>.Splat(1 - Math.Pow(Beta2, step)),
            Num<T>.Splat(Epsilon), Num<T>.Splat((1.0 - mu) / (1.0 - muProduct)), Num<T>.Splat(muNext / (1.0 - muProductNext))));
    }

    private readonly struct Rule<T>(
        Vector<T> beta1, Vector<T> oneMinusBeta1, Vector<T> beta2, Vector<T> oneMinusBeta2, Vector<T> biasCorrection2, Vector<T> epsilon, Vector<T> gradWeight, Vector<T> momentWeight)
        : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            s0 = VectorMath.MultiplyAdd(oneMinusBeta1, u, s0 * beta1);
            s1 = VectorMath.MultiplyAdd(oneMinusBeta2 * u, u, s1 * beta2);
            var denominator = VectorMath.Sqrt(s1 / biasCorrection2) + epsilon;
            u = (gradWeight * u / denominator) + (momentWeight * s0 / denominator);
        }
    }
}

/// <summary>
/// RAdam's scaling, as <c>torch.optim.RAdam</c>: Adam's moments, <c>rho_inf = 2/(1-b2) - 1</c>,
/// <c>rho_t = rho_inf - 2t*b2^t/(1-b2^t)</c>; output <c>m/(1-b1^t) * r_t * sqrt(1-b2^t)/(sqrt(v) + eps)</c> while
/// <c>rho_t &gt; 5</c> (<c>r_t</c> the variance rectification), else the unadapted <c>m/(1-b1^t)</c>. Slots
/// <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
internal sealed class ScaleByRAdamPrimitive(double beta1, double beta2, double epsilon)
    : MomentsPrimitive(beta1, beta2, epsilon, "second moment", "exp_avg", "exp_avg_sq")
{
    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        var step = count + 1;
        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, step);
        var rhoInf = (2 / (1 - Beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(Beta2, step) / biasCorrection2);
        var rectified = rhoT > 5.0;
        var rect = rectified ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 1;
        sink.Use(new Rule<T>(
            Num<T>.Splat(Beta1), Num<T>.Splat(1 - Beta1), Num<T>.Splat(Beta2), Num<T>.Splat(1 - Beta2), Num<T>.Splat(biasCorrection1),
            Num<T>.Splat(Math.Sqrt(biasCorrection2)), Num<T>.Splat(Epsilon), Num<T>.Splat(rect), rectified));
    }

    private readonly struct Rule<T>(
        Vector<T> beta1, Vector<T> oneMinusBeta1, Vector<T> beta2, Vector<T> oneMinusBeta2, Vector<T> biasCorrection1, Vector<T> biasCorrection2Sqrt, Vector<T> epsilon, Vector<T> rect, bool rectified)
        : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            s0 = VectorMath.MultiplyAdd(oneMinusBeta1, u, s0 * beta1);
            s1 = VectorMath.MultiplyAdd(oneMinusBeta2 * u, u, s1 * beta2);
            var corrected = s0 / biasCorrection1;
            u = rectified ? corrected * (biasCorrection2Sqrt / (VectorMath.Sqrt(s1) + epsilon)) * rect : corrected;
        }
    }
}

/// <summary>
/// Averaged SGD, as <c>torch.optim.ASGD</c>, learning rate included: with <c>eta_1 = lr</c>,
/// <c>eta_t = lr / (1 + lambd*lr*(t-1))^alpha</c> and <c>mu_t = 1 / max(1, t-1-t0)</c> (<c>mu_1 = 1</c>), the new
/// parameter is <c>p' = p*(1 - lambd*eta_t) - eta_t*u</c> (output <c>p' - p</c>) and the average
/// <c>ax = ax + (p' - ax)*mu_t</c> (or <c>p'</c> while <c>mu_t = 1</c>). Slot <c>ax</c>. With a schedule, <c>lr</c> in
/// <c>eta_t</c> is the rate of the step before (PyTorch computes <c>eta</c> at the end of a step from that step's rate).
/// </summary>
internal sealed class AsgdPrimitive : ElementwiseTransform
{
    public AsgdPrimitive(Schedule learningRate, double lambd, double alpha, double t0)
        : base("ax")
    {
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        Lambd = Validate.NonNegative(lambd, nameof(lambd));
        Alpha = Validate.NonNegative(alpha, nameof(alpha));
        T0 = Validate.NonNegative(t0, nameof(t0));
    }

    public Schedule LearningRate { get; }

    public double Lambd { get; }

    public double Alpha { get; }

    public double T0 { get; }

    protected override object EqualityKey => (LearningRate, Lambd, Alpha, T0);

    public override string ToString() =>
        $"Asgd(learning rate {LearningRate.Describe()}, lambd {Validate.Format(Lambd)}, alpha {Validate.Format(Alpha)}, t0 {Validate.Format(T0)})";

    /// <summary>
    /// The step size of the update after <paramref name="count"/> updates (PyTorch's state <c>eta</c>): <c>lr(0)</c> for
    /// the first, then <c>lr(count-1) / (1 + lambd*lr(count-1)*count)^alpha</c>, the rate of the step before.
    /// </summary>
    public double Eta(long count)
    {
        if (count == 0)
        {
            return LearningRate.Checked(0, "learning rate");
        }

        var lr = LearningRate.Checked(count - 1, "learning rate");
        return lr / Math.Pow(1 + (Lambd * lr * count), Alpha);
    }

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        // PyTorch keeps eta and mu as state, set after each step from that step's count; here they follow from it.
        var eta = Eta(count);
        var mu = count == 0 ? 1 : 1 / Math.Max(1, count - T0);
        sink.Use(new Rule<T>(Num<T>.Splat(1 - (Lambd * eta)), Num<T>.Splat(-eta), Num<T>.Splat(mu), mu != 1));
    }

    private readonly struct Rule<T>(Vector<T> shrink, Vector<T> negativeEta, Vector<T> mu, bool averaging) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // param.mul_(1 - lambd*eta); param.add_(grad, alpha=-eta); ax.add_(param.sub(ax).mul(mu)) or ax.copy_(param)
            var next = VectorMath.MultiplyAdd(negativeEta, u, p * shrink);
            s0 = averaging ? s0 + ((next - s0) * mu) : next;
            u = next - p;
        }
    }
}

/// <summary>
/// Rprop, as <c>torch.optim.Rprop</c>: per element a step size (starting at the learning rate) multiplied by
/// <c>etaPlus</c> where the gradient kept its sign, by <c>etaMinus</c> where it flipped (and that gradient is then taken
/// as 0), clamped to <c>[stepSizeMin, stepSizeMax]</c>; output <c>-sign(u) * step_size * eta(t)</c>, <c>eta(t)</c> the
/// learning-rate schedule's multiplier (1 for a constant rate, PyTorch's case), the step sizes starting at its base value.
/// Slots <c>prev</c>, <c>step_size</c>.
/// </summary>
internal sealed class RpropPrimitive : ElementwiseTransform
{
    public RpropPrimitive(Schedule learningRate, double etaMinus, double etaPlus, double stepSizeMin, double stepSizeMax)
        : base("prev", "step_size")
    {
        LearningRate = Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        EtaMinus = etaMinus is > 0 and < 1
            ? etaMinus
            : throw new ArgumentOutOfRangeException(nameof(etaMinus), etaMinus, $"'etaMinus' must be in (0, 1), but was {Validate.Format(etaMinus)}.");
        EtaPlus = etaPlus > 1 && double.IsFinite(etaPlus)
            ? etaPlus
            : throw new ArgumentOutOfRangeException(nameof(etaPlus), etaPlus, $"'etaPlus' must be a finite number > 1, but was {Validate.Format(etaPlus)}.");
        StepSizeMin = Validate.NonNegative(stepSizeMin, nameof(stepSizeMin));
        StepSizeMax = double.IsFinite(stepSizeMax) && stepSizeMax >= stepSizeMin
            ? stepSizeMax
            : throw new ArgumentOutOfRangeException(
                nameof(stepSizeMax), stepSizeMax, $"'stepSizeMax' must be a finite number >= stepSizeMin ({Validate.Format(stepSizeMin)}), but was {Validate.Format(stepSizeMax)}.");
    }

    public Schedule LearningRate { get; }

    public double EtaMinus { get; }

    public double EtaPlus { get; }

    public double StepSizeMin { get; }

    public double StepSizeMax { get; }

    protected override object EqualityKey => (LearningRate, EtaMinus, EtaPlus, StepSizeMin, StepSizeMax);

    public override string ToString() =>
        $"Rprop(learning rate {LearningRate.Describe()}, etas ({Validate.Format(EtaMinus)}, {Validate.Format(EtaPlus)}), step sizes [{Validate.Format(StepSizeMin)}, {Validate.Format(StepSizeMax)}])";

    protected override double InitialValue(int slot) => slot == 1 ? LearningRate.Base : 0;

    protected override string? CheckSlot<T>(int slot, ReadOnlySpan<T> values) =>
        base.CheckSlot(slot, values) ?? (slot == 1 ? SlotChecks.NonNegative(values, "step size") : null);

    protected internal override void CreateRule<T>(long count, IElementRuleSink<T> sink)
    {
        // A constant rate's multiplier is exactly 1, and u * 1 is u: PyTorch's bits.
        var multiplier = LearningRate.IsConstant ? 1.0 : LearningRate.CheckedMultiplier(count, "learning rate");
        sink.Use(new Rule<T>(Num<T>.Splat(EtaMinus), Num<T>.Splat(EtaPlus), Num<T>.Splat(StepSizeMin), Num<T>.Splat(StepSizeMax), Num<T>.Splat(multiplier)));
    }

    private readonly struct Rule<T>(Vector<T> etaMinus, Vector<T> etaPlus, Vector<T> min, Vector<T> max, Vector<T> multiplier) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3)
        {
            // sign = grad.mul(prev).sign() mapped to etaplus / etaminus / 1; step_size.mul_(sign).clamp_(min, max)
            var sign = VectorMath.Sign(u * s0);
            var factor = Vector.ConditionalSelect(Vector.GreaterThan(sign, Vector<T>.Zero), etaPlus, Vector<T>.One);
            factor = Vector.ConditionalSelect(Vector.LessThan(sign, Vector<T>.Zero), etaMinus, factor);
            s1 = Vector.Min(Vector.Max(s1 * factor, min), max);

            // grad[sign.eq(etaminus)] = 0; param.addcmul_(grad.sign(), step_size, value=-1); prev.copy_(grad)
            var g = Vector.ConditionalSelect(Vector.Equals(factor, etaMinus), Vector<T>.Zero, u);
            u = -(VectorMath.Sign(g) * s1) * multiplier;
            s0 = g;
        }
    }
}
