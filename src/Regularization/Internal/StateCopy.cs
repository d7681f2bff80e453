namespace Regularization.Internal;

/// <summary>
/// Rebuilds a state tree with every counter advanced by the steps the facade ran in place, optionally deep-copying
/// the buffers. States of unknown types are returned as they are (they are immutable by contract).
/// </summary>
internal static class StateCopy
{
    public static TransformState Materialize(TransformState root, long executed, long skipped, long zeroedEntries, long zeroedSteps, bool deepCopy)
    {
        if (root is NonFiniteState guard)
        {
            return new NonFiniteState(
                Advance(guard.Inner, executed, deepCopy),
                guard.SkippedSteps + skipped,
                guard.ZeroedEntries + zeroedEntries,
                guard.ZeroedSteps + zeroedSteps);
        }

        return Advance(root, executed, deepCopy);
    }

    private static TransformState Advance(TransformState state, long e, bool copy)
    {
        ParamSet C(ParamSet set) => copy ? set.Copy() : set;
        return state switch
        {
            CountState c => e == 0 && !copy ? c : new CountState(c.Count + e),
            TraceState t => new TraceState(t.Count + e, C(t.Trace)),
            AdamState a => new AdamState(a.Count + e, C(a.Mu), C(a.Nu), C(a.MaxNu)),
            ChainState ch => new ChainState(ch.Inner.Select(s => Advance(s, e, copy))),
            MaskedState m => new MaskedState(Advance(m.Inner, e, copy)),
            PartitionState p => new PartitionState(p.Groups.Select(s => Advance(s, e, copy))),
            NonFiniteState g => g.WithInner(Advance(g.Inner, e, copy)),
            _ => state,
        };
    }
}
