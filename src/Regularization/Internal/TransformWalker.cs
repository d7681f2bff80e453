namespace Regularization.Internal;

/// <summary>Walks the combinators of this library (chain, mask, partition, guard) to reach the primitives.</summary>
internal static class TransformWalker
{
    public static IEnumerable<IGradientTransform> All(IGradientTransform root)
    {
        yield return root;
        IEnumerable<IGradientTransform> children = root switch
        {
            ChainTransform c => c.Items,
            MaskedTransform m => new[] { m.Inner },
            PartitionTransform p => p.Items.Select(g => g.Transform),
            NonFiniteGuardTransform g => new[] { g.Inner },
            _ => Array.Empty<IGradientTransform>(),
        };
        foreach (var child in children)
        {
            foreach (var t in All(child))
            {
                yield return t;
            }
        }
    }
}
