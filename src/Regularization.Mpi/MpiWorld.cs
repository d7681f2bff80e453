using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Regularization.Mpi.Native;

namespace Regularization.Mpi;

/// <summary>
/// <c>MPI_COMM_WORLD</c> of Open MPI, for the data-parallel pieces of this library: rank, size, barrier, broadcast,
/// all-reduce, reduce-scatter, all-gather and abort, over spans of <see cref="float"/>, <see cref="double"/>,
/// <see cref="int"/> and <see cref="long"/> (broadcast: any unmanaged type). One per process: <see cref="Initialize(string?, bool)"/>
/// loads <c>libmpi.so.40</c> and calls <c>MPI_Init_thread</c>; <see cref="Dispose"/> calls <c>MPI_Finalize</c>.
/// </summary>
/// <remarks>
/// <para>
/// Threading: MPI is initialized with <c>MPI_THREAD_FUNNELED</c>; call this object from the thread that initialized it
/// (the training loop). BLAS threads do not call MPI.
/// </para>
/// <para>
/// Every collective is blocking and must be called by every rank in the same order with matching lengths (MPI's
/// rule); the lengths are checked here against what can be checked locally. Buffers are pinned for the call only.
/// </para>
/// <para>
/// A dead rank: Open MPI's <c>mpirun</c> ends the whole job when a rank exits without <c>MPI_Finalize</c> (an
/// exception, <c>exit(1)</c>, a signal): it kills the other ranks, which may be blocked in a collective, and prints
/// which rank failed and how; <c>mpirun</c> exits non-zero. So no rank waits forever. With
/// <c>abortOnUnhandledException</c> (the default), an unhandled .NET exception on any thread is printed to standard
/// error with the rank, and then <c>MPI_Abort</c> ends the job at once.
/// </para>
/// <example>
/// <code>
/// // mpirun -np 2 dotnet app.dll
/// using var world = MpiWorld.Initialize();
/// double[] x = [world.Rank + 1.0];
/// world.AllReduce&lt;double&gt;(x, MpiOp.Sum);   // x[0] == 3 on both ranks
/// </code>
/// </example>
/// </remarks>
public sealed unsafe class MpiWorld : IDisposable
{
    /// <summary>Environment variable with the path of <c>libmpi.so.40</c>, instead of the loader's search.</summary>
    public const string LibraryPathVariable = "REGULARIZATION_MPI_PATH";

    private static readonly Lock Gate = new();
    private static MpiWorld? _current;
    private static bool _finalized;
    private int _abortOnce;

    private MpiWorld(int rank, int size, int threadLevel, string loadedFrom, string version)
    {
        Rank = rank;
        Size = size;
        ThreadLevel = threadLevel;
        LoadedFrom = loadedFrom;
        LibraryVersion = version;
    }

    /// <summary>True once <c>libmpi</c> has been loaded into this process (false in a normal run).</summary>
    public static bool IsLoaded => MpiNative.Handle != 0;

    /// <summary>The initialized world, or null before <see cref="Initialize(string?, bool)"/> and after <see cref="Dispose"/>.</summary>
    public static MpiWorld? Current => _current;

    /// <summary>This process's rank in <c>MPI_COMM_WORLD</c>, 0 to <see cref="Size"/> - 1.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in <c>MPI_COMM_WORLD</c>.</summary>
    public int Size { get; }

    /// <summary>The thread support level <c>MPI_Init_thread</c> provided (1 is <c>MPI_THREAD_FUNNELED</c>).</summary>
    public int ThreadLevel { get; }

    /// <summary>The name or path <c>libmpi</c> was opened by.</summary>
    public string LoadedFrom { get; }

    /// <summary><c>MPI_Get_library_version</c>, e.g. <c>Open MPI v4.1.4, package: Debian OpenMPI, ...</c> (first line).</summary>
    public string LibraryVersion { get; }

    /// <summary>True after <see cref="Dispose"/> (<c>MPI_Finalize</c>).</summary>
    public bool IsFinalized { get; private set; }

    /// <summary>
    /// Loads Open MPI and initializes MPI (<c>MPI_Init_thread</c>, funneled), once per process; later calls return the
    /// same world.
    /// </summary>
    /// <param name="libraryPath">The path of <c>libmpi.so.40</c>, or null (then <see cref="LibraryPathVariable"/>, then the loader's search).</param>
    /// <param name="abortOnUnhandledException">Print an unhandled exception with the rank and call <c>MPI_Abort</c>, so the other ranks stop at once.</param>
    /// <returns>The world.</returns>
    /// <exception cref="MpiUnavailableException">The library is missing or is not Open MPI, or MPI was already finalized in this process.</exception>
    /// <exception cref="MpiException"><c>MPI_Init_thread</c> returned an error.</exception>
    public static MpiWorld Initialize(string? libraryPath = null, bool abortOnUnhandledException = true)
    {
        lock (Gate)
        {
            if (_current is { } existing)
            {
                return existing;
            }

            if (_finalized)
            {
                throw new MpiUnavailableException("MPI was already finalized in this process and cannot be initialized again (an MPI rule).");
            }

            var path = libraryPath ?? (Environment.GetEnvironmentVariable(LibraryPathVariable) is { Length: > 0 } p ? p : null);
            if (!MpiNative.TryLoad(path, out var reason))
            {
                throw new MpiUnavailableException(reason);
            }

            int initialized;
            Check(MpiNative.Initialized(&initialized), "MPI_Initialized");
            var provided = MpiNative.ThreadFunneled;
            if (initialized == 0)
            {
                Check(MpiNative.InitThread(null, null, MpiNative.ThreadFunneled, &provided), "MPI_Init_thread");
            }

            int rank, size;
            Check(MpiNative.CommRank(MpiNative.CommWorld, &rank), "MPI_Comm_rank");
            Check(MpiNative.CommSize(MpiNative.CommWorld, &size), "MPI_Comm_size");
            var world = new MpiWorld(rank, size, provided, MpiNative.LoadedFrom!, Version());
            if (abortOnUnhandledException)
            {
                AppDomain.CurrentDomain.UnhandledException += world.OnUnhandledException;
            }

            _current = world;
            return world;
        }
    }

    /// <summary>Blocks until every rank has called it (<c>MPI_Barrier</c>).</summary>
    public void Barrier()
    {
        EnsureOpen();
        Check(MpiNative.Barrier(MpiNative.CommWorld), "MPI_Barrier");
    }

    /// <summary>Copies <paramref name="buffer"/> of rank <paramref name="root"/> into the same buffer of every rank (<c>MPI_Bcast</c> of bytes).</summary>
    /// <typeparam name="T">Any unmanaged type (sent as its bytes).</typeparam>
    /// <param name="buffer">The data on the root, the destination elsewhere; the same length on every rank.</param>
    /// <param name="root">The sending rank.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank, or the buffer is larger than 2^31 - 1 bytes.</exception>
    public void Broadcast<T>(Span<T> buffer, int root)
        where T : unmanaged
    {
        EnsureOpen();
        CheckRank(root, nameof(root));
        var bytes = MemoryMarshal.AsBytes(buffer);
        fixed (byte* b = bytes)
        {
            Check(MpiNative.Bcast(b, bytes.Length, MpiNative.Byte, root, MpiNative.CommWorld), "MPI_Bcast");
        }
    }

    /// <summary>
    /// Replaces <paramref name="buffer"/> on every rank by the element-wise reduction over ranks (<c>MPI_Allreduce</c>
    /// with <c>MPI_IN_PLACE</c>).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="int"/> or <see cref="long"/>.</typeparam>
    /// <param name="buffer">The local values in, the reduced values out; the same length on every rank (at most 2^31 - 1).</param>
    /// <param name="op">The reduction.</param>
    public void AllReduce<T>(Span<T> buffer, MpiOp op)
        where T : unmanaged
    {
        EnsureOpen();
        var type = DataType<T>();
        fixed (T* b = buffer)
        {
            Check(MpiNative.Allreduce((void*)MpiNative.InPlace, b, buffer.Length, type, Op(op), MpiNative.CommWorld), "MPI_Allreduce");
        }
    }

    /// <summary>
    /// Reduces <paramref name="send"/> over ranks and gives rank r block r of the result (<c>MPI_Reduce_scatter_block</c>):
    /// <c>receive[i] = op over ranks of send[r * receive.Length + i]</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="int"/> or <see cref="long"/>.</typeparam>
    /// <param name="send">Size x block elements (the same on every rank).</param>
    /// <param name="receive">One block; must not overlap <paramref name="send"/>.</param>
    /// <param name="op">The reduction.</param>
    /// <exception cref="ArgumentException"><paramref name="send"/> is not <see cref="Size"/> times <paramref name="receive"/>'s length, or they overlap.</exception>
    public void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive, MpiOp op)
        where T : unmanaged
    {
        EnsureOpen();
        if ((long)receive.Length * Size != send.Length)
        {
            throw new ArgumentException($"'send' has {send.Length} elements; it must be Size ({Size}) x receive.Length ({receive.Length}).", nameof(send));
        }

        if (send.Overlaps(receive))
        {
            throw new ArgumentException("'receive' must not overlap 'send'.", nameof(receive));
        }

        var type = DataType<T>();
        fixed (T* s = send)
        fixed (T* r = receive)
        {
            Check(MpiNative.ReduceScatterBlock(s, r, receive.Length, type, Op(op), MpiNative.CommWorld), "MPI_Reduce_scatter_block");
        }
    }

    /// <summary>
    /// Gathers equal blocks in rank order on every rank, in place (<c>MPI_Allgather</c> with <c>MPI_IN_PLACE</c>):
    /// on entry block <see cref="Rank"/> of <paramref name="buffer"/> holds this rank's data; on exit every block holds its rank's.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="int"/> or <see cref="long"/>.</typeparam>
    /// <param name="buffer">Size x block elements.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="Size"/>.</exception>
    public void AllGatherInPlace<T>(Span<T> buffer)
        where T : unmanaged
    {
        EnsureOpen();
        if (buffer.Length % Size != 0)
        {
            throw new ArgumentException($"'buffer' has {buffer.Length} elements, not a multiple of Size ({Size}).", nameof(buffer));
        }

        var type = DataType<T>();
        fixed (T* b = buffer)
        {
            Check(MpiNative.Allgather((void*)MpiNative.InPlace, 0, type, b, buffer.Length / Size, type, MpiNative.CommWorld), "MPI_Allgather");
        }
    }

    /// <summary>
    /// Gathers blocks of uneven lengths in rank order on every rank (<c>MPI_Allgatherv</c>): rank r's
    /// <paramref name="send"/> (of <c>counts[r]</c> elements) lands at <c>receive[counts[0] + ... + counts[r - 1]]</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="int"/> or <see cref="long"/>.</typeparam>
    /// <param name="send">This rank's block, <c>counts[Rank]</c> elements.</param>
    /// <param name="receive">The sum of <paramref name="counts"/> elements; must not overlap <paramref name="send"/>.</param>
    /// <param name="counts">Every rank's block length (the same on every rank).</param>
    /// <exception cref="ArgumentException">The lengths do not agree with <paramref name="counts"/>, or the buffers overlap.</exception>
    public void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts)
        where T : unmanaged
    {
        EnsureOpen();
        if (counts.Length != Size)
        {
            throw new ArgumentException($"'counts' has {counts.Length} entries; it needs one per rank ({Size}).", nameof(counts));
        }

        var displacements = new int[Size];
        long total = 0;
        for (var r = 0; r < Size; r++)
        {
            if (counts[r] < 0)
            {
                throw new ArgumentException($"'counts[{r}]' is {counts[r]}; counts must be >= 0.", nameof(counts));
            }

            displacements[r] = checked((int)total);
            total += counts[r];
        }

        if (send.Length != counts[Rank] || receive.Length != total)
        {
            throw new ArgumentException(
                $"'send' has {send.Length} elements and 'receive' {receive.Length}; counts say {counts[Rank]} and {total}.", nameof(send));
        }

        if (send.Overlaps(receive))
        {
            throw new ArgumentException("'receive' must not overlap 'send'.", nameof(receive));
        }

        var type = DataType<T>();
        var countArray = counts.ToArray();
        fixed (T* s = send)
        fixed (T* r = receive)
        fixed (int* c = countArray)
        fixed (int* d = displacements)
        {
            Check(MpiNative.Allgatherv(s, send.Length, type, r, c, d, type, MpiNative.CommWorld), "MPI_Allgatherv");
        }
    }

    /// <summary>Ends every process of the job with <paramref name="errorCode"/> (<c>MPI_Abort</c>); does not return.</summary>
    /// <param name="errorCode">The exit status <c>mpirun</c> reports.</param>
    [DoesNotReturn]
    public void Abort(int errorCode)
    {
        MpiNative.Abort(MpiNative.CommWorld, errorCode);
        Environment.Exit(errorCode);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Finalizes MPI (<c>MPI_Finalize</c>, itself a collective: every rank must call it). Idempotent.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (IsFinalized)
            {
                return;
            }

            AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
            int finalized;
            MpiNative.Finalized(&finalized);
            if (finalized == 0)
            {
                MpiNative.FinalizeCall();
            }

            IsFinalized = true;
            _finalized = true;
            _current = null;
        }
    }

    internal static nint DataType<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return MpiNative.Double;
        }

        if (typeof(T) == typeof(float))
        {
            return MpiNative.Float;
        }

        if (typeof(T) == typeof(int))
        {
            return MpiNative.Int;
        }

        if (typeof(T) == typeof(long))
        {
            return MpiNative.Long;
        }

        throw new NotSupportedException($"MPI reductions are bound for float, double, int and long, not {typeof(T).Name}.");
    }

    private static nint Op(MpiOp op) => op switch
    {
        MpiOp.Sum => MpiNative.OpSum,
        MpiOp.Max => MpiNative.OpMax,
        MpiOp.Min => MpiNative.OpMin,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "'op' must be Sum, Max or Min."),
    };

    private static void Check(int code, string call)
    {
        if (code != MpiNative.Success)
        {
            throw new MpiException(call, code);
        }
    }

    private static string Version()
    {
        var buffer = stackalloc byte[8192];
        int length;
        return MpiNative.GetLibraryVersion(buffer, &length) == MpiNative.Success
            ? new string(System.Text.Encoding.UTF8.GetString(buffer, length).Split('\n')[0].TrimEnd('\0', ' ', ','))
            : "unknown";
    }

    private void CheckRank(int rank, string name)
    {
        if (rank < 0 || rank >= Size)
        {
            throw new ArgumentOutOfRangeException(name, rank, $"'{name}' must be a rank, 0 to {Size - 1}.");
        }
    }

    private void EnsureOpen()
    {
        if (IsFinalized)
        {
            throw new ObjectDisposedException(nameof(MpiWorld), "MPI was finalized (MpiWorld.Dispose); no MPI call is allowed after MPI_Finalize.");
        }
    }

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs e)
    {
        if (Interlocked.Exchange(ref _abortOnce, 1) != 0 || IsFinalized)
        {
            return;
        }

        try
        {
            Console.Error.WriteLine($"rank {Rank} of {Size}: unhandled exception, aborting the MPI job (MPI_Abort): {e.ExceptionObject}");
            Console.Error.Flush();
        }
        finally
        {
            MpiNative.Abort(MpiNative.CommWorld, 1);
        }
    }
}
