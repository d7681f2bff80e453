using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

public sealed class CoreTypesTests
{
    [Fact]
    public void ParamRejectsEmptyNamesAndNonDenseMatrices()
    {
        var e = Assert.Throws<ArgumentException>(() => new Param(" ", M(1, 1, 0)));
        Assert.Equal("name", e.ParamName);
        var sparse = Matrix<double>.Build.Sparse(2, 2);
        var s = Assert.Throws<ArgumentException>(() => new Param("w", sparse));
        Assert.Equal("value", s.ParamName);
        Assert.Contains("'w'", s.Message);
        Assert.Throws<ArgumentNullException>(() => new Param(null!, M(1, 1, 0)));
        Assert.Throws<ArgumentNullException>(() => new Param("w", null!));
    }

    [Fact]
    public void ParamEqualityIsByNameShapeAndValues()
    {
        var a = new Param("w", M(2, 1, 1, double.NaN));
        Assert.Equal(a, new Param("w", M(2, 1, 1, double.NaN)));
        Assert.Equal(a.GetHashCode(), new Param("w", M(2, 1, 1, double.NaN)).GetHashCode());
        Assert.NotEqual(a, new Param("v", M(2, 1, 1, double.NaN)));
        Assert.NotEqual(a, new Param("w", M(1, 2, 1, double.NaN)));
        Assert.NotEqual(a, new Param("w", M(2, 1, 1, 2)));
        Assert.Equal(new Param("z", M(1, 1, 0.0)), new Param("z", M(1, 1, -0.0)));
    }

    [Fact]
    public void ParamDescribesItsShape()
    {
        var p = new Param("fc1.bias", M(3, 1, 1, 2, 3));
        Assert.Equal("3x1", p.Shape);
        Assert.True(p.IsVector);
        Assert.False(new Param("w", Matrix<double>.Build.Dense(2, 2)).IsVector);
        Assert.Contains("fc1.bias", p.ToString());
        Assert.Equal(3, p.Count);
    }

    [Fact]
    public void ParamSetKeepsOrderAndLooksUpByName()
    {
        var set = Set(("b", M(1, 1, 2)), ("a", M(1, 1, 1)));
        Assert.Equal(["b", "a"], set.Names);
        Assert.Equal(1, set["a"].Value[0, 0]);
        Assert.Equal(0, set.IndexOf("b"));
        Assert.Equal(-1, set.IndexOf("c"));
        Assert.True(set.TryGet("a", out var a));
        Assert.Equal("a", a.Name);
        Assert.False(set.TryGet("c", out _));
        var e = Assert.Throws<KeyNotFoundException>(() => set["c"]);
        Assert.Contains("'b'", e.Message);
        Assert.Equal(2, set.ElementCount);
    }

    [Fact]
    public void ParamSetRejectsDuplicateNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Set(("w", M(1, 1, 0)), ("w", M(1, 1, 1))));
        Assert.Contains("'w'", e.Message);
        Assert.Equal("parameters", e.ParamName);
    }

    [Fact]
    public void ParamSetEqualityIsByValue()
    {
        var a = Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 3)));
        var b = Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 3)));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Set(("b", M(1, 1, 3)), ("w", M(1, 2, 1, 2))));
        Assert.NotEqual(a, Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 4))));
        Assert.True(a != Set(("w", M(1, 2, 1, 2))));
    }

    [Fact]
    public void CopyIsDeepAndMapZipKeepNames()
    {
        var a = Set(("w", M(1, 2, 1, 2)));
        var copy = a.Copy();
        copy["w"].Value[0, 0] = 99;
        Assert.Equal(1, a["w"].Value[0, 0]);
        var doubled = a.Map(p => p.Value * 2);
        Assert.Equal(4, doubled["w"].Value[0, 1]);
        var sum = a.Zip(doubled, (x, y) => x.Value + y.Value);
        Assert.Equal(6, sum["w"].Value[0, 1]);
        Assert.Throws<ArgumentException>(() => a.Zip(Set(("v", M(1, 2, 0, 0))), (x, y) => x.Value));
    }

    [Fact]
    public void ZipAlignsByNameAndRejectsShapeMismatch()
    {
        var a = Set(("w", M(1, 1, 1)), ("b", M(1, 1, 2)));
        var b = Set(("b", M(1, 1, 20)), ("w", M(1, 1, 10)));
        var sum = a.Zip(b, (x, y) => x.Value + y.Value);
        Assert.Equal(["w", "b"], sum.Names);
        Assert.Equal(11, sum["w"].Value[0, 0]);
        var e = Assert.Throws<ArgumentException>(() => a.Zip(Set(("w", M(1, 2, 1, 1)), ("b", M(1, 1, 1))), (x, y) => x.Value));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("1x2", e.Message);
    }

    [Fact]
    public void BitwiseEqualsIsStricterThanEquals()
    {
        var a = Set(("w", M(1, 2, 0.0, double.NaN)));
        var b = Set(("w", M(1, 2, -0.0, double.NaN)));
        Assert.Equal(a, b);
        Assert.False(a.BitwiseEquals(b));
        Assert.True(a.BitwiseEquals(a.Copy()));
        Assert.False(a.BitwiseEquals(Set(("v", M(1, 2, 0.0, double.NaN)))));
        Assert.False(a.BitwiseEquals(Set(("w", M(2, 1, 0.0, double.NaN)))));
    }

    [Fact]
    public void StatesCompareByValue()
    {
        var buf = Set(("w", M(1, 1, 1)));
        Assert.Equal(new TraceState(3, buf), new TraceState(3, buf.Copy()));
        Assert.NotEqual(new TraceState(3, buf), new TraceState(4, buf));
        Assert.Equal(
            new ChainState([new CountState(1), new TraceState(1, buf)]),
            new ChainState([new CountState(1), new TraceState(1, buf.Copy())]));
        Assert.NotEqual(new ChainState([new CountState(1)]), new ChainState([new CountState(2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountState(-1));
    }
}
