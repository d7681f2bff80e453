using Regularization.Internal;
using Regularization.UserTransforms;

namespace Regularization.Tests;

/// <summary>
/// The thread team (<see cref="WorkTeam"/>) and the team step (<see cref="Optimizer{T}.StepWithTeam"/>): every member
/// runs once, errors come back to the caller, and a step split across two threads gives exactly the bits of the
/// ordinary step, for every kind of chain, both element types and the non-finite policies.
/// </summary>
public sealed class TeamStepTests
{
    private sealed class Record(int members) : ITeamWork
    {
        public int[] Seen { get; } = new int[members];

        public int[] Threads { get; } = new int[members];

        public void Run(int member, int count)
        {
            Assert.Equal(Seen.Length, count);
            Seen[member]++;
            Threads[member] = Environment.CurrentManagedThreadId;
        }
    }

    private sealed class Throwing(int bad) : ITeamWork
    {
        public int Done;

        public void Run(int member, int members)
        {
            Interlocked.Increment(ref Done);
            if (member == bad)
            {
                throw new InvalidOperationException($"member {member}");
            }
        }
    }

    private sealed class Nested(WorkTeam team) : ITeamWork
    {
        public Record Inner { get; } = new(team.Members);

        public void Run(int member, int members)
        {
            if (member == 0)
            {
                team.Run(Inner); // the team is busy: the caller runs every share itself
            }
        }
    }

    [Fact]
    public void EveryMemberRunsOncePerRun_TheCallerIsMemberZero_AndTheOthersAreOtherThreads()
    {
        var team = WorkTeam.For(3)!;
        Assert.Same(team, WorkTeam.For(3));
        Assert.Null(WorkTeam.For(1));
        for (var i = 0; i < 200; i++)
        {
            var work = new Record(3);
            team.Run(work);
            Assert.Equal([1, 1, 1], work.Seen);
            Assert.Equal(Environment.CurrentManagedThreadId, work.Threads[0]);
            Assert.Equal(3, work.Threads.Distinct().Count());
            if (i % 50 == 0)
            {
                Thread.Sleep(5); // past the spin: the members sleep and must be woken
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AMembersExceptionIsThrownOnTheCallerAfterEveryMemberIsDone(int bad)
    {
        var team = WorkTeam.For(2)!;
        var work = new Throwing(bad);
        var e = Assert.Throws<InvalidOperationException>(() => team.Run(work));
        Assert.Equal($"member {bad}", e.Message);
        Assert.Equal(2, work.Done);
        var next = new Record(2);
        team.Run(next); // still usable
        Assert.Equal([1, 1], next.Seen);
    }

    [Fact]
    public void ABusyTeamRunsEveryShareOnTheCaller()
    {
        var team = WorkTeam.For(2)!;
        var outer = new Nested(team);
        team.Run(outer);
        Assert.Equal([1, 1], outer.Inner.Seen);
        Assert.Equal([Environment.CurrentManagedThreadId, Environment.CurrentManagedThreadId], outer.Inner.Threads);
    }

    [Theory]
    [InlineData(784, 2)]
    [InlineData(10, 3)]
    [InlineData(2, 4)]
    [InlineData(0, 2)]
    public void SharesAreContiguousCoverEveryUnitOnceAndDifferByAtMostOne(int count, int members)
    {
        var next = 0;
        var sizes = new List<int>();
        for (var m = 0; m < members; m++)
        {
            var (from, to) = WorkTeam.Share(count, members, m);
            Assert.Equal(next, from);
            next = to;
            sizes.Add(to - from);
        }

        Assert.Equal(count, next);
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }

    public static TheoryData<string> Chains => new()
    {
        "sgd-momentum-wd", "adamw-excludebiases", "adam-amsgrad", "lion", "groups", "user-rms", "zero", "skip", "lamb",
    };

    private static IGradientTransform Make(string name) => name switch
    {
        "sgd-momentum-wd" => Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 1e-4),
        "adamw-excludebiases" => Optimizer.AdamW(1e-3).WeightDecay(1e-2).ExcludeBiases().ToTransform(),
        "adam-amsgrad" => Optimizers.Adam(1e-3, weightDecay: 1e-2, amsgrad: true),
        "lion" => Optimizers.Lion(1e-4, weightDecay: 0.1),
        "groups" => Optimizers.Groups(
        [
            new ParamGroup("weights", Mask.ExcludeVectors, Optimizers.AdamW(1e-3)),
            new ParamGroup("rest", Mask.All, Optimizers.Sgd(0.5, momentum: 0.5)),
        ]),
        "user-rms" => Transforms.Chain(new ScaleByRms(), Transforms.ScaleByLearningRate(1e-2)),
        "zero" => Optimizers.WithNonFinitePolicy(Optimizers.AdamW(1e-3), NonFinitePolicy.Zero),
        "skip" => Optimizers.WithNonFinitePolicy(Optimizers.AdamW(1e-3), NonFinitePolicy.Skip),
        _ => Optimizers.Lamb(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.01), decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors),
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void ATeamStepGivesTheBitsOfTheOrdinaryStep_Float64(string name) => CheckSameBits<double>(name);

    [Theory]
    [MemberData(nameof(Chains))]
    public void ATeamStepGivesTheBitsOfTheOrdinaryStep_Float32(string name) => CheckSameBits<float>(name);

    [Fact]
    public void TheSharesSplitLargeParametersByColumnsAndGiveSmallOnesToMemberZero()
    {
        var parameters = Parameters<double>(new Random(1));
        var shares = Enumerable.Range(0, 2).Select(m => Optimizer<double>.TeamShares(parameters, 2, m)).ToArray();
        Assert.Equal([(0, 0, 160 * 61), (1, 0, 160), (2, 0, 30), (3, 0, 7 * 5)], shares[0]);
        Assert.Equal([(0, 160 * 61, 160 * 121)], shares[1]);
    }

    [Fact]
    public void UnderTheThrowPolicyANonFiniteGradientInAWorkersShareThrowsAndChangesNothing()
    {
        var rng = new Random(5);
        var parameters = Parameters<double>(rng);
        var optimizer = Optimizer.Create(Optimizers.WithNonFinitePolicy(Optimizers.AdamW(1e-3), NonFinitePolicy.Throw), parameters);
        var gradients = Parameters<double>(rng);
        gradients[0].Value.AsColumnMajorArray()[(160 * 100) + 3] = double.NaN; // column 100: member 1's share
        var before = parameters.Copy();
        var e = Assert.Throws<NonFiniteGradientException>(() => optimizer.StepWithTeam(gradients, WorkTeam.For(2)));
        Assert.Contains("w", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, optimizer.StepCount);
        for (var i = 0; i < parameters.Count; i++)
        {
            Assert.Equal(before[i].Value.AsColumnMajorArray(), parameters[i].Value.AsColumnMajorArray());
        }
    }

    /// <summary>A 160x121 matrix (19,360 elements: split), its bias, and two small parameters (member 0's).</summary>
    private static ParamSet<T> Parameters<T>(Random rng)
        where T : struct, IEquatable<T>, IFormattable
    {
        T Value() => typeof(T) == typeof(double) ? (T)(object)(rng.NextDouble() - 0.5) : (T)(object)(float)(rng.NextDouble() - 0.5);
        return ParamSet.Of(
            Param.Of("w", Matrix<T>.Build.Dense(160, 121, (_, _) => Value())),
            Param.Vector("b", Matrix<T>.Build.Dense(160, 1, (_, _) => Value())),
            Param.Of("v", Matrix<T>.Build.Dense(3, 10, (_, _) => Value())),
            Param.Of("u", Matrix<T>.Build.Dense(7, 5, (_, _) => Value())));
    }

    private static void CheckSameBits<T>(string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        var rng = new Random(7);
        var start = Parameters<T>(rng);
        var (plain, teamed) = (start.Copy(), start.Copy());
        var a = Optimizer.Create(Make(name), plain);
        var b = Optimizer.Create(Make(name), teamed);
        var team = WorkTeam.For(2)!;
        var runs = team.Runs;
        for (var step = 0; step < 4; step++)
        {
            var gradients = Parameters<T>(rng);
            if (step == 2 && name is "zero" or "skip")
            {
                // Non-finite entries in both members' shares.
                var g = gradients[0].Value.AsColumnMajorArray();
                g[5] = (T)(object)(typeof(T) == typeof(double) ? (object)double.NaN : float.NaN);
                g[(160 * 120) + 1] = (T)(object)(typeof(T) == typeof(double) ? (object)double.PositiveInfinity : float.PositiveInfinity);
            }

            a.Step(gradients);
            b.StepWithTeam(gradients, team);
        }

        for (var i = 0; i < start.Count; i++)
        {
            Assert.Equal(plain[i].Value.AsColumnMajorArray(), teamed[i].Value.AsColumnMajorArray());
        }

        Assert.Equal(a.StepCount, b.StepCount);
        Assert.Equal(a.SkippedSteps, b.SkippedSteps);
        Assert.Equal(a.ZeroedEntries, b.ZeroedEntries);
        Assert.Equal(StateCodec.Encode(a.Transform, a.State, plain), StateCodec.Encode(b.Transform, b.State, teamed));
        if (name == "lamb")
        {
            Assert.Equal(runs, team.Runs); // a trust-ratio barrier: the ordinary step ran
        }
        else
        {
            Assert.True(team.Runs >= runs + 4, $"{name}: the team ran {team.Runs - runs} times in 4 steps");
        }
    }
}
