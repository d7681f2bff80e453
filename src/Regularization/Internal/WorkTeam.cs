using System.Diagnostics;

namespace Regularization.Internal;

/// <summary>One piece of work a <see cref="WorkTeam"/> runs on every member at once.</summary>
internal interface ITeamWork
{
    /// <summary>Member <paramref name="member"/>'s share (0 is the calling thread) of <paramref name="members"/>.</summary>
    void Run(int member, int members);
}

/// <summary>
/// A team of threads that runs one <see cref="ITeamWork"/> on all its members and returns when all are done: the
/// calling thread is member 0 and the team's own background threads are members 1 to <see cref="Members"/> - 1.
/// </summary>
/// <remarks>
/// <para>
/// <b>Waiting.</b> Between two pieces of work a member spins for up to <see cref="SpinTime"/> (a training batch hands
/// out work every few tens of microseconds, and waking a sleeping thread costs about 50 to 100 microseconds), then
/// sleeps on a semaphore until the next piece; nothing spins once work stops coming. The caller spins while it waits
/// for the members, yielding its core after a while (<see cref="SpinWait"/>).
/// </para>
/// <para>
/// <b>Same result on one thread.</b> A piece of work must give the same result whether its members run at once or
/// one after another; every piece in this library writes disjoint ranges. When the team is busy (another thread is
/// inside <see cref="Run"/>), the caller runs all the shares itself, in member order, with the same result.
/// </para>
/// <para>
/// An exception thrown by a member is thrown again on the caller once every member is done (the first member's first).
/// Teams are shared: <see cref="For"/> keeps one per size for the life of the process.
/// </para>
/// </remarks>
internal sealed class WorkTeam
{
    /// <summary>How long an idle member spins before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(0.25);

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, WorkTeam> Teams = [];

    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;
    private readonly Exception?[] _errors;
    private readonly long _spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
    private ITeamWork? _work;
    private long _generation;
    private int _pending;
    private int _busy;
    private long _runs;

    private WorkTeam(int members)
    {
        Members = members;
        _wake = new SemaphoreSlim[members];
        _sleeping = new int[members];
        _errors = new Exception?[members];
        for (var m = 1; m < members; m++)
        {
            _wake[m] = new SemaphoreSlim(0);
            var member = m;
            new Thread(() => Serve(member)) { IsBackground = true, Name = $"Regularization team {members}: member {m}" }.Start();
        }
    }

    /// <summary>The number of members, the calling thread included.</summary>
    public int Members { get; }

    /// <summary>Calls of <see cref="Run"/> so far (for tests: which code path a batch took).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>The process's team of <paramref name="members"/> threads (started on first use), or null below 2.</summary>
    public static WorkTeam? For(int members)
    {
        if (members < 2)
        {
            return null;
        }

        lock (Gate)
        {
            if (!Teams.TryGetValue(members, out var team))
            {
                team = new WorkTeam(members);
                Teams.Add(members, team);
            }

            return team;
        }
    }

    /// <summary>
    /// The contiguous share of member <paramref name="member"/> when <paramref name="count"/> units are split among
    /// <paramref name="members"/>: the first <c>count % members</c> members get one unit more.
    /// </summary>
    public static (int From, int To) Share(int count, int members, int member)
    {
        var size = count / members;
        var extra = count % members;
        var from = (member * size) + Math.Min(member, extra);
        return (from, from + size + (member < extra ? 1 : 0));
    }

    /// <summary>Runs <paramref name="work"/> on every member and waits for all of them (see the remarks).</summary>
    public void Run(ITeamWork work)
    {
        Interlocked.Increment(ref _runs);
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (var m = 0; m < Members; m++)
            {
                work.Run(m, Members);
            }

            return;
        }

        try
        {
            _work = work;
            Volatile.Write(ref _pending, Members - 1);
            Interlocked.Increment(ref _generation);
            for (var m = 1; m < Members; m++)
            {
                if (Interlocked.Exchange(ref _sleeping[m], 0) == 1)
                {
                    _wake[m].Release();
                }
            }

            Exception? mine = null;
            try
            {
                work.Run(0, Members);
            }
            catch (Exception e)
            {
                mine = e;
            }

            var spin = default(SpinWait);
            while (Volatile.Read(ref _pending) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            _work = null;
            var error = mine ?? _errors.FirstOrDefault(e => e is not null);
            Array.Clear(_errors);
            if (error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Serve(int member)
    {
        var seen = 0L;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < _spinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }

                // Announce the sleep, then look once more: a Run that started in between either sees the flag and
                // releases the semaphore, or left it for this thread to clear (then there is nothing to wait for).
                Interlocked.Exchange(ref _sleeping[member], 1); // a full fence: the read below cannot move above it
                if (Volatile.Read(ref _generation) != seen && Interlocked.Exchange(ref _sleeping[member], 0) == 1)
                {
                    break;
                }

                _wake[member].Wait();
                break;
            }

            seen = Volatile.Read(ref _generation);
            try
            {
                _work!.Run(member, Members);
            }
            catch (Exception e)
            {
                _errors[member] = e;
            }

            Interlocked.Decrement(ref _pending);
        }
    }
}
