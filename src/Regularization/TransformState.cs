using System.Diagnostics.Contracts;
using System.Text;

namespace Regularization;

/// <summary>
/// The state of a gradient transform: an immutable value that <see cref="IGradientTransform.Init"/> creates and
/// <see cref="IGradientTransform.Update"/> consumes and returns anew. Every transform has one small sealed state type.
/// </summary>
/// <remarks>
/// States compare by value (buffers element by element). Buffers are <see cref="ParamSet"/>s named like the
/// parameters they belong to. A state never changes after it is created: functions of this library never write
/// into the matrices of a state they receive.
/// </remarks>
public abstract record TransformState
{
    private protected TransformState()
    {
    }
}

/// <summary>The state of a transform that keeps none (for example <see cref="Transforms.Scale"/>).</summary>
public sealed record EmptyState : TransformState
{
    private EmptyState()
    {
    }

    /// <summary>The only instance.</summary>
    public static EmptyState Instance { get; } = new();
}

/// <summary>A step counter: the number of updates done so far. Used by transforms that follow a <see cref="Schedule"/>.</summary>
public sealed record CountState : TransformState
{
    /// <summary>Creates a counter.</summary>
    /// <param name="count">Updates done so far (0 before the first).</param>
    public CountState(long count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "'count' must be >= 0.");
        }

        Count = count;
    }

    /// <summary>Updates done so far; the next update uses schedule values at this step.</summary>
    public long Count { get; }

    /// <summary>Returns a counter with another count.</summary>
    /// <param name="count">The count.</param>
    [Pure]
    public CountState WithCount(long count) => new(count);
}

/// <summary>
/// The momentum buffer of <see cref="Transforms.Trace"/> (PyTorch's <c>momentum_buffer</c>), and how many updates
/// have passed through it. Before the first update the buffer holds zeros and is not read.
/// </summary>
public sealed record TraceState : TransformState
{
    /// <summary>Creates a momentum state.</summary>
    /// <param name="count">Updates done so far.</param>
    /// <param name="trace">The momentum buffer, one matrix per parameter.</param>
    public TraceState(long count, ParamSet trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "'count' must be >= 0.");
        }

        Count = count;
        Trace = trace;
    }

    /// <summary>Updates done so far (0: the buffer has not been initialised from a gradient yet).</summary>
    public long Count { get; }

    /// <summary>The momentum buffer.</summary>
    public ParamSet Trace { get; }

    /// <summary>Returns a copy with another buffer.</summary>
    /// <param name="trace">The buffer.</param>
    [Pure]
    public TraceState WithTrace(ParamSet trace) => new(Count, trace);
}

/// <summary>
/// The moments of <see cref="Transforms.ScaleByAdam"/>: PyTorch's <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>
/// and, with AMSGrad, <c>max_exp_avg_sq</c>.
/// </summary>
public sealed record AdamState : TransformState
{
    /// <summary>Creates an Adam state.</summary>
    /// <param name="count">Updates done so far (PyTorch's <c>step</c>).</param>
    /// <param name="mu">First moment (<c>exp_avg</c>).</param>
    /// <param name="nu">Second moment (<c>exp_avg_sq</c>).</param>
    /// <param name="maxNu">Running maximum of the second moment (<c>max_exp_avg_sq</c>) with AMSGrad; <see cref="ParamSet.Empty"/> without.</param>
    public AdamState(long count, ParamSet mu, ParamSet nu, ParamSet maxNu)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(nu);
        ArgumentNullException.ThrowIfNull(maxNu);
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "'count' must be >= 0.");
        }

        Count = count;
        Mu = mu;
        Nu = nu;
        MaxNu = maxNu;
    }

    /// <summary>Updates done so far (PyTorch's <c>step</c>).</summary>
    public long Count { get; }

    /// <summary>First moment, PyTorch's <c>exp_avg</c>.</summary>
    public ParamSet Mu { get; }

    /// <summary>Second moment, PyTorch's <c>exp_avg_sq</c>.</summary>
    public ParamSet Nu { get; }

    /// <summary>Running maximum of <see cref="Nu"/> (PyTorch's <c>max_exp_avg_sq</c>) with AMSGrad; empty otherwise.</summary>
    public ParamSet MaxNu { get; }
}

/// <summary>The states of the transforms of a <see cref="Transforms.Chain"/>, in order.</summary>
public sealed record ChainState : TransformState
{
    private readonly TransformState[] _inner;

    /// <summary>Creates a chain state.</summary>
    /// <param name="inner">One state per transform of the chain, in order.</param>
    public ChainState(IEnumerable<TransformState> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner.ToArray();
        for (var i = 0; i < _inner.Length; i++)
        {
            if (_inner[i] is null)
            {
                throw new ArgumentNullException(nameof(inner), $"State at index {i} is null.");
            }
        }
    }

    /// <summary>The states, one per transform of the chain.</summary>
    public IReadOnlyList<TransformState> Inner => _inner;

    /// <summary>Value equality, state by state.</summary>
    /// <param name="other">The other state.</param>
    public bool Equals(ChainState? other) =>
        other is not null && _inner.AsSpan().SequenceEqual(other._inner);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var s in _inner)
        {
            hash.Add(s);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Inner = [").Append(string.Join(", ", _inner.Select(s => s.ToString()))).Append(']');
        return true;
    }
}

/// <summary>The state of a <see cref="Transforms.Masked"/> transform: the inner state, over the included parameters only.</summary>
public sealed record MaskedState : TransformState
{
    /// <summary>Creates a masked state.</summary>
    /// <param name="inner">The inner transform's state.</param>
    public MaskedState(TransformState inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The inner transform's state.</summary>
    public TransformState Inner { get; }
}

/// <summary>The state of a <see cref="Transforms.Partition"/>: one state per group, in group order.</summary>
public sealed record PartitionState : TransformState
{
    private readonly TransformState[] _groups;

    /// <summary>Creates a partition state.</summary>
    /// <param name="groups">One state per group.</param>
    public PartitionState(IEnumerable<TransformState> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToArray();
        for (var i = 0; i < _groups.Length; i++)
        {
            if (_groups[i] is null)
            {
                throw new ArgumentNullException(nameof(groups), $"State at index {i} is null.");
            }
        }
    }

    /// <summary>The states, one per group.</summary>
    public IReadOnlyList<TransformState> Groups => _groups;

    /// <summary>Value equality, state by state.</summary>
    /// <param name="other">The other state.</param>
    public bool Equals(PartitionState? other) =>
        other is not null && _groups.AsSpan().SequenceEqual(other._groups);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var s in _groups)
        {
            hash.Add(s);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Groups = [").Append(string.Join(", ", _groups.Select(s => s.ToString()))).Append(']');
        return true;
    }
}

/// <summary>
/// The state of a <see cref="Transforms.GuardNonFinite"/>: the guarded transform's state and how many steps were
/// skipped and entries zeroed because a gradient was not finite.
/// </summary>
public sealed record NonFiniteState : TransformState
{
    /// <summary>Creates a guard state.</summary>
    /// <param name="inner">The guarded transform's state.</param>
    /// <param name="skippedSteps">Steps skipped under <see cref="NonFinitePolicy.Skip"/>.</param>
    /// <param name="zeroedEntries">Gradient entries set to zero under <see cref="NonFinitePolicy.Zero"/>.</param>
    /// <param name="zeroedSteps">Steps in which at least one entry was zeroed.</param>
    public NonFiniteState(TransformState inner, long skippedSteps, long zeroedEntries, long zeroedSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (skippedSteps < 0 || zeroedEntries < 0 || zeroedSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(skippedSteps), "Counts must be >= 0.");
        }

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

    /// <summary>Returns a copy with another inner state.</summary>
    /// <param name="inner">The inner state.</param>
    [Pure]
    public NonFiniteState WithInner(TransformState inner) => new(inner, SkippedSteps, ZeroedEntries, ZeroedSteps);
}
