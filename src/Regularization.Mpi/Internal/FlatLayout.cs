namespace Regularization.Mpi.Internal;

/// <summary>The parameters of a set laid end to end (set order, each column-major): offsets, counts and the copies in and out.</summary>
internal sealed class FlatLayout
{
    private FlatLayout(ParamInfo[] infos, int[] offsets, int total)
    {
        Infos = infos;
        Offsets = offsets;
        Total = total;
    }

    public ParamInfo[] Infos { get; }

    public int[] Offsets { get; }

    public int Total { get; }

    public static FlatLayout Of<T>(ParamSet<T> set, string argument)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (set.IsEmpty)
        {
            throw new ArgumentException($"'{argument}' is empty.", argument);
        }

        if (set.ElementCount > int.MaxValue)
        {
            throw new ArgumentException($"'{argument}' has {set.ElementCount} elements; MPI counts are 32-bit, so at most {int.MaxValue}.", argument);
        }

        var infos = set.Select(p => p.Info).ToArray();
        var offsets = new int[infos.Length];
        var total = 0;
        for (var i = 0; i < infos.Length; i++)
        {
            offsets[i] = total;
            total += infos[i].Rows * infos[i].Columns;
        }

        return new FlatLayout(infos, offsets, total);
    }

    public void Check<T>(ParamSet<T> set, string argument)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (set.Count != Infos.Length)
        {
            throw new ArgumentException($"'{argument}' has {set.Count} parameters; the layout has {Infos.Length}.", argument);
        }

        for (var i = 0; i < Infos.Length; i++)
        {
            var p = set[i];
            if (p.Name != Infos[i].Name || p.Rows != Infos[i].Rows || p.Columns != Infos[i].Columns)
            {
                throw new ArgumentException(
                    $"'{argument}'[{i}] is '{p.Name}' {p.Rows}x{p.Columns}; the layout has '{Infos[i].Name}' {Infos[i].Rows}x{Infos[i].Columns} there (same names, order and shapes are needed).",
                    argument);
            }
        }
    }

    /// <summary>Copies the set's elements into <paramref name="flat"/> (its first <see cref="Total"/> elements).</summary>
    public void Gather<T>(ParamSet<T> set, Span<T> flat, string argument)
        where T : struct, IEquatable<T>, IFormattable
    {
        Check(set, argument);
        for (var i = 0; i < Infos.Length; i++)
        {
            var a = set[i].Value.AsColumnMajorArray();
            a.CopyTo(flat.Slice(Offsets[i], a.Length));
        }
    }

    /// <summary>Copies <paramref name="flat"/> back into the set's matrices (the layout was checked by <see cref="Gather"/> or <see cref="Check"/>).</summary>
    public void Scatter<T>(ReadOnlySpan<T> flat, ParamSet<T> set)
        where T : struct, IEquatable<T>, IFormattable
    {
        for (var i = 0; i < Infos.Length; i++)
        {
            var a = set[i].Value.AsColumnMajorArray();
            flat.Slice(Offsets[i], a.Length).CopyTo(a);
        }
    }
}
