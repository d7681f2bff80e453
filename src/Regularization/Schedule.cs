using System.Diagnostics.Contracts;
using System.Globalization;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A value that depends on the step: a learning rate, a weight decay or a proximal strength. Step <c>t</c> counts the
/// updates done before the current one (the first update uses <c>t = 0</c>).
/// </summary>
/// <remarks>
/// <para>
/// Every schedule has a base value <c>alpha</c> (<see cref="Base"/>) and a multiplier <c>eta(t)</c>
/// (<see cref="Multiplier"/>), with <c>At(t) = alpha * eta(t)</c>. The split is what the decoupled weight decay paper
/// calls the base learning rate and the schedule multiplier (<see cref="DecayScaling.ScheduleMultiplier"/>).
/// Values are closed forms of the step (PyTorch's <c>_get_closed_form_lr</c>), never running products, so step
/// <c>t</c> gives the same bits whether or not steps before it were evaluated.
/// </para>
/// <example>
/// <code>
/// Schedule lr = Schedule.Cosine(0.1, totalSteps: 10_000).WithWarmup(500);
/// double first = lr.At(0);      // 0 (warm-up starts at zero)
/// double peak = lr.At(500);     // 0.1
/// </code>
/// </example>
/// </remarks>
public abstract record Schedule
{
    private protected Schedule(double baseValue, string name = "initial", bool validate = true)
    {
        Base = validate ? Validate.NonNegative(baseValue, name) : baseValue;
    }

    /// <summary>The base value <c>alpha</c> (for a learning rate: the base rate before any decay or warm-up).</summary>
    public double Base { get; }

    /// <summary>The value at step <paramref name="step"/>.</summary>
    /// <param name="step">Updates done before this one, 0 or more.</param>
    [Pure]
    public abstract double At(long step);

    /// <summary>The multiplier <c>eta(t)</c> at step <paramref name="step"/>, with <c>At(t) = Base * eta(t)</c> up to rounding.</summary>
    /// <param name="step">Updates done before this one, 0 or more.</param>
    [Pure]
    public abstract double Multiplier(long step);

    /// <summary>True when the value is the same at every step.</summary>
    public virtual bool IsConstant => false;

    /// <summary>A short formula, for example <c>0.1 * 0.5^floor(t/30)</c>.</summary>
    public abstract string Describe();

    /// <summary>
    /// A constant schedule, <c>At(t) = value</c>. The conversion itself never throws: the transform or optimizer that
    /// receives the schedule checks the value and names its own argument (for example <c>weightDecay</c>).
    /// </summary>
    /// <param name="value">The value, finite and &gt;= 0.</param>
    public static implicit operator Schedule(double value) => new ConstantSchedule(value, validate: false);

    /// <summary>A constant value: <c>At(t) = value</c>, <c>eta(t) = 1</c>.</summary>
    /// <param name="value">The value, finite and &gt;= 0.</param>
    [Pure]
    public static Schedule Constant(double value) => new ConstantSchedule(value);

    /// <summary>
    /// Step decay, PyTorch <c>StepLR</c>: <c>At(t) = initial * gamma^floor(t / stepSize)</c>.
    /// </summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="stepSize">Steps between decays, &gt; 0.</param>
    /// <param name="gamma">Factor per decay, in [0, 1] (PyTorch's default 0.1).</param>
    [Pure]
    public static Schedule Step(double initial, long stepSize, double gamma = 0.1) => new StepSchedule(initial, stepSize, gamma);

    /// <summary>
    /// Decay at milestones, PyTorch <c>MultiStepLR</c>: <c>At(t) = initial * gamma^(number of milestones &lt;= t)</c>.
    /// </summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="milestones">Increasing steps at which the value is multiplied by <paramref name="gamma"/>.</param>
    /// <param name="gamma">Factor per milestone, in [0, 1].</param>
    [Pure]
    public static Schedule MultiStep(double initial, IEnumerable<long> milestones, double gamma = 0.1) =>
        new MultiStepSchedule(initial, milestones, gamma);

    /// <summary>Exponential decay, PyTorch <c>ExponentialLR</c>: <c>At(t) = initial * gamma^t</c>.</summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="gamma">Factor per step, in [0, 1].</param>
    [Pure]
    public static Schedule Exponential(double initial, double gamma) => new ExponentialSchedule(initial, gamma);

    /// <summary>
    /// Cosine annealing, PyTorch <c>CosineAnnealingLR</c> closed form:
    /// <c>At(t) = final + (initial - final) * (1 + cos(pi * t / totalSteps)) / 2</c> for <c>t &lt;= totalSteps</c>,
    /// then <c>final</c> (held, as Optax does, rather than rising again).
    /// </summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="totalSteps">Steps to reach <paramref name="final"/>, &gt; 0.</param>
    /// <param name="final">The value from <paramref name="totalSteps"/> on (PyTorch's <c>eta_min</c>), in [0, initial].</param>
    [Pure]
    public static Schedule Cosine(double initial, long totalSteps, double final = 0) => new CosineSchedule(initial, totalSteps, final);

    /// <summary>
    /// Linear change of the factor, PyTorch <c>LinearLR</c>:
    /// <c>At(t) = initial * (startFactor + (endFactor - startFactor) * min(t, totalSteps) / totalSteps)</c>.
    /// </summary>
    /// <param name="initial">The base value.</param>
    /// <param name="startFactor">Factor at step 0, in [0, 1] (PyTorch's default 1/3).</param>
    /// <param name="endFactor">Factor from <paramref name="totalSteps"/> on, in [0, 1].</param>
    /// <param name="totalSteps">Steps of the change, &gt; 0.</param>
    [Pure]
    public static Schedule Linear(double initial, double startFactor, double endFactor, long totalSteps) =>
        new LinearSchedule(initial, startFactor, endFactor, totalSteps);

    /// <summary>
    /// A schedule given by a function: <c>At(t) = initial * multiplier(t)</c>.
    /// </summary>
    /// <param name="initial">The base value.</param>
    /// <param name="multiplier">The multiplier; must be pure and return finite values &gt;= 0.</param>
    /// <param name="description">A short description for decay plans and messages.</param>
    [Pure]
    public static Schedule FromFunction(double initial, Func<long, double> multiplier, string description) =>
        new FunctionSchedule(initial, multiplier, description);

    /// <summary>The product of two schedules: <c>At(t) = a.At(t) * b.At(t)</c>, base and multiplier multiply too.</summary>
    /// <param name="a">A schedule.</param>
    /// <param name="b">A schedule.</param>
    [Pure]
    public static Schedule Product(Schedule a, Schedule b) => new ProductSchedule(a, b);

    /// <summary>The multiplier of a schedule as a schedule of its own: <c>At(t) = s.Multiplier(t)</c>.</summary>
    /// <param name="schedule">The schedule.</param>
    [Pure]
    public static Schedule MultiplierOf(Schedule schedule) => new MultiplierSchedule(schedule);

    /// <summary>
    /// Linear warm-up before this schedule: for <c>t &lt; warmupSteps</c>,
    /// <c>At(t) = At0 * (startFactor + (1 - startFactor) * t / warmupSteps)</c> with <c>At0</c> this schedule's value at 0;
    /// from then on <c>At(t) = this.At(t - warmupSteps)</c>.
    /// </summary>
    /// <param name="warmupSteps">Steps of warm-up, &gt; 0.</param>
    /// <param name="startFactor">Factor at step 0, in [0, 1].</param>
    [Pure]
    public Schedule WithWarmup(long warmupSteps, double startFactor = 0) => new WarmupSchedule(this, warmupSteps, startFactor);

    /// <summary>This schedule times a constant: <c>At(t) = factor * this.At(t)</c>.</summary>
    /// <param name="factor">The factor, finite and &gt;= 0.</param>
    [Pure]
    public Schedule Times(double factor) => Product(this, Constant(factor));

    internal static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    internal static long CheckStep(long step) =>
        step >= 0 ? step : throw new ArgumentOutOfRangeException(nameof(step), step, "'step' must be >= 0.");

    /// <summary>Evaluates and checks the value: finite and &gt;= 0, else an exception naming the schedule and the step.</summary>
    internal double Checked(long step, string role)
    {
        var v = At(step);
        if (!double.IsFinite(v) || v < 0)
        {
            throw new InvalidOperationException(
                $"The {role} schedule {Describe()} gave {Validate.Format(v)} at step {step}; values must be finite and >= 0.");
        }

        return v;
    }

    internal double CheckedMultiplier(long step, string role)
    {
        var v = Multiplier(step);
        if (!double.IsFinite(v) || v < 0)
        {
            throw new InvalidOperationException(
                $"The {role} schedule {Describe()} gave the multiplier {Validate.Format(v)} at step {step}; multipliers must be finite and >= 0.");
        }

        return v;
    }
}

/// <summary>A constant value. See <see cref="Schedule.Constant"/>.</summary>
public sealed record ConstantSchedule : Schedule
{
    /// <summary>Creates a constant schedule.</summary>
    /// <param name="value">The value, finite and &gt;= 0.</param>
    /// <param name="validate">False for the implicit conversion, whose receiver checks the value under its own name.</param>
    internal ConstantSchedule(double value, bool validate = true)
        : base(value, nameof(value), validate)
    {
    }

    /// <inheritdoc />
    public override double At(long step)
    {
        CheckStep(step);
        return Base;
    }

    /// <inheritdoc />
    public override double Multiplier(long step)
    {
        CheckStep(step);
        return 1.0;
    }

    /// <inheritdoc />
    public override bool IsConstant => true;

    /// <inheritdoc />
    public override string Describe() => F(Base);
}

/// <summary>Step decay. See <see cref="Schedule.Step"/>.</summary>
public sealed record StepSchedule : Schedule
{
    /// <summary>Creates a step decay.</summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="stepSize">Steps between decays, &gt; 0.</param>
    /// <param name="gamma">Factor per decay, in [0, 1].</param>
    internal StepSchedule(double initial, long stepSize, double gamma)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        StepSize = stepSize > 0 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "'stepSize' must be > 0.");
        Gamma = Validate.Unit(gamma, nameof(gamma));
    }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>Factor per decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double Multiplier(long step) => Math.Pow(Gamma, CheckStep(step) / StepSize);

    /// <inheritdoc />
    public override double At(long step) => Base * Multiplier(step);

    /// <inheritdoc />
    public override string Describe() => $"{F(Base)} * {F(Gamma)}^floor(t/{StepSize})";
}

/// <summary>Decay at milestones. See <see cref="Schedule.MultiStep"/>.</summary>
public sealed record MultiStepSchedule : Schedule
{
    private readonly long[] _milestones;

    /// <summary>Creates a milestone decay.</summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="milestones">Strictly increasing steps, each &gt; 0.</param>
    /// <param name="gamma">Factor per milestone, in [0, 1].</param>
    internal MultiStepSchedule(double initial, IEnumerable<long> milestones, double gamma)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.ToArray();
        for (var i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i] <= 0 || (i > 0 && _milestones[i] <= _milestones[i - 1]))
            {
                throw new ArgumentException("'milestones' must be strictly increasing steps > 0.", nameof(milestones));
            }
        }

        Gamma = Validate.Unit(gamma, nameof(gamma));
    }

    /// <summary>The milestones.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>Factor per milestone.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double Multiplier(long step)
    {
        CheckStep(step);
        var passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= step)
        {
            passed++;
        }

        return Math.Pow(Gamma, passed);
    }

    /// <inheritdoc />
    public override double At(long step) => Base * Multiplier(step);

    /// <inheritdoc />
    public override string Describe() => $"{F(Base)} * {F(Gamma)}^(milestones <= t: {string.Join(",", _milestones)})";

    /// <summary>Value equality, milestones included.</summary>
    /// <param name="other">The other schedule.</param>
    public bool Equals(MultiStepSchedule? other) =>
        other is not null && Base.Equals(other.Base) && Gamma.Equals(other.Gamma) && _milestones.AsSpan().SequenceEqual(other._milestones);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Base, Gamma, _milestones.Length);
}

/// <summary>Exponential decay. See <see cref="Schedule.Exponential"/>.</summary>
public sealed record ExponentialSchedule : Schedule
{
    /// <summary>Creates an exponential decay.</summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="gamma">Factor per step, in [0, 1].</param>
    internal ExponentialSchedule(double initial, double gamma)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        Gamma = Validate.Unit(gamma, nameof(gamma));
    }

    /// <summary>Factor per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double Multiplier(long step) => Math.Pow(Gamma, CheckStep(step));

    /// <inheritdoc />
    public override double At(long step) => Base * Multiplier(step);

    /// <inheritdoc />
    public override string Describe() => $"{F(Base)} * {F(Gamma)}^t";
}

/// <summary>Cosine annealing. See <see cref="Schedule.Cosine"/>.</summary>
public sealed record CosineSchedule : Schedule
{
    /// <summary>Creates a cosine annealing.</summary>
    /// <param name="initial">The value at step 0.</param>
    /// <param name="totalSteps">Steps to reach <paramref name="final"/>, &gt; 0.</param>
    /// <param name="final">The value from <paramref name="totalSteps"/> on, in [0, initial].</param>
    internal CosineSchedule(double initial, long totalSteps, double final)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        TotalSteps = totalSteps > 0 ? totalSteps : throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "'totalSteps' must be > 0.");
        Final = Validate.NonNegative(final, nameof(final));
        if (final > initial)
        {
            throw new ArgumentOutOfRangeException(nameof(final), final, $"'final' must not exceed 'initial' ({F(initial)}).");
        }
    }

    /// <summary>Steps to reach <see cref="Final"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>The value from <see cref="TotalSteps"/> on (PyTorch's <c>eta_min</c>).</summary>
    public double Final { get; }

    /// <inheritdoc />
    public override double At(long step)
    {
        var t = Math.Min(CheckStep(step), TotalSteps);
        return Final + ((Base - Final) * (1 + Math.Cos(Math.PI * t / TotalSteps)) / 2);
    }

    /// <inheritdoc />
    public override double Multiplier(long step) => Base == 0 ? 1.0 : At(step) / Base;

    /// <inheritdoc />
    public override string Describe() => $"cosine {F(Base)} -> {F(Final)} over {TotalSteps} steps";
}

/// <summary>Linear change of the factor. See <see cref="Schedule.Linear"/>.</summary>
public sealed record LinearSchedule : Schedule
{
    /// <summary>Creates a linear schedule.</summary>
    /// <param name="initial">The base value.</param>
    /// <param name="startFactor">Factor at step 0, in [0, 1].</param>
    /// <param name="endFactor">Factor from <paramref name="totalSteps"/> on, in [0, 1].</param>
    /// <param name="totalSteps">Steps of the change, &gt; 0.</param>
    internal LinearSchedule(double initial, double startFactor, double endFactor, long totalSteps)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        StartFactor = Validate.Unit(startFactor, nameof(startFactor));
        EndFactor = Validate.Unit(endFactor, nameof(endFactor));
        TotalSteps = totalSteps > 0 ? totalSteps : throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "'totalSteps' must be > 0.");
    }

    /// <summary>Factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>Factor from <see cref="TotalSteps"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Steps of the change.</summary>
    public long TotalSteps { get; }

    /// <inheritdoc />
    public override double Multiplier(long step) =>
        StartFactor + ((EndFactor - StartFactor) * Math.Min(CheckStep(step), TotalSteps) / TotalSteps);

    /// <inheritdoc />
    public override double At(long step) => Base * Multiplier(step);

    /// <inheritdoc />
    public override string Describe() => $"{F(Base)} * linear {F(StartFactor)} -> {F(EndFactor)} over {TotalSteps} steps";
}

/// <summary>Linear warm-up before another schedule. See <see cref="Schedule.WithWarmup"/>.</summary>
public sealed record WarmupSchedule : Schedule
{
    /// <summary>Creates a warm-up.</summary>
    /// <param name="after">The schedule that follows the warm-up.</param>
    /// <param name="warmupSteps">Steps of warm-up, &gt; 0.</param>
    /// <param name="startFactor">Factor at step 0, in [0, 1].</param>
    internal WarmupSchedule(Schedule after, long warmupSteps, double startFactor)
        : base((after ?? throw new ArgumentNullException(nameof(after))).Base)
    {
        After = after;
        WarmupSteps = warmupSteps > 0 ? warmupSteps : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "'warmupSteps' must be > 0.");
        StartFactor = Validate.Unit(startFactor, nameof(startFactor));
    }

    /// <summary>The schedule after the warm-up.</summary>
    public Schedule After { get; }

    /// <summary>Steps of warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Factor at step 0.</summary>
    public double StartFactor { get; }

    private double Ramp(long step) => StartFactor + ((1 - StartFactor) * step / WarmupSteps);

    /// <inheritdoc />
    public override double At(long step) =>
        CheckStep(step) < WarmupSteps ? After.At(0) * Ramp(step) : After.At(step - WarmupSteps);

    /// <inheritdoc />
    public override double Multiplier(long step) =>
        CheckStep(step) < WarmupSteps ? After.Multiplier(0) * Ramp(step) : After.Multiplier(step - WarmupSteps);

    /// <inheritdoc />
    public override string Describe() => $"linear warm-up from {F(StartFactor)} over {WarmupSteps} steps, then {After.Describe()}";
}

/// <summary>The product of two schedules. See <see cref="Schedule.Product"/>.</summary>
public sealed record ProductSchedule : Schedule
{
    /// <summary>Creates a product.</summary>
    /// <param name="left">A schedule.</param>
    /// <param name="right">A schedule.</param>
    internal ProductSchedule(Schedule left, Schedule right)
        : base((left ?? throw new ArgumentNullException(nameof(left))).Base * (right ?? throw new ArgumentNullException(nameof(right))).Base)
    {
        Left = left;
        Right = right;
    }

    /// <summary>The left factor.</summary>
    public Schedule Left { get; }

    /// <summary>The right factor.</summary>
    public Schedule Right { get; }

    /// <inheritdoc />
    public override double At(long step) => Left.At(step) * Right.At(step);

    /// <inheritdoc />
    public override double Multiplier(long step) => Left.Multiplier(step) * Right.Multiplier(step);

    /// <inheritdoc />
    public override bool IsConstant => Left.IsConstant && Right.IsConstant;

    /// <inheritdoc />
    public override string Describe() => $"({Left.Describe()}) * ({Right.Describe()})";
}

/// <summary>The multiplier of a schedule. See <see cref="Schedule.MultiplierOf"/>.</summary>
public sealed record MultiplierSchedule : Schedule
{
    /// <summary>Creates the multiplier schedule of <paramref name="of"/>.</summary>
    /// <param name="of">The schedule.</param>
    internal MultiplierSchedule(Schedule of)
        : base(1.0)
    {
        Of = of ?? throw new ArgumentNullException(nameof(of));
    }

    /// <summary>The schedule whose multiplier this is.</summary>
    public Schedule Of { get; }

    /// <inheritdoc />
    public override double At(long step) => Of.Multiplier(step);

    /// <inheritdoc />
    public override double Multiplier(long step) => Of.Multiplier(step);

    /// <inheritdoc />
    public override bool IsConstant => Of.IsConstant;

    /// <inheritdoc />
    public override string Describe() => $"multiplier of [{Of.Describe()}]";
}

/// <summary>A schedule given by a function. See <see cref="Schedule.FromFunction"/>.</summary>
public sealed record FunctionSchedule : Schedule
{
    /// <summary>Creates a function schedule.</summary>
    /// <param name="initial">The base value.</param>
    /// <param name="multiplier">The multiplier function (pure, finite, &gt;= 0).</param>
    /// <param name="description">A short description.</param>
    internal FunctionSchedule(double initial, Func<long, double> multiplier, string description)
        : base(Validate.NonNegative(initial, nameof(initial)))
    {
        Function = multiplier ?? throw new ArgumentNullException(nameof(multiplier));
        Description = string.IsNullOrWhiteSpace(description)
            ? throw new ArgumentException("'description' must not be empty.", nameof(description))
            : description;
    }

    /// <summary>The multiplier function.</summary>
    public Func<long, double> Function { get; }

    /// <summary>The description.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override double Multiplier(long step) => Function(CheckStep(step));

    /// <inheritdoc />
    public override double At(long step) => Base * Multiplier(step);

    /// <inheritdoc />
    public override string Describe() => $"{F(Base)} * {Description}";
}
