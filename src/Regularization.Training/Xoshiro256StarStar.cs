using System.Numerics;

namespace Regularization.Training;

/// <summary>
/// The complete state of a <see cref="Xoshiro256StarStar"/> generator: four 64-bit words, never all zero. Save it
/// (checkpoints do) and restore it with <see cref="Xoshiro256StarStar.FromState"/> to continue the same sequence.
/// </summary>
/// <param name="S0">Word 0.</param>
/// <param name="S1">Word 1.</param>
/// <param name="S2">Word 2.</param>
/// <param name="S3">Word 3.</param>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>True when all four words are zero, the one state xoshiro cannot leave.</summary>
    public bool IsZero => (S0 | S1 | S2 | S3) == 0;
}

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna), seeded through SplitMix64: a small, fast generator whose whole state is
/// four words that can be exported and restored (<see cref="State"/>, <see cref="FromState"/>), unlike
/// <see cref="System.Random"/>. The training loop uses one generator for the initial weights and, after them, for
/// the per-epoch shuffles, so a seed fixes a run and a saved state resumes it exactly.
/// </summary>
/// <remarks>
/// Not thread-safe and not cryptographic. The sequence for a seed is fixed by the published reference algorithms
/// and will not change between versions of this library (tests pin the first outputs).
/// </remarks>
public sealed class Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose four state words are the first four outputs of SplitMix64 started at <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value, 0 included.</param>
    public Xoshiro256StarStar(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Xoshiro256StarStar(RngState state)
    {
        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
    }

    /// <summary>The current state; the generator continues from it after <see cref="FromState"/>.</summary>
    public RngState State => new(_s0, _s1, _s2, _s3);

    /// <summary>A generator that continues from a saved state.</summary>
    /// <param name="state">A state from <see cref="State"/>.</param>
    /// <exception cref="ArgumentException">The state is all zeros (xoshiro would output zeros forever).</exception>
    public static Xoshiro256StarStar FromState(RngState state)
    {
        if (state.IsZero)
        {
            throw new ArgumentException("A xoshiro256** state must not be all zeros.", nameof(state));
        }

        return new Xoshiro256StarStar(state);
    }

    /// <summary>One step of SplitMix64 (Steele, Lea and Flood): advances <paramref name="x"/> and returns the next output.</summary>
    /// <param name="x">The SplitMix64 state.</param>
    public static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>): <c>low + (high - low) * NextDouble()</c>.</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound, greater than <paramref name="low"/>.</param>
    public double NextDouble(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without bias (Lemire's multiply-and-reject).</summary>
    /// <param name="maxExclusive">The bound, &gt; 0.</param>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var n = (ulong)maxExclusive;
        var high = Math.BigMul(NextUInt64(), n, out var low);
        if (low < n)
        {
            var threshold = (0UL - n) % n;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), n, out low);
            }
        }

        return (int)high;
    }

    /// <summary>Shuffles in place with Fisher-Yates (from the last position down), every permutation equally likely.</summary>
    /// <param name="values">The values to permute.</param>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
