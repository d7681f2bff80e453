namespace Regularization.Internal;

/// <summary>The checkpoint form of <see cref="SlotState{T}"/>, and the layout checks every consumer of a slot state shares.</summary>
internal static class StateFormat
{
    public static void WriteSlots(ElementwiseTransform transform, TransformState state, StateWriter writer)
    {
        switch (state)
        {
            case SlotState<double> d:
                Write(transform, d, writer);
                break;
            case SlotState<float> f:
                Write(transform, f, writer);
                break;
            default:
                throw new ArgumentException($"'state' is a {state.GetType().Name}, but {transform} writes a SlotState.", nameof(state));
        }
    }

    private static void Write<T>(ElementwiseTransform transform, SlotState<T> state, StateWriter writer)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (!state.SlotNames.SequenceEqual(transform.SlotNames))
        {
            throw new ArgumentException(
                $"'state' has slots [{string.Join(", ", state.SlotNames)}], but {transform} has [{string.Join(", ", transform.SlotNames)}]: it is another transform's state.",
                nameof(state));
        }

        writer.WriteInt64(state.Count);
        writer.WriteInt64(state.Slots.Count);
        for (var j = 0; j < state.Slots.Count; j++)
        {
            writer.WriteString(state.SlotNames[j]);
            writer.WriteSet(state.Slots[j]);
        }
    }

    public static SlotState<T> ReadSlots<T>(ElementwiseTransform transform, StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        var count = reader.ReadCount($"{transform} step count");
        var slots = reader.ReadInt64();
        if (slots != transform.SlotNames.Count)
        {
            throw new InvalidDataException($"{transform} has {transform.SlotNames.Count} state slots, but the data holds {slots}.");
        }

        var sets = new ParamSet<T>[slots];
        for (var j = 0; j < sets.Length; j++)
        {
            var name = reader.ReadString();
            if (name != transform.SlotNames[j])
            {
                throw new InvalidDataException($"{transform} slot {j} is '{transform.SlotNames[j]}', but the data holds '{name}'.");
            }

            sets[j] = reader.ReadSet(parameters, name);
            foreach (var q in sets[j])
            {
                if (transform.CheckSlotOf<T>(j, q.Value.AsColumnMajorArray()) is { } problem)
                {
                    throw new InvalidDataException($"{transform} slot '{name}' of parameter '{q.Name}' {problem}.");
                }
            }
        }

        return new SlotState<T>(count, transform.SlotNames.ToArray(), sets);
    }

    /// <summary>Checks that a slot state belongs to the primitive and has the layout of the parameters it applies to.</summary>
    public static void CheckLayout<T>(ElementwiseTransform transform, SlotState<T> state, ParamSet<T> layout)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (!state.SlotNames.SequenceEqual(transform.SlotNames))
        {
            throw new ArgumentException(
                $"'state' has slots [{string.Join(", ", state.SlotNames)}], but {transform} has [{string.Join(", ", transform.SlotNames)}].", "state");
        }

        foreach (var (set, name) in state.Slots.Zip(state.SlotNames))
        {
            if (!set.HasSameLayout(layout))
            {
                throw new ArgumentException(
                    $"'state' slot '{name}' of {transform} holds {set.DescribeNames()}, but the parameters are {layout.DescribeNames()}. " +
                    "Pass the state returned by this transform's Init or by its previous Update for these parameters.",
                    "state");
            }
        }
    }
}
