using System.Diagnostics.Contracts;
using System.Text;

namespace Regularization;

/// <summary>
/// The state of a gradient transform: an immutable value that <see cref="IGradientTransform.Init{T}"/> creates and
/// <see cref="IGradientTransform.Update{T}"/> consumes and returns anew. Derive from it to give your own transform a
/// state (see <see cref="IGradientTransform"/> for the contract, including checkpoints).
/// </summary>
/// <remarks>
/// States compare by value (buffers element by element). A state never changes after it is created: functions of this
/// library never write into the matrices of a state they receive.
/// </remarks>
public abstract record TransformState
{
    /// <summary>Creates a state (for derived records).</summary>
    protected TransformState()
    {
    }
}

/// <summary>The state of a transform that keeps none (for example <see cref="Transforms.Identity"/>).</summary>
public sealed record EmptyState : TransformState
{
    private EmptyState()
    {
    }

    /// <summary>The only instance.</summary>
    public static EmptyState Instance { get; } = new();
}

/// <summary>
/// The state of an element-wise primitive (<see cref="ElementwiseTransform"/>): how many updates it has done and its
/// named buffers ("slots"), each a <see cref="ParamSet{T}"/> named and shaped like the parameters it applies to.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// PyTorch's names are used where PyTorch has the buffer: <c>momentum_buffer</c> (<see cref="Transforms.Trace"/>),
/// <c>exp_avg</c>, <c>exp_avg_sq</c> and <c>max_exp_avg_sq</c> (<see cref="Transforms.ScaleByAdam"/>).
/// <example>
/// <code>
/// var adam = (SlotState&lt;double&gt;)((ChainState)state).Inner[0];
/// Matrix&lt;double&gt; m = adam["exp_avg"]["fc1.weight"].Value;
/// </code>
/// </example>
/// </remarks>
public sealed record SlotState<T> : TransformState
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly string[] _names;
    private readonly ParamSet<T>[] _slots;

    internal SlotState(long count, string[] names, ParamSet<T>[] slots)
    {
        Count = count;
        _names = names;
        _slots = slots;
    }

    /// <summary>Updates done so far (PyTorch's <c>step</c>; 0 before the first).</summary>
    public long Count { get; }

    /// <summary>The slot names, in the primitive's order.</summary>
    public IReadOnlyList<string> SlotNames => _names;

    /// <summary>The slots, in the order of <see cref="SlotNames"/>.</summary>
    public IReadOnlyList<ParamSet<T>> Slots => _slots;

    /// <summary>The slot with this name.</summary>
    /// <param name="slot">A name from <see cref="SlotNames"/>.</param>
    /// <exception cref="KeyNotFoundException">No slot has that name; the message lists the names there are.</exception>
    public ParamSet<T> this[string slot]
    {
        get
        {
            var i = Array.IndexOf(_names, slot);
            return i >= 0
                ? _slots[i]
                : throw new KeyNotFoundException($"No slot '{slot}'; this state has {(_names.Length == 0 ? "none" : string.Join(", ", _names))}.");
        }
    }

    /// <summary>Returns a copy with another count.</summary>
    /// <param name="count">The count, &gt;= 0.</param>
    [Pure]
    public SlotState<T> WithCount(long count) =>
        count >= 0 ? new(count, _names, _slots) : throw new ArgumentOutOfRangeException(nameof(count), count, "'count' must be >= 0.");

    /// <summary>Value equality: count, slot names and slots.</summary>
    /// <param name="other">The other state.</param>
    public bool Equals(SlotState<T>? other) =>
        other is not null && Count == other.Count && _names.AsSpan().SequenceEqual(other._names) && _slots.AsSpan().SequenceEqual(other._slots);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Count, _names.Length, _slots.Length == 0 ? 0 : _slots[0].GetHashCode());

    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Count = ").Append(Count).Append(", Slots = [").Append(string.Join(", ", _names)).Append(']');
        return true;
    }
}

/// <summary>The states of the transforms of a <see cref="Transforms.Chain"/>, in order.</summary>
public sealed record ChainState : TransformState
{
    private readonly TransformState[] _inner;

    internal ChainState(TransformState[] inner) => _inner = inner;

    /// <summary>The states, one per transform of the chain.</summary>
    public IReadOnlyList<TransformState> Inner => _inner;

    /// <summary>Value equality, state by state.</summary>
    /// <param name="other">The other state.</param>
    public bool Equals(ChainState? other) => other is not null && _inner.AsSpan().SequenceEqual(other._inner);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_inner.Length, _inner.Length == 0 ? 0 : _inner[0].GetHashCode());

    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Inner = [").Append(string.Join(", ", _inner.Select(s => s.ToString()))).Append(']');
        return true;
    }
}

/// <summary>The state of a <see cref="Transforms.Partition"/>: one state per group, in group order.</summary>
public sealed record PartitionState : TransformState
{
    private readonly TransformState[] _groups;

    internal PartitionState(TransformState[] groups) => _groups = groups;

    /// <summary>The states, one per group.</summary>
    public IReadOnlyList<TransformState> Groups => _groups;

    /// <summary>Value equality, state by state.</summary>
    /// <param name="other">The other state.</param>
    public bool Equals(PartitionState? other) => other is not null && _groups.AsSpan().SequenceEqual(other._groups);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_groups.Length, _groups.Length == 0 ? 0 : _groups[0].GetHashCode());

    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Groups = [").Append(string.Join(", ", _groups.Select(s => s.ToString()))).Append(']');
        return true;
    }
}

/// <summary>
/// The state of <see cref="Transforms.GuardNonFinite"/>: the guarded transform's state and how many steps were
/// skipped and entries zeroed because a gradient was not finite.
/// </summary>
public sealed record NonFiniteState : TransformState
{
    internal NonFiniteState(TransformState inner, long skippedSteps, long zeroedEntries, long zeroedSteps)
    {
        Inner = inner;
        SkippedSteps = skippedSteps;
        ZeroedEntries = zeroedEntries;
        ZeroedSteps = zeroedSteps;
    }

    /// <summary>The guarded transform's state.</summary>
    public TransformState Inner { get; }

    /// <summary>Steps skipped because a gradient entry was NaN or infinite.</summary>
    public long SkippedSteps { get; }

    /// <summary>Gradient entries replaced by zero.</summary>
    public long ZeroedEntries { get; }

    /// <summary>Steps in which at least one gradient entry was replaced by zero.</summary>
    public long ZeroedSteps { get; }
}
