using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>One group of <see cref="Transforms.Partition"/>: a name, which parameters belong to it, and their transform.</summary>
/// <remarks>PyTorch's <c>param_groups</c>: each group has its own optimizer settings.</remarks>
public sealed record ParamGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="name">A non-empty name, unique in the partition.</param>
    /// <param name="selector">The parameters of the group (a parameter goes to the first group that includes it).</param>
    /// <param name="transform">The group's transform.</param>
    public ParamGroup(string name, Mask selector, IGradientTransform transform)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A group name must not be empty.", nameof(name)) : name;
        Selector = selector ?? throw new ArgumentNullException(nameof(selector));
        Transform = transform ?? throw new ArgumentNullException(nameof(transform));
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>Which parameters belong to the group.</summary>
    public Mask Selector { get; }

    /// <summary>The group's transform.</summary>
    public IGradientTransform Transform { get; }
}

/// <summary>Shared pieces of the combinators' pure paths.</summary>
internal static class Combine
{
    public static ParamSet<T> Subset<T>(ParamSet<T> set, Func<int, bool> keep)
        where T : struct, IEquatable<T>, IFormattable => new(set.Where((_, i) => keep(i)));

    /// <summary>Writes the sub-results back into a full-size update array, in parameter order.</summary>
    public static void Scatter<T>(Param<T>[] result, ParamSet<T> subParams, StepResult<T> step, string who, Func<int, bool> member)
        where T : struct, IEquatable<T>, IFormattable
    {
        var outputs = Validate.Aligned(subParams, $"updates returned by {who}", step.Updates, "parameters");
        var j = 0;
        for (var i = 0; i < result.Length; i++)
        {
            if (member(i))
            {
                result[i] = outputs[j++];
            }
        }
    }

    public static TransformState[] ReadAll<T>(StateReader reader, IGradientTransform[] children, Func<int, ParamSet<T>> parameters, string who)
        where T : struct, IEquatable<T>, IFormattable
    {
        var count = reader.ReadInt64();
        if (count != children.Length)
        {
            throw new InvalidDataException($"{who} has {children.Length} parts, but the data holds {count}.");
        }

        return children.Select((c, k) => reader.ReadState(c, parameters(k))).ToArray();
    }

    public static void WriteAll(StateWriter writer, IGradientTransform[] children, IReadOnlyList<TransformState> states)
    {
        writer.WriteInt64(children.Length);
        for (var k = 0; k < children.Length; k++)
        {
            writer.WriteState(children[k], states[k]);
        }
    }
}

/// <summary>Passes updates through: <c>u' = u</c>. State: <see cref="EmptyState"/>.</summary>
internal sealed record IdentityTransform : IGradientTransform
{
    public static IdentityTransform Instance { get; } = new();

    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return EmptyState.Instance;
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        Validate.State<EmptyState>(state, this);
        return new StepResult<T>(updates, EmptyState.Instance);
    }

    public void WriteState(TransformState state, StateWriter writer) => Validate.State<EmptyState>(state, this);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => EmptyState.Instance;

    public override string ToString() => "Identity";
}

/// <summary>
/// Applies transforms one after another: the updates out of each are the updates into the next; the state is
/// <see cref="ChainState"/>. A chain of element-wise primitives (in any order, with masks and partitions) runs as one
/// pass per parameter.
/// </summary>
internal sealed record ChainTransform : IGradientTransform
{
    public ChainTransform(IGradientTransform[] items) => Items = items;

    public IGradientTransform[] Items { get; }

    public static void CheckCount(ChainTransform chain, ChainState state)
    {
        if (state.Inner.Count != chain.Items.Length)
        {
            throw new ArgumentException($"'state' holds {state.Inner.Count} states but the chain has {chain.Items.Length} transforms.", nameof(state));
        }
    }

    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new ChainState(Array.ConvertAll(Items, t => t.Init(parameters)));
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (Engine<T>.TryUpdatePure(this, updates, state, parameters) is { } fused)
        {
            return fused;
        }

        var chain = Validate.State<ChainState>(state, this);
        CheckCount(this, chain);
        var states = new TransformState[Items.Length];
        var current = updates;
        for (var i = 0; i < Items.Length; i++)
        {
            var step = Items[i].Update(current, chain.Inner[i], parameters);
            current = step.Updates;
            states[i] = step.State;
        }

        return new StepResult<T>(current, new ChainState(states));
    }

    public void WriteState(TransformState state, StateWriter writer) =>
        Combine.WriteAll(writer, Items, Validate.State<ChainState>(state, this).Inner);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable =>
        new ChainState(Combine.ReadAll(reader, Items, _ => parameters, "the chain"));

    public bool Equals(ChainTransform? other) => other is not null && Items.AsSpan().SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Length;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(string.Join(", ", Items.Select(t => t.ToString())));
        return true;
    }
}

/// <summary>
/// Applies a transform to the parameters a mask includes; the rest pass through unchanged. The state is the inner
/// transform's state over the included parameters only.
/// </summary>
internal sealed record MaskedTransform(IGradientTransform Inner, Mask Mask) : IGradientTransform
{
    private ParamSet<T> Included<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => Mask.Select(parameters);

    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Inner.Init(Included(parameters));
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (Engine<T>.TryUpdatePure(this, updates, state, parameters) is { } fused)
        {
            return fused;
        }

        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var included = parameters.Select(q => Mask.Includes(q.Info)).ToArray();
        var subParams = Combine.Subset(parameters, i => included[i]);
        var step = Inner.Update(Combine.Subset(new ParamSet<T>(u), i => included[i]), state, subParams);
        var result = (Param<T>[])u.Clone();
        Combine.Scatter(result, subParams, step, "the masked transform", i => included[i]);
        return new StepResult<T>(new ParamSet<T>(result), step.State);
    }

    public void WriteState(TransformState state, StateWriter writer) => writer.WriteState(Inner, state);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => reader.ReadState(Inner, Included(parameters));

    public override string ToString() => $"Masked({Inner}, {Mask.Description})";
}

/// <summary>Updates each group of parameters with its own transform (PyTorch's <c>param_groups</c>); state <see cref="PartitionState"/>.</summary>
internal sealed record PartitionTransform : IGradientTransform
{
    public PartitionTransform(ParamGroup[] groups)
    {
        if (groups.Length == 0)
        {
            throw new ArgumentException("A partition needs at least one group.", nameof(groups));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            if (!names.Add(g.Name))
            {
                throw new ArgumentException($"Group names must be unique: '{g.Name}' appears twice.", nameof(groups));
            }
        }

        Items = groups;
    }

    public ParamGroup[] Items { get; }

    public static void CheckCount(PartitionTransform partition, PartitionState state)
    {
        if (state.Groups.Count != partition.Items.Length)
        {
            throw new ArgumentException($"'state' holds {state.Groups.Count} group states but the partition has {partition.Items.Length} groups.", nameof(state));
        }
    }

    /// <summary>The group of each parameter (the first whose selector includes it).</summary>
    public int[] Assign(ParamInfo[] parameters)
    {
        var result = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            result[i] = Array.FindIndex(Items, g => g.Selector.Includes(p));
            if (result[i] < 0)
            {
                throw new ArgumentException(
                    $"Parameter '{p.Name}' ({p.Shape}) belongs to no group ({string.Join(", ", Items.Select(g => $"'{g.Name}': {g.Selector.Description}"))}). " +
                    "Add a last group with Mask.All to catch the rest.",
                    "parameters");
            }
        }

        return result;
    }

    private int[] Assign<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => Assign(parameters.Select(q => q.Info).ToArray());

    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var assignment = Assign(parameters);
        return new PartitionState(Items.Select((g, k) => g.Transform.Init(Combine.Subset(parameters, i => assignment[i] == k))).ToArray());
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (Engine<T>.TryUpdatePure(this, updates, state, parameters) is { } fused)
        {
            return fused;
        }

        var assignment = Assign(parameters);
        var u = new ParamSet<T>(Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters)));
        var partition = Validate.State<PartitionState>(state, this);
        CheckCount(this, partition);
        var result = new Param<T>[parameters.Count];
        var states = new TransformState[Items.Length];
        for (var k = 0; k < Items.Length; k++)
        {
            var group = k;
            var subParams = Combine.Subset(parameters, i => assignment[i] == group);
            var step = Items[k].Transform.Update(Combine.Subset(u, i => assignment[i] == group), partition.Groups[k], subParams);
            states[k] = step.State;
            Combine.Scatter(result, subParams, step, $"group '{Items[k].Name}'", i => assignment[i] == group);
        }

        return new StepResult<T>(new ParamSet<T>(result), new PartitionState(states));
    }

    public void WriteState(TransformState state, StateWriter writer) =>
        Combine.WriteAll(writer, Items.Select(g => g.Transform).ToArray(), Validate.State<PartitionState>(state, this).Groups);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        var assignment = Assign(parameters);
        return new PartitionState(Combine.ReadAll(reader, Items.Select(g => g.Transform).ToArray(), k => Combine.Subset(parameters, i => assignment[i] == k), "the partition"));
    }

    public bool Equals(PartitionTransform? other) => other is not null && Items.AsSpan().SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Length;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(string.Join(", ", Items.Select(g => $"{g.Name}: {g.Transform}")));
        return true;
    }
}

/// <summary>
/// Checks gradients for NaN and infinities before the guarded transform sees them, and throws, skips or zeroes
/// (<see cref="NonFinitePolicy"/>); state <see cref="NonFiniteState"/>. Under Throw and Skip nothing changes.
/// </summary>
internal sealed record NonFiniteGuardTransform(IGradientTransform Inner, NonFinitePolicy Policy) : IGradientTransform
{
    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        Validate.NotEmpty(parameters, nameof(parameters));
        return new NonFiniteState(Inner.Init(parameters), 0, 0, 0);
    }

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (Engine<T>.TryUpdatePure(this, updates, state, parameters) is { } fused)
        {
            return fused;
        }

        var guard = Validate.State<NonFiniteState>(state, this);
        var g = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var bad = NonFiniteScan.Check(g, Policy);
        if (bad < 0)
        {
            return new StepResult<T>(Engine<T>.NoChange(parameters), new NonFiniteState(guard.Inner, guard.SkippedSteps + 1, guard.ZeroedEntries, guard.ZeroedSteps));
        }

        var input = updates;
        if (bad > 0)
        {
            input = new ParamSet<T>(g.Select(q =>
            {
                var copy = q.Value.Clone();
                Elements.ZeroNonFinite<T>(copy.AsColumnMajorArray());
                return q.WithValue(copy);
            }));
        }

        var step = Inner.Update(input, guard.Inner, parameters);
        return new StepResult<T>(step.Updates, new NonFiniteState(step.State, guard.SkippedSteps, guard.ZeroedEntries + bad, guard.ZeroedSteps + (bad > 0 ? 1 : 0)));
    }

    public void WriteState(TransformState state, StateWriter writer)
    {
        var s = Validate.State<NonFiniteState>(state, this);
        writer.WriteInt64(s.SkippedSteps);
        writer.WriteInt64(s.ZeroedEntries);
        writer.WriteInt64(s.ZeroedSteps);
        writer.WriteState(Inner, s.Inner);
    }

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        var skipped = reader.ReadCount("skipped-step count");
        var zeroed = reader.ReadCount("zeroed-entry count");
        var zeroedSteps = reader.ReadCount("zeroed-step count");
        return new NonFiniteState(reader.ReadState(Inner, parameters), skipped, zeroed, zeroedSteps);
    }

    public override string ToString() => $"GuardNonFinite({Inner}, {Policy})";
}

/// <summary>Adds a penalty's gradient to the updates (not element-wise in general, so it runs unfused); stateless.</summary>
internal sealed record AddPenaltyGradientTransform(Penalty Penalty) : IGradientTransform
{
    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => EmptyState.Instance;

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        Validate.State<EmptyState>(state, this);
        var gradient = Penalty.Gradient(parameters);
        var values = new Matrix<T>[u.Length];
        for (var i = 0; i < u.Length; i++)
        {
            var d = new T[u[i].Count];
            Elements.Add<T>(u[i].Value.AsColumnMajorArray(), gradient[i].Value.AsColumnMajorArray(), d);
            values[i] = Matrix<T>.Build.Dense(u[i].Rows, u[i].Columns, d);
        }

        return new StepResult<T>(parameters.WithValues(values), EmptyState.Instance);
    }

    public void WriteState(TransformState state, StateWriter writer) => Validate.State<EmptyState>(state, this);

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => EmptyState.Instance;
}
