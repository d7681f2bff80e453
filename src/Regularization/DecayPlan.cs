using System.Diagnostics.Contracts;
using System.Globalization;
using System.Text;

namespace Regularization;

/// <summary>What regularizes a parameter, in a <see cref="DecayPlanEntry"/>.</summary>
public enum DecayKind
{
    /// <summary>Nothing: no decay, penalty or proximal step (or a mask excludes it).</summary>
    None = 0,

    /// <summary>Coupled decay: <c>lambda * p</c> added to the gradient (PyTorch's <c>weight_decay</c> on SGD and Adam).</summary>
    Coupled = 1,

    /// <summary>Decoupled decay: a shrink of the weights outside the gradient statistics (AdamW, SGDW).</summary>
    Decoupled = 2,

    /// <summary>A proximal step after the update (soft threshold, exact zeros).</summary>
    Proximal = 3,

    /// <summary>A penalty's gradient added to the loss gradient.</summary>
    Penalty = 4,
}

/// <summary>One line of a <see cref="DecayPlan"/>: what one regularizing transform does to one parameter.</summary>
public sealed record DecayPlanEntry
{
    // Entries are made by DecayPlan.Of only.
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="shape">Its shape, <c>rows x columns</c>.</param>
    /// <param name="kind">What regularizes it: <c>none</c>, <c>coupled</c>, <c>decoupled</c>, <c>proximal</c>, <c>penalty</c>.</param>
    /// <param name="description">The coefficients and where they come from.</param>
    /// <param name="shrink">
    /// The factor by which this transform alone multiplies the weight in one step (<c>1 - lr*lambda</c>, <c>1 - c(t)</c>,
    /// <c>1/(1 + 2*eta*l2)</c>), or NaN where no fixed factor exists (decay through Adam's normalization, soft thresholding).
    /// </param>
    internal DecayPlanEntry(string parameter, string shape, DecayKind kind, string description, double shrink)
    {
        Parameter = parameter;
        Shape = shape;
        Kind = kind;
        Description = description;
        Shrink = shrink;
    }

    /// <summary>The parameter's name.</summary>
    public string Parameter { get; }

    /// <summary>Its shape.</summary>
    public string Shape { get; }

    /// <summary>What regularizes it.</summary>
    public DecayKind Kind { get; }

    /// <summary>The coefficients and where they come from.</summary>
    public string Description { get; }

    /// <summary>The per-step multiplicative shrink of this transform alone, or NaN where there is no fixed factor.</summary>
    public double Shrink { get; }
}

/// <summary>
/// A readable account of which parameter receives which decay, penalty or proximal step from an optimizer, and the
/// effective per-step shrink, at a given step. Nothing in PyTorch or Keras prints this; it is the answer to
/// "are my biases decayed?".
/// </summary>
/// <example>
/// <code>
/// var opt = Optimizers.AdamW(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.01), decayMask: Mask.ExcludeVectors);
/// Console.WriteLine(DecayPlan.Of(opt, parameters));
/// // parameter   shape    kind       per-step shrink  description
/// // fc1.weight  128x784  decoupled  0.99999          decoupled decay lambda=0.01, c = lr*lambda = 1e-3*0.01
/// // fc1.bias    128      none       1                excluded by mask (matrices only (vectors such as biases excluded))
/// </code>
/// </example>
public sealed record DecayPlan
{
    private readonly DecayPlanEntry[] _entries;

    internal DecayPlan(long step, IEnumerable<DecayPlanEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Step = step;
        _entries = entries.ToArray();
    }

    /// <summary>The step the plan describes (schedules are evaluated there).</summary>
    public long Step { get; }

    /// <summary>The entries: at least one per parameter (kind <c>none</c> when nothing regularizes it).</summary>
    public IReadOnlyList<DecayPlanEntry> Entries => _entries;

    /// <summary>The entries of one parameter.</summary>
    /// <param name="parameter">Its name.</param>
    [Pure]
    public IReadOnlyList<DecayPlanEntry> For(string parameter) =>
        _entries.Where(e => string.Equals(e.Parameter, parameter, StringComparison.Ordinal)).ToArray();

    /// <summary>Describes how <paramref name="transform"/> regularizes each of <paramref name="parameters"/> at step <paramref name="step"/>.</summary>
    /// <param name="transform">An optimizer or any transform of this library.</param>
    /// <param name="parameters">The parameters (names and shapes; values are not read).</param>
    /// <param name="step">The step at which schedules are evaluated.</param>
    [Pure]
    public static DecayPlan Of<T>(IGradientTransform transform, ParamSet<T> parameters, long step = 0)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(parameters);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "'step' must be >= 0.");
        }

        var entries = new List<DecayPlanEntry>();
        var excludedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        Visit(transform, parameters.Select(q => q.Info).ToArray(), new Context(null, false, false, step), entries, excludedBy);
        var result = new List<DecayPlanEntry>();
        foreach (var p in parameters)
        {
            var mine = entries.Where(e => e.Parameter == p.Name).ToList();
            if (mine.Count == 0)
            {
                var why = excludedBy.TryGetValue(p.Name, out var mask) ? $"excluded by mask ({mask})" : "no decay, penalty or proximal step";
                mine.Add(new DecayPlanEntry(p.Name, p.Shape, DecayKind.None, why, 1.0));
            }

            result.AddRange(mine);
        }

        return new DecayPlan(step, result);
    }

    /// <summary>A text table, one line per entry.</summary>
    public override string ToString()
    {
        var rows = _entries.Select(e => new[]
        {
            e.Parameter, e.Shape, e.Kind.ToString().ToLowerInvariant(), double.IsNaN(e.Shrink) ? "n/a" : e.Shrink.ToString("G10", CultureInfo.InvariantCulture), e.Description,
        }).ToList();
        var header = new[] { "parameter", "shape", "kind", "per-step shrink", "description" };
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.Append("Decay plan at step ").Append(Step.ToString(CultureInfo.InvariantCulture)).AppendLine();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            }

            sb.AppendLine();
        }

        Line(header);
        foreach (var r in rows)
        {
            Line(r);
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>Where a node sits; <c>AdaptiveLater</c> is the first adaptive primitive after it in its chains (null: none).</summary>
    private sealed record Context(Schedule? LearningRate, bool AfterLearningRate, bool AfterAdaptive, long Step, IGradientTransform? AdaptiveLater = null);

    private static void Visit(
        IGradientTransform node, ParamInfo[] included, Context context, List<DecayPlanEntry> entries, Dictionary<string, string> excludedBy)
    {
        var t = context.Step;
        switch (node)
        {
            case NonFiniteGuardTransform guard:
                Visit(guard.Inner, included, context, entries, excludedBy);
                break;
            case ChainTransform chain:
                var lr = chain.Items.OfType<ScaleByLearningRatePrimitive>().FirstOrDefault()?.LearningRate ?? context.LearningRate;
                bool afterLr = context.AfterLearningRate, afterAdaptive = context.AfterAdaptive;
                for (var k = 0; k < chain.Items.Length; k++)
                {
                    var child = chain.Items[k];
                    var adaptiveLater = chain.Items.Skip(k + 1).FirstOrDefault(IsAdaptive) ?? context.AdaptiveLater;
                    Visit(child, included, new Context(lr, afterLr, afterAdaptive, t, adaptiveLater), entries, excludedBy);
                    afterLr |= child is ScaleByLearningRatePrimitive;
                    afterAdaptive |= IsAdaptive(child);
                }

                break;
            case MaskedTransform masked:
                foreach (var p in included.Where(p => !masked.Mask.Includes(p)))
                {
                    excludedBy.TryAdd(p.Name, masked.Mask.Description);
                }

                Visit(masked.Inner, included.Where(masked.Mask.Includes).ToArray(), context, entries, excludedBy);
                break;
            case PartitionTransform partition:
                var assignment = partition.Assign(included);
                for (var k = 0; k < partition.Items.Length; k++)
                {
                    var group = included.Where((_, i) => assignment[i] == k).ToArray();
                    Visit(partition.Items[k].Transform, group, context, entries, excludedBy);
                }

                break;
            case AddDecayedWeightsPrimitive decay:
                DescribeDecayedWeights(decay, included, context, entries);
                break;
            case AddDecoupledWeightDecayPrimitive decoupled:
                var c = decoupled.Coefficient(t);
                var how = decoupled.Scaling switch
                {
                    DecayScaling.LearningRate => $"c = lr*lambda = {F(decoupled.LearningRate.At(t))}*{F(decoupled.WeightDecay.At(t))}",
                    DecayScaling.ScheduleMultiplier => $"c = eta*lambda = {F(decoupled.LearningRate.Multiplier(t))}*{F(decoupled.WeightDecay.At(t))} (paper: schedule multiplier only)",
                    _ => $"c = lambda = {F(decoupled.WeightDecay.At(t))} (not scaled by the learning rate)",
                };
                Add(entries, included, DecayKind.Decoupled, $"decoupled decay lambda={decoupled.WeightDecay.Describe()}, {how}", 1 - c);
                break;
            case AsgdPrimitive asgd when asgd.Lambd != 0:
                var eta = asgd.Eta(t);
                Add(entries, included, DecayKind.Decoupled, $"ASGD's lambd={F(asgd.Lambd)}: p*(1 - lambd*eta) with eta={F(eta)}, before the step", 1 - (asgd.Lambd * eta));
                break;
            case ProximalPrimitive prox:
                var (threshold, divisor) = prox.At(t);
                var kind = divisor == 1 ? "proximal L1" : threshold == 0 ? "proximal L2" : "proximal elastic net";
                Add(entries, included, DecayKind.Proximal, $"{kind}: zero where |w| <= {F(threshold)}, then divide by {F(divisor)}", threshold == 0 ? 1 / divisor : double.NaN);
                break;
            case AddPenaltyGradientTransform penalty:
                var shrink = penalty.Penalty is L2Penalty l2 && !context.AfterAdaptive && context.LearningRate is { } plr && !context.AfterLearningRate
                    ? 1 - (plr.At(t) * (2 * l2.Lambda))
                    : double.NaN;
                Add(entries, included.Where(penalty.Penalty.Mask.Includes), DecayKind.Penalty, $"gradient of {penalty.Penalty.Convention} added to the loss gradient", shrink);
                break;
        }
    }

    private static void DescribeDecayedWeights(AddDecayedWeightsPrimitive decay, ParamInfo[] included, Context context, List<DecayPlanEntry> entries)
    {
        var t = context.Step;
        var lambda = decay.WeightDecay.At(t);
        if (lambda == 0)
        {
            return;
        }

        if (TrustRatioMask(context.AdaptiveLater) is { } trustMask && context.AfterAdaptive && !context.AfterLearningRate)
        {
            // LAMB: the decay goes into the trust ratio's norm and is scaled by it; where a mask keeps the ratio off, Optax's adamw form.
            Add(entries, included.Where(trustMask.Includes), DecayKind.Decoupled,
                $"lambda={F(lambda)} added to the adaptive direction inside the trust ratio (LAMB): shrink 1 - lr*ratio*lambda, ratio per parameter and step: no fixed shrink",
                double.NaN);
            var rest = included.Where(p => !trustMask.Includes(p)).ToArray();
            var lr = context.LearningRate?.At(t) ?? double.NaN;
            Add(entries, rest, DecayKind.Decoupled, $"lambda={F(lambda)} after Adam's scaling (Optax adamw form, no trust ratio here), c = lr*lambda", 1 - (lr * lambda));
        }
        else if (context.AfterLearningRate)
        {
            Add(entries, included, DecayKind.Decoupled, $"lambda={F(lambda)} added after the learning rate (not scaled by it)", 1 - lambda);
        }
        else if (context.AfterAdaptive)
        {
            var lr = context.LearningRate?.At(t) ?? double.NaN;
            Add(entries, included, DecayKind.Decoupled, $"lambda={F(lambda)} after Adam's scaling (Optax adamw form), c = lr*lambda", 1 - (lr * lambda));
        }
        else
        {
            var lr = context.LearningRate?.At(t) ?? double.NaN;
            var text = $"coupled L2 (PyTorch weight_decay={F(lambda)}, the gradient of {F(lambda / 2)}*sum(w^2))";
            if (context.AdaptiveLater is AsgdPrimitive asgd)
            {
                var eta = asgd.Eta(t);
                Add(entries, included, DecayKind.Coupled, text + $" through ASGD's step size eta={F(eta)}, shrink 1 - eta*weight_decay", 1 - (eta * lambda));
            }
            else if (context.AdaptiveLater is { } adaptive)
            {
                Add(entries, included, DecayKind.Coupled, text + $" through {Normalization(adaptive)}: no fixed shrink", double.NaN);
            }
            else
            {
                Add(entries, included, DecayKind.Coupled, text + ", shrink 1 - lr*weight_decay per step (momentum accumulates it)", 1 - (lr * lambda));
            }
        }
    }

    /// <summary>The parameters a trust ratio applies to when <paramref name="t"/> is one (possibly masked); otherwise null.</summary>
    private static Mask? TrustRatioMask(IGradientTransform? t) => t switch
    {
        ScaleByTrustRatioTransform => Mask.All,
        MaskedTransform { Inner: ScaleByTrustRatioTransform } m => m.Mask,
        _ => null,
    };

    private static void Add(List<DecayPlanEntry> entries, IEnumerable<ParamInfo> included, DecayKind kind, string description, double shrink)
    {
        foreach (var p in included)
        {
            entries.Add(new DecayPlanEntry(p.Name, p.Shape, kind, description, shrink));
        }
    }

    /// <summary>
    /// True for a primitive whose output is not a fixed multiple of its input (Adam's normalization, or any
    /// element-wise primitive this plan does not know): coupled decay before it has no fixed shrink.
    /// </summary>
    private static bool IsAdaptive(IGradientTransform t) => t switch
    {
        ScalePrimitive or ScaleByLearningRatePrimitive or TracePrimitive or AddDecayedWeightsPrimitive or AddDecoupledWeightDecayPrimitive or ProximalPrimitive => false,
        IdentityTransform or AddPenaltyGradientTransform => false,
        MaskedTransform m => IsAdaptive(m.Inner),
        ChainTransform c => c.Items.Any(IsAdaptive),
        _ => true,
    };

    /// <summary>What an adaptive primitive does to a coupled decay term, for the plan's text.</summary>
    private static string Normalization(IGradientTransform t) => t switch
    {
        MaskedTransform m => Normalization(m.Inner),
        ChainTransform c => c.Items.Where(IsAdaptive).Select(Normalization).FirstOrDefault() ?? "an adaptive transform",
        ScaleByAdamPrimitive => "Adam's normalization",
        ScaleByRmsPropPrimitive => "RMSprop's normalization",
        AdagradPrimitive => "Adagrad's normalization",
        ScaleByAdadeltaPrimitive => "Adadelta's normalization",
        ScaleByAdamaxPrimitive => "Adamax's normalization",
        ScaleByNAdamPrimitive => "NAdam's normalization",
        ScaleByRAdamPrimitive => "RAdam's normalization",
        RpropPrimitive => "Rprop's sign step",
        ScaleByLionPrimitive => "Lion's sign step",
        ScaleByTrustRatioTransform => "the trust ratio (LARS/LAMB)",
        _ => $"{t.GetType().Name} (adaptive)",
    };

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Value equality, entry by entry.</summary>
    /// <param name="other">The other plan.</param>
    public bool Equals(DecayPlan? other) => other is not null && Step == other.Step && _entries.AsSpan().SequenceEqual(other._entries);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Step, _entries.Length);
}
