using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <content>Thread control for callers that run their own threads, and the strided products they call.</content>
public abstract partial class NativeLinearAlgebraProvider
{
    private static readonly Lock ScopeGate = new();
    private static int _openScopes;
    private static int _threadsBefore;
    private static NativeLinearAlgebraProvider? _scopeOwner;

    /// <summary>
    /// The number of threads the library's large products use outside <see cref="UseOneThreadPerProduct"/> scopes: the
    /// count set by <see cref="MklControl"/> or <see cref="OpenBlasControl"/> (<c>MKL_Get_Max_Threads()</c>,
    /// <c>openblas_get_num_threads()</c>), and while a scope is open the count it will restore. Code that chooses how to
    /// split its work from this count therefore chooses the same way whether or not another thread holds a scope.
    /// Starts the library.
    /// </summary>
    /// <example>
    /// <code>
    /// if (LinearAlgebraControl.Provider is NativeLinearAlgebraProvider { Threads: > 1 } native) { /* split the work */ }
    /// </code>
    /// </example>
    public int Threads
    {
        get
        {
            EnsureStarted();
            lock (ScopeGate)
            {
                return _openScopes > 0 ? _threadsBefore : LibraryThreads;
            }
        }
    }

    /// <summary>
    /// Makes every product of the library run on its calling thread alone until the returned scope is disposed, for a
    /// caller that runs the products of several of its own threads at once (each on its own core). The library's
    /// process-wide thread count is set to 1 (<c>MKL_Set_Num_Threads(1)</c>, <c>openblas_set_num_threads(1)</c>: OpenBLAS
    /// has no per-call count, and two OpenBLAS products that each want its thread pool run one after the other); the count
    /// from before the first open scope comes back when the last one is disposed. Scopes nest and may be opened from
    /// any thread; a change of the thread count made while a scope is open is undone when the last one closes. The scope
    /// is process-wide: products that other threads run meanwhile run on one thread too, and where a library's results
    /// depend on its thread count (OpenBLAS's float32 products can differ in the last bits) theirs can change.
    /// </summary>
    /// <returns>The scope; dispose it (once) to restore the thread count.</returns>
    /// <example>
    /// <code>
    /// using (native.UseOneThreadPerProduct())
    /// {
    ///     Parallel.For(0, 2, t => native.Multiply(false, false, m, n, k / 2, 1f, a.Slice(t * m * (k / 2)), m, b.Slice(t * (k / 2)), k, 0f, partial[t], m));
    /// }
    /// </code>
    /// </example>
    public IDisposable UseOneThreadPerProduct()
    {
        EnsureStarted();
        lock (ScopeGate)
        {
            if (_openScopes == 0)
            {
                _threadsBefore = LibraryThreads;
                _scopeOwner = this;
                if (_threadsBefore != 1)
                {
                    LibraryThreads = 1;
                }
            }

            _openScopes++;
        }

        return new OneThreadScope();
    }

    /// <summary>
    /// <c>c = alpha * op(a) * op(b) + beta * c</c>, column-major, with leading dimensions (<c>cblas_sgemm</c>): <c>op(a)</c>
    /// is <c>m x k</c> (stored <c>m x k</c>, or <c>k x m</c> when <paramref name="transposeA"/>) with columns
    /// <paramref name="lda"/> apart, <c>op(b)</c> is <c>k x n</c> likewise, and <c>c</c> is <c>m x n</c> with columns
    /// <paramref name="ldc"/> apart. Sub-matrices are spans that start at their first element: the block of rows
    /// <c>r0..</c> and columns <c>c0..</c> of a matrix with <c>R</c> rows is <c>data.AsSpan(c0 * R + r0)</c> with leading
    /// dimension <c>R</c>. With <paramref name="beta"/> = 0, <c>c</c>'s old values are not read (BLAS's convention:
    /// NaN there does not propagate). Small products run on one thread, as every product of this provider does.
    /// </summary>
    /// <param name="transposeA">Use <c>a</c> transposed.</param>
    /// <param name="transposeB">Use <c>b</c> transposed.</param>
    /// <param name="m">Rows of <c>op(a)</c> and <c>c</c>, &gt;= 0.</param>
    /// <param name="n">Columns of <c>op(b)</c> and <c>c</c>, &gt;= 0.</param>
    /// <param name="k">Columns of <c>op(a)</c>, rows of <c>op(b)</c>, &gt;= 0.</param>
    /// <param name="alpha">The product's factor.</param>
    /// <param name="a">The first operand's storage, from its first element.</param>
    /// <param name="lda">The distance between <c>a</c>'s columns, at least its row count (and 1).</param>
    /// <param name="b">The second operand's storage.</param>
    /// <param name="ldb">The distance between <c>b</c>'s columns.</param>
    /// <param name="beta">The factor of <c>c</c>'s old values.</param>
    /// <param name="c">The result's storage; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">The distance between <c>c</c>'s columns, at least <paramref name="m"/> (and 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, a leading dimension too small, or a span too short; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="c"/> overlaps an operand.</exception>
    /// <example>
    /// <code>
    /// // z (128 x 64) = w[:, 0:392] (128 x 392, columns 128 apart) * x[0:392, :] (392 x 64, columns 784 apart)
    /// native.Multiply(false, false, 128, 64, 392, 1f, w, 128, x, 784, 0f, z, 128);
    /// </code>
    /// </example>
    public unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!CheckStrided(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc))
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            Blas.Sgemm(Cblas.ColMajor, transposeA ? Cblas.Trans : Cblas.NoTrans, transposeB ? Cblas.Trans : Cblas.NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// <c>c = alpha * op(a) * op(b) + beta * c</c>, column-major, with leading dimensions (<c>cblas_dgemm</c>); the
    /// conventions of <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.
    /// </summary>
    /// <param name="transposeA">Use <c>a</c> transposed.</param>
    /// <param name="transposeB">Use <c>b</c> transposed.</param>
    /// <param name="m">Rows of <c>op(a)</c> and <c>c</c>, &gt;= 0.</param>
    /// <param name="n">Columns of <c>op(b)</c> and <c>c</c>, &gt;= 0.</param>
    /// <param name="k">Columns of <c>op(a)</c>, rows of <c>op(b)</c>, &gt;= 0.</param>
    /// <param name="alpha">The product's factor.</param>
    /// <param name="a">The first operand's storage, from its first element.</param>
    /// <param name="lda">The distance between <c>a</c>'s columns.</param>
    /// <param name="b">The second operand's storage.</param>
    /// <param name="ldb">The distance between <c>b</c>'s columns.</param>
    /// <param name="beta">The factor of <c>c</c>'s old values.</param>
    /// <param name="c">The result's storage; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">The distance between <c>c</c>'s columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, a leading dimension too small, or a span too short; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="c"/> overlaps an operand.</exception>
    /// <example>
    /// <code>
    /// native.Multiply(false, true, 128, 392, 64, 1.0, delta, 128, x, 784, 0.0, gradient, 128);   // dW[:, 0:392] = dZ x[0:392, :]'
    /// </code>
    /// </example>
    public unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        if (!CheckStrided(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc))
        {
            return;
        }

        fixed (double* pa = a, pb = b, pc = c)
        {
            Blas.Dgemm(Cblas.ColMajor, transposeA ? Cblas.Trans : Cblas.NoTrans, transposeB ? Cblas.Trans : Cblas.NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>Checks a strided product's arguments (see <c>Multiply</c>); false when it has nothing to compute.</summary>
    private static bool CheckStrided<T>(bool ta, bool tb, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand("a", "lda", ta ? k : m, ta ? m : k, a.Length, lda);
        CheckOperand("b", "ldb", tb ? n : k, tb ? k : n, b.Length, ldb);
        CheckOperand("c", "ldc", m, n, c.Length, ldc);
        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException("The result must not overlap an operand.", nameof(c));
        }

        return m != 0 && n != 0;
    }

    private static void CheckOperand(string name, string ldName, int rows, int columns, int length, int ld)
    {
        if (ld < Math.Max(1, rows))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be at least the rows of {name} ({rows}) and 1.");
        }

        var needed = rows == 0 || columns == 0 ? 0 : ((long)ld * (columns - 1)) + rows;
        if (length < needed)
        {
            throw new ArgumentOutOfRangeException(
                name, length, $"{name} ({rows}x{columns}, columns {ld} apart) needs {needed} elements from its first; the span has {length}.");
        }
    }

    private sealed class OneThreadScope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            lock (ScopeGate)
            {
                if (--_openScopes == 0)
                {
                    if (_threadsBefore != 1)
                    {
                        _scopeOwner!.LibraryThreads = _threadsBefore;
                    }

                    _scopeOwner = null;
                }
            }
        }
    }
}
