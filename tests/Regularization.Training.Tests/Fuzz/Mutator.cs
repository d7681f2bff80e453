using System.Buffers.Binary;

namespace Regularization.Training.Tests.Fuzz;

/// <summary>
/// A seeded byte-level mutator in the style of AFL/libFuzzer's havoc stage: bit flips, interesting bytes, integers
/// and doubles at aligned and unaligned offsets, truncation, extension, chunk deletion and duplication, splicing with
/// another seed. Deterministic for a given seed.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly int[] InterestingInts =
    [
        0, 1, -1, 2, 8, 16, 28, 255, 256, 784, 10000, 60000, 46341, 65535, 65536, 1 << 20, 1 << 24, 1 << 30,
        int.MaxValue, int.MinValue, int.MaxValue - 1, Array.MaxLength, 0x7FFFFFC8, 0x0803, 0x0801,
    ];

    private static readonly double[] InterestingDoubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, -0.0, 0, 1e308, -1e308, double.Epsilon, 100.0001, 1e-320,
    ];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>One to eight stacked mutations of <paramref name="input"/> (a new array).</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> others, bool bigEndian)
    {
        var data = new List<byte>(input);
        var rounds = 1 + _random.Next(_random.Next(2) == 0 ? 2 : 8);
        for (var round = 0; round < rounds; round++)
        {
            MutateOnce(data, others, bigEndian);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> others, bool bigEndian)
    {
        if (data.Count == 0)
        {
            data.Add((byte)_random.Next(256));
            return;
        }

        switch (_random.Next(11))
        {
            case 0: // flip a bit
                {
                    var i = _random.Next(data.Count);
                    data[i] ^= (byte)(1 << _random.Next(8));
                    break;
                }

            case 1: // an interesting byte
                data[_random.Next(data.Count)] = (byte)(_random.Next(5) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, 3 => 0x80, _ => _random.Next(256) });
                break;
            case 2: // an interesting 32-bit integer, often at a header position
            case 3:
                {
                    var value = InterestingInts[_random.Next(InterestingInts.Length)] + (_random.Next(4) == 0 ? _random.Next(-2, 3) : 0);
                    var at = _random.Next(3) == 0 ? _random.Next(Math.Max(1, data.Count - 3)) : 4 * _random.Next(Math.Max(1, Math.Min(data.Count, 64) / 4));
                    Span<byte> bytes = stackalloc byte[4];
                    if (bigEndian)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
                    }
                    else
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
                    }

                    Put(data, at, bytes);
                    break;
                }

            case 4: // an interesting double (little-endian, as checkpoints store them)
                {
                    Span<byte> bytes = stackalloc byte[8];
                    BinaryPrimitives.WriteDoubleLittleEndian(bytes, InterestingDoubles[_random.Next(InterestingDoubles.Length)]);
                    Put(data, _random.Next(Math.Max(1, data.Count - 7)), bytes);
                    break;
                }

            case 5: // an interesting 64-bit integer
                {
                    Span<byte> bytes = stackalloc byte[8];
                    var value = _random.Next(4) switch { 0 => long.MaxValue, 1 => long.MinValue, 2 => -1L, _ => (long)_random.Next() << _random.Next(33) };
                    BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                    Put(data, _random.Next(Math.Max(1, data.Count - 7)), bytes);
                    break;
                }

            case 6: // truncate
                {
                    var at = _random.Next(data.Count);
                    data.RemoveRange(at, data.Count - at);
                    break;
                }

            case 7: // extend with random bytes or zeros
                {
                    var n = 1 + _random.Next(_random.Next(2) == 0 ? 16 : 4096);
                    var zeros = _random.Next(2) == 0;
                    for (var k = 0; k < n; k++)
                    {
                        data.Add(zeros ? (byte)0 : (byte)_random.Next(256));
                    }

                    break;
                }

            case 8: // delete a chunk
                {
                    var at = _random.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(64)));
                    break;
                }

            case 9: // duplicate a chunk
                {
                    var at = _random.Next(data.Count);
                    var n = Math.Min(data.Count - at, 1 + _random.Next(256));
                    data.InsertRange(_random.Next(data.Count), data.GetRange(at, n));
                    break;
                }

            default: // splice with another seed
                {
                    var other = others[_random.Next(others.Count)];
                    if (other.Length == 0)
                    {
                        break;
                    }

                    var cut = _random.Next(data.Count);
                    var from = _random.Next(other.Length);
                    data.RemoveRange(cut, data.Count - cut);
                    data.AddRange(other.AsSpan(from).ToArray());
                    break;
                }
        }
    }

    private static void Put(List<byte> data, int at, ReadOnlySpan<byte> bytes)
    {
        for (var k = 0; k < bytes.Length; k++)
        {
            if (at + k < data.Count)
            {
                data[at + k] = bytes[k];
            }
            else
            {
                data.Add(bytes[k]);
            }
        }
    }
}
