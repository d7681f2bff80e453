using System.Diagnostics.Contracts;
using System.Numerics;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// The element-wise operator of a primitive, in the style of <c>System.Numerics.Tensors.TensorPrimitives</c>: a small
/// struct whose fields are the step's scalars (already broadcast) and whose <see cref="Apply"/> is the primitive's whole
/// arithmetic for one vector of elements. The library's one loop drives it over every parameter, with the element
/// type's hardware vectors and a padded tail, in the pure path and in the fused in-place path alike.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <c>p</c> is the parameter, <c>u</c> the incoming update (write the outgoing one into it), and <c>s0</c>..<c>s3</c>
/// the primitive's state slots in the order of <see cref="ElementwiseTransform.SlotNames"/> (read and write them in
/// place; slots the primitive does not declare are zeros and are not stored).
/// <example>
/// <code>
/// readonly struct ScaleRule&lt;T&gt;(Vector&lt;T&gt; factor) : IElementRule&lt;T&gt; where T : struct, IEquatable&lt;T&gt;, IFormattable
/// {
///     public void Apply(Vector&lt;T&gt; p, ref Vector&lt;T&gt; u, ref Vector&lt;T&gt; s0, ref Vector&lt;T&gt; s1, ref Vector&lt;T&gt; s2, ref Vector&lt;T&gt; s3) =&gt; u *= factor;
/// }
/// </code>
/// </example>
/// </remarks>
public interface IElementRule<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>Applies the rule to one vector of elements.</summary>
    /// <param name="p">The parameter's elements (read only).</param>
    /// <param name="u">The update's elements: incoming, replaced by the outgoing update.</param>
    /// <param name="s0">State slot 0.</param>
    /// <param name="s1">State slot 1.</param>
    /// <param name="s2">State slot 2.</param>
    /// <param name="s3">State slot 3.</param>
    void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3);
}

/// <summary>
/// Receives a primitive's rule for one step (see <see cref="ElementwiseTransform.CreateRule{T}"/>); the generic method
/// lets the library's loop run the concrete rule type without boxing or virtual calls per element.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IElementRuleSink<T>
    where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>Takes the rule the next pass runs.</summary>
    /// <typeparam name="TRule">The rule type.</typeparam>
    /// <param name="rule">The rule, with this step's scalars.</param>
    void Use<TRule>(TRule rule)
        where TRule : struct, IElementRule<T>;
}

/// <summary>
/// The base of every element-wise primitive, built-in or yours: it declares its state slots (at most four buffers shaped
/// like the parameters, plus a step count) and, for each step, one <see cref="IElementRule{T}"/> with that step's
/// scalars. Everything else is derived from that one definition: <see cref="Init{T}"/>, the pure <see cref="Update{T}"/>,
/// the fused in-place step of <see cref="Optimizer{T}"/> (any chain of element-wise primitives, in any order, runs as
/// one pass over memory per parameter), checkpoints and state validation.
/// </summary>
/// <remarks>
/// Fusion runs a chain over cache-sized blocks of each parameter: the block of the gradient, the parameter and every
/// slot is read from memory once, each primitive's rule runs over it while it is in the L1 cache, and the results are
/// written back once. The bits are those of running the primitives one after another.
/// <example>
/// A user-defined primitive, <c>u' = sign(u) * sqrt(|u|)</c> with a running count of steps:
/// <code>
/// public sealed class SignedSqrt : ElementwiseTransform
/// {
///     public SignedSqrt() : base() { }
///     protected override void CreateRule&lt;T&gt;(long count, IElementRuleSink&lt;T&gt; sink) =&gt; sink.Use(new Rule&lt;T&gt;());
///     private readonly struct Rule&lt;T&gt; : IElementRule&lt;T&gt; where T : struct, IEquatable&lt;T&gt;, IFormattable
///     {
///         public void Apply(Vector&lt;T&gt; p, ref Vector&lt;T&gt; u, ref Vector&lt;T&gt; s0, ref Vector&lt;T&gt; s1, ref Vector&lt;T&gt; s2, ref Vector&lt;T&gt; s3) =&gt;
///             u = VectorMath.Sign(u) * VectorMath.Sqrt(Vector.Abs(u));
///     }
/// }
/// </code>
/// </example>
/// </remarks>
public abstract class ElementwiseTransform : IGradientTransform, IEquatable<ElementwiseTransform>
{
    /// <summary>The most state slots a primitive can declare (4).</summary>
    public static int MaxSlots => 4;

    private readonly string[] _slotNames;

    /// <summary>Creates a primitive with these state slots.</summary>
    /// <param name="slotNames">Distinct, non-empty slot names (at most <see cref="MaxSlots"/>); none for a stateless rule.</param>
    /// <exception cref="ArgumentException">Too many slots, or a name is empty or repeated.</exception>
    protected ElementwiseTransform(params string[] slotNames)
    {
        ArgumentNullException.ThrowIfNull(slotNames);
        if (slotNames.Length > MaxSlots)
        {
            throw new ArgumentException($"A primitive has at most {MaxSlots} state slots, not {slotNames.Length}.", nameof(slotNames));
        }

        if (slotNames.Any(string.IsNullOrWhiteSpace) || slotNames.Distinct(StringComparer.Ordinal).Count() != slotNames.Length)
        {
            throw new ArgumentException($"Slot names must be distinct and non-empty: [{string.Join(", ", slotNames)}].", nameof(slotNames));
        }

        _slotNames = (string[])slotNames.Clone();
    }

    /// <summary>The state slots, in the order the rule sees them (<c>s0</c>, <c>s1</c>, ...).</summary>
    public IReadOnlyList<string> SlotNames => _slotNames;

    /// <summary>What makes two primitives equal (their configuration); by default reference equality.</summary>
    protected virtual object? EqualityKey => null;

    /// <summary>The value every element of a slot starts with (0 unless overridden; Adagrad's accumulator starts elsewhere).</summary>
    /// <param name="slot">The slot's index.</param>
    /// <returns>The initial value.</returns>
    protected virtual double InitialValue(int slot) => 0;

    /// <summary>
    /// Hands this step's rule to <paramref name="sink"/>: compute the per-step scalars from <paramref name="count"/> (updates
    /// done before this one) and your schedules, broadcast them into the rule's fields, and call <c>sink.Use(rule)</c>
    /// exactly once. Throw here (not in the rule) for a bad scalar: nothing has been written yet.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="count">Updates done before this one (0 at the first).</param>
    /// <param name="sink">Where the rule goes.</param>
    protected internal abstract void CreateRule<T>(long count, IElementRuleSink<T> sink)
        where T : struct, IEquatable<T>, IFormattable;

    /// <summary>
    /// Checks a slot read from a checkpoint (for example that second moments are not negative); return a message for a
    /// bad value, or null. By default every element must be finite.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="slot">The slot's index.</param>
    /// <param name="values">Its elements, for one parameter.</param>
    /// <returns>null when valid; otherwise what is wrong.</returns>
    protected virtual string? CheckSlot<T>(int slot, ReadOnlySpan<T> values)
        where T : struct, IEquatable<T>, IFormattable =>
        Elements.AllFinite(values) ? null : "holds NaN or an infinity";

    internal double InitialValueOf(int slot) => InitialValue(slot);

    internal string? CheckSlotOf<T>(int slot, ReadOnlySpan<T> values)
        where T : struct, IEquatable<T>, IFormattable => CheckSlot(slot, values);

    /// <inheritdoc />
    [Pure]
    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Engine<T>.InitSlots(this, parameters);
    }

    /// <inheritdoc />
    [Pure]
    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => Engine<T>.UpdatePure(this, updates, state, parameters);

    /// <inheritdoc />
    public void WriteState(TransformState state, StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        StateFormat.WriteSlots(this, state, writer);
    }

    /// <inheritdoc />
    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parameters);
        return StateFormat.ReadSlots(this, reader, parameters);
    }

    /// <summary>Equal when of the same type with equal <see cref="EqualityKey"/>s (or the same instance).</summary>
    /// <param name="other">The other primitive.</param>
    public bool Equals(ElementwiseTransform? other) =>
        ReferenceEquals(this, other)
        || (other is not null && other.GetType() == GetType() && EqualityKey is { } key && key.Equals(other.EqualityKey));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ElementwiseTransform);

    /// <inheritdoc />
    public override int GetHashCode() => EqualityKey is { } key ? HashCode.Combine(GetType(), key) : base.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => EqualityKey is { } key ? $"{GetType().Name} {key}" : GetType().Name;
}
