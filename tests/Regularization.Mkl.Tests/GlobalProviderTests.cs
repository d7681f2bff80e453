using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Regularization.Mkl.Tests;

/// <summary>The tests that change MathNet's global provider: one at a time, never beside the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalProviderCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Global MathNet provider";
}

/// <summary>
/// <see cref="MklControl"/> and <see cref="Matrix{T}"/> operators with MKL as MathNet's provider, against the same
/// expressions under the managed provider. Bitwise: <c>+</c>, <c>-</c>, pointwise multiply, scalar multiply and
/// negation (cutoffs included). Products, solves and factorizations: max-norm relative 1e-10 (the matrices are at most
/// 200x200 with entries in [-1, 1] and condition numbers below about 1e4). The managed provider is restored after each test.
/// </summary>
[Collection(GlobalProviderCollection.Name)]
public sealed class GlobalProviderTests : IDisposable
{
    private readonly string? _savedProviderVariable = Environment.GetEnvironmentVariable(MklControl.ProviderVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, _savedProviderVariable);
        MklControl.UseManaged();
    }

    [MklFact]
    public void Use_InstallsMkl_AndUseManaged_RestoresTheManagedProvider()
    {
        MklRequirement.Assert();
        MklControl.Use();
        Assert.IsType<MklLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        Assert.True(MklControl.IsInUse);
        Assert.True(MklControl.TryUse());
        MklControl.UseManaged();
        Assert.Same(ManagedLinearAlgebraProvider.Instance, LinearAlgebraControl.Provider);
        Assert.False(MklControl.IsInUse);
    }

    [MklFact]
    public void Describe_GivesVersionThreadingAndThreads()
    {
        MklRequirement.Assert();
        MklControl.Use();
        var text = MklControl.Describe();
        Assert.Contains("Math Kernel Library Version", text, StringComparison.Ordinal);
        Assert.Contains("interface LP64; threading Sequential; threads 1", text, StringComparison.Ordinal);
        Assert.Contains("libmkl_rt", text, StringComparison.Ordinal);
        Assert.Contains("MathNet provider: MKL", text, StringComparison.Ordinal);
        Assert.Equal(text, LinearAlgebraControl.Provider.ToString());
    }

    [MklFact]
    public void OtherLayerOrCbwr_AfterStart_IsRefusedWithAReason()
    {
        MklRequirement.Assert();
        Assert.False(MklControl.TryUse(new MklOptions { Threading = MklThreading.Gnu, Threads = 2 }));
        Assert.False(MklControl.TryUse(new MklOptions { Cbwr = MklCbwrMode.Compatible }));
        var e = Assert.Throws<MklUnavailableException>(() => MklControl.Use(new MklOptions { Threading = MklThreading.Gnu }));
        Assert.Contains("already running with the Sequential threading layer", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MklControl.TryUse(new MklOptions { Threads = 4 }));
        Assert.True(MklControl.TryUse(new MklOptions()));
    }

    [MklFact]
    public void UseFromEnvironment_HonoursRegularizationProvider()
    {
        MklRequirement.Assert();
        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, "managed");
        Assert.Equal(ProviderKind.Managed, MklControl.UseFromEnvironment().Kind);
        Assert.False(MklControl.IsInUse);

        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, "MKL");
        Assert.Equal(ProviderKind.Mkl, MklControl.UseFromEnvironment().Kind);
        Assert.True(MklControl.IsInUse);

        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, null);
        var auto = MklControl.UseFromEnvironment();
        var first = OpenBlasControl.PreferredOrder(OpenBlasControl.CpuVendor)[0];
        Assert.Equal(new ProviderSelection(first, "auto", null), auto);
        Assert.Equal($"provider {first.ToString().ToLowerInvariant()} (requested auto)", auto.ToString());

        OpenBlasRequirement.Assert();
        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, "openblas");
        Assert.Equal(ProviderKind.OpenBlas, MklControl.UseFromEnvironment().Kind);
        Assert.True(OpenBlasControl.IsInUse);

        Environment.SetEnvironmentVariable(MklControl.ProviderVariable, "gpu");
        var e = Assert.Throws<ArgumentException>(() => MklControl.UseFromEnvironment());
        Assert.Contains("auto, mkl, openblas, managed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoPrefersMklOnIntelOnly()
    {
        Assert.Equal([ProviderKind.Mkl, ProviderKind.OpenBlas], OpenBlasControl.PreferredOrder("GenuineIntel"));
        Assert.Equal([ProviderKind.OpenBlas, ProviderKind.Mkl], OpenBlasControl.PreferredOrder("AuthenticAMD"));
        Assert.Equal([ProviderKind.OpenBlas, ProviderKind.Mkl], OpenBlasControl.PreferredOrder("HygonGenuine"));
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal)) : null;
        if (cpuinfo is not null)
        {
            Assert.Equal(cpuinfo.Split(':')[1].Trim(), OpenBlasControl.CpuVendor);
        }
    }

    [MklFact]
    public void MatrixOperators_UnderMkl_MatchManaged()
    {
        MklRequirement.Assert();
        var a = Matrix<double>.Build.Random(200, 150, 1);
        var b = Matrix<double>.Build.Random(150, 120, 2);
        var c = Matrix<double>.Build.Random(200, 150, 3);
        var small = Matrix<double>.Build.Random(3, 2, 4);
        var v = Vector<double>.Build.Random(150, 5);
        var w = Vector<double>.Build.Random(150, 6);

        var expected = Evaluate(a, b, c, small, v, w);
        MklControl.Use();
        var actual = Evaluate(a, b, c, small, v, w);
        MklControl.UseManaged();

        foreach (var (name, value) in expected)
        {
            var other = actual[name];
            if (name.StartsWith("bitwise:", StringComparison.Ordinal))
            {
                Check.Bitwise(value, other, name);
            }
            else
            {
                Check.Close(value, other, 1e-10, name);
            }
        }
    }

    [MklFact]
    public void Factorizations_UnderMkl_MatchManaged()
    {
        MklRequirement.Assert();
        var a = Matrix<double>.Build.Random(120, 120, 7);
        var spd = a.TransposeThisAndMultiply(a) + (120 * Matrix<double>.Build.DenseIdentity(120));
        var tall = Matrix<double>.Build.Random(160, 40, 8);
        var rhs = Matrix<double>.Build.Random(120, 3, 9);
        var tallRhs = Matrix<double>.Build.Random(160, 3, 10);

        var expected = Factorize(a, spd, tall, rhs, tallRhs);
        MklControl.Use();
        var actual = Factorize(a, spd, tall, rhs, tallRhs);
        MklControl.UseManaged();
        foreach (var (name, value) in expected)
        {
            Check.Close(value, actual[name], 1e-9, name);
        }
    }

    [MklFact]
    public void SingularInverse_AndNonPositiveDefiniteCholesky_BehaveAsUnderManaged()
    {
        MklRequirement.Assert();
        var singular = Matrix<double>.Build.Random(30, 30, 11);
        singular.ClearColumn(4);
        var indefinite = Matrix<double>.Build.DenseDiagonal(30, 30, 1.0);
        indefinite[29, 29] = -1;

        var managedInverse = singular.Inverse();
        var managedCholesky = Record.Exception(() => indefinite.Cholesky());
        MklControl.Use();
        var mklInverse = singular.Inverse();
        var mklCholesky = Record.Exception(() => indefinite.Cholesky());
        MklControl.UseManaged();

        Assert.True(Check.AnyNonFinite(managedInverse.ToColumnMajorArray()));
        Assert.True(Check.AnyNonFinite(mklInverse.ToColumnMajorArray()));
        Assert.IsType<ArgumentException>(managedCholesky);
        Assert.IsType<ArgumentException>(mklCholesky);
    }

    private static Dictionary<string, double[]> Evaluate(Matrix<double> a, Matrix<double> b, Matrix<double> c, Matrix<double> small, Vector<double> v, Vector<double> w) => new()
    {
        ["bitwise: a + c"] = (a + c).ToColumnMajorArray(),
        ["bitwise: a - c"] = (a - c).ToColumnMajorArray(),
        ["bitwise: a .* c"] = a.PointwiseMultiply(c).ToColumnMajorArray(),
        ["bitwise: 0.37 * a"] = (0.37 * a).ToColumnMajorArray(),
        ["bitwise: -a"] = (-a).ToColumnMajorArray(),
        ["bitwise: small + small"] = (small + small).ToColumnMajorArray(),
        ["bitwise: v + w"] = (v + w).ToArray(),
        ["a ./ c"] = a.PointwiseDivide(c).ToColumnMajorArray(),
        ["|a| .^ c"] = a.PointwiseAbs().PointwisePower(c).ToColumnMajorArray(),
        ["a * b"] = (a * b).ToColumnMajorArray(),
        ["a * v"] = (a * v).ToArray(),
        ["a^T * c"] = a.TransposeThisAndMultiply(c).ToColumnMajorArray(),
        ["a * c^T"] = a.TransposeAndMultiply(c).ToColumnMajorArray(),
        ["small * small^T"] = small.TransposeAndMultiply(small).ToColumnMajorArray(),
        ["v . w"] = [v.DotProduct(w)],
        ["norms"] = [a.L1Norm(), a.InfinityNorm(), a.FrobeniusNorm()],
    };

    private static Dictionary<string, double[]> Factorize(Matrix<double> a, Matrix<double> spd, Matrix<double> tall, Matrix<double> rhs, Matrix<double> tallRhs)
    {
        var svd = tall.Svd();
        var evd = spd.Evd(Symmetricity.Symmetric);
        return new()
        {
            ["inverse"] = a.Inverse().ToColumnMajorArray(),
            ["LU solve"] = a.LU().Solve(rhs).ToColumnMajorArray(),
            ["LU determinant"] = [a.LU().Determinant],
            ["Cholesky solve"] = spd.Cholesky().Solve(rhs).ToColumnMajorArray(),
            ["Cholesky factor"] = spd.Cholesky().Factor.ToColumnMajorArray(),
            ["QR solve"] = tall.QR().Solve(tallRhs).ToColumnMajorArray(),
            ["thin QR solve"] = tall.QR(QRMethod.Thin).Solve(tallRhs).ToColumnMajorArray(),
            ["|R| diagonal"] = tall.QR().R.Diagonal().PointwiseAbs().ToArray(),
            ["Gram-Schmidt solve"] = tall.GramSchmidt().Solve(tallRhs).ToColumnMajorArray(),
            ["SVD values"] = svd.S.ToArray(),
            ["SVD solve"] = svd.Solve(tallRhs).ToColumnMajorArray(),
            ["EVD values"] = evd.EigenValues.Select(x => x.Real).ToArray(),
            ["EVD solve"] = evd.Solve(rhs.Column(0)).ToArray(), // DenseEvd.Solve(Matrix) indexes out of range in MathNet 5.0.0, under either provider
            ["least squares"] = tall.Solve(tallRhs).ToColumnMajorArray(),
        };
    }
}
