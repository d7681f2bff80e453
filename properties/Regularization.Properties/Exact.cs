using System.Numerics;

namespace Regularization.Properties;

/// <summary>
/// Exact dyadic rationals <c>M * 2^E</c>: every finite double is one, and sums and products of them are exact. Used to
/// measure rounding errors against the real-number value of a formula.
/// </summary>
internal readonly record struct Dyadic(BigInteger M, int E)
{
    public static Dyadic Of(double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), "Only finite doubles are dyadic rationals.");
        }

        var bits = BitConverter.DoubleToInt64Bits(x);
        var negative = bits < 0;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        var m = new BigInteger(mantissa);
        return new Dyadic(negative ? -m : m, exponent - 1075);
    }

    public static Dyadic operator *(Dyadic a, Dyadic b) => new(a.M * b.M, a.E + b.E);

    public static Dyadic operator +(Dyadic a, Dyadic b)
    {
        var e = Math.Min(a.E, b.E);
        return new Dyadic((a.M << (a.E - e)) + (b.M << (b.E - e)), e);
    }

    public static Dyadic operator -(Dyadic a) => new(-a.M, a.E);

    public static Dyadic operator -(Dyadic a, Dyadic b) => a + (-b);

    public Dyadic Abs() => new(BigInteger.Abs(M), E);

    public int CompareTo(Dyadic other)
    {
        var d = this - other;
        return d.M.Sign;
    }

    /// <summary>|this| / |unit| as a double (for reporting and for bounds in units of an ulp).</summary>
    public double Ratio(Dyadic unit)
    {
        var num = BigInteger.Abs(M);
        var den = BigInteger.Abs(unit.M);
        var shift = E - unit.E;
        if (shift >= 0)
        {
            num <<= shift;
        }
        else
        {
            den <<= -shift;
        }

        // Scale to keep 64 significant bits in the quotient.
        var scale = (int)Math.Max(0, (long)den.GetBitLength() - (long)num.GetBitLength() + 64);
        var q = (num << scale) / den;
        return (double)q * Math.Pow(2, -scale);
    }
}
