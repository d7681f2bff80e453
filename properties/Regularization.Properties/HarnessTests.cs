namespace Regularization.Properties;

/// <summary>The harness itself: failures print the seed, the shrunk counterexample and a command that replays them.</summary>
public sealed class HarnessTests
{
    private static Property Falsifiable() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 1000), x => Enumerable.Range(0, x).Reverse().Take(5)), x => x < 500);

    [Fact]
    public void AFailurePrintsTheSeedTheCounterexampleAndTheReplayCommand()
    {
        var e = Assert.Throws<LawFailedException>(() => Law.Check(Falsifiable(), "Falsifiable"));
        Assert.Contains("Falsifiable", e.Message);
        Assert.Contains("Shrunk:", e.Message);
        Assert.Contains("500", e.Message); // the shrunk counterexample
        Assert.Matches(@"REGULARIZATION_PROPERTY_REPLAY=""\d+,\d+,\d+"" dotnet test properties --filter ""FullyQualifiedName~HarnessTests.Falsifiable""", e.Message);
    }

    [Fact]
    public void ThePrintedSeedReplaysTheFailureAtOnce()
    {
        var first = Assert.Throws<LawFailedException>(() => Law.Check(Falsifiable(), "Falsifiable"));
        var seed = System.Text.RegularExpressions.Regex.Match(first.Message, @"REGULARIZATION_PROPERTY_REPLAY=""([\d,]+)""").Groups[1].Value;
        var config = Config.QuickThrowOnFailure.WithMaxTest(1).WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(Law.ParseReplay(seed)));
        var again = Assert.ThrowsAny<Exception>(() => FsCheck.Check.One(config, Falsifiable()));
        Assert.Contains("Falsifiable, after 1 test", again.Message);
    }

    [Fact]
    public void ABadReplayValueIsExplained()
    {
        var e = Assert.Throws<ArgumentException>(() => Law.ParseReplay("12"));
        Assert.Contains("seed,gamma", e.Message);
    }
}
