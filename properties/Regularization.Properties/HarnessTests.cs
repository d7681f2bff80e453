using System.Text.RegularExpressions;

namespace Regularization.Properties;

/// <summary>
/// The harness itself: <see cref="LawAttribute"/> reads its configuration from the environment, a failure prints the
/// seed, the shrunk counterexample and a command that replays it, the printed seed replays the failure at once, and
/// a law with too many discards fails.
/// </summary>
public sealed class HarnessTests
{
    private static Property Falsifiable() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 1000), x => Enumerable.Range(0, x).Reverse().Take(5)), x => x < 500);

    private static Func<string, string?> Environment(string? count = null, string? replay = null) => name => name switch
    {
        "REGULARIZATION_PROPERTY_COUNT" => count,
        "REGULARIZATION_PROPERTY_REPLAY" => replay,
        _ => null,
    };

    /// <summary>Runs a property as <c>[Law]</c> configures it and returns the failure message a law prints.</summary>
    private static string FailureMessage(LawAttribute law, Property property)
    {
        var e = Assert.ThrowsAny<Exception>(() => Check.One(law.ToConfig(), property));
        return Law.WithReplayCommand(e.Message, nameof(HarnessTests), "Falsifiable");
    }

    [Fact]
    public void TheEnvironmentSetsTheCaseCountTheReplayAndTheDiscardLimit()
    {
        var plain = new LawAttribute(Environment());
        Assert.Equal((200, 20, null), (plain.MaxTest, plain.MaxRejected, plain.Replay));
        var soak = new LawAttribute(Environment("10000", "(1,3,4)")) { DiscardShare = 0.05 };
        Assert.Equal((10000, 500, "(1,3,4)"), (soak.MaxTest, soak.MaxRejected, soak.Replay));
    }

    [Fact]
    public void AFailurePrintsTheSeedTheCounterexampleAndTheReplayCommand()
    {
        var message = FailureMessage(new LawAttribute(Environment()), Falsifiable());
        Assert.Contains("Law 'HarnessTests.Falsifiable' failed.", message);
        Assert.Contains("Shrunk:", message);
        Assert.Contains("500", message); // the shrunk counterexample
        Assert.Matches(@"REGULARIZATION_PROPERTY_REPLAY=""\d+,\d+,\d+"" dotnet test properties --filter ""FullyQualifiedName~HarnessTests.Falsifiable""", message);
    }

    [Fact]
    public void ThePrintedSeedReplaysTheFailureAtOnce()
    {
        var first = FailureMessage(new LawAttribute(Environment()), Falsifiable());
        var seed = Regex.Match(first, @"REGULARIZATION_PROPERTY_REPLAY=""([\d,]+)""").Groups[1].Value;
        var replayed = new LawAttribute(Environment("1", seed));
        var again = Assert.ThrowsAny<Exception>(() => Check.One(replayed.ToConfig(), Falsifiable()));
        Assert.Contains("Falsifiable, after 1 test", again.Message);
    }

    [Fact]
    public void ALawWithMoreDiscardsThanItsShareFails()
    {
        // 15 % of the cases are discarded; the default share is 10 % (20 of 200 in total, FsCheck's MaxRejected counts
        // all discards of the run): FsCheck stops the law as exhausted.
        var some = Prop.ForAll(Arb.From(Gen.Choose(0, 99)), x => Prop.When(x >= 15, () => true));
        var e = Assert.ThrowsAny<Exception>(() => Check.One(new LawAttribute(Environment()).ToConfig(), some));
        Assert.Contains("Arguments exhausted", e.Message);

        // One case in fifty discarded stays within the share and passes.
        var rare = Prop.ForAll(Arb.From(Gen.Choose(0, 49)), x => Prop.When(x != 0, () => true));
        Check.One(new LawAttribute(Environment()).ToConfig(), rare);
    }

    [Fact]
    public void ABadReplayValueIsExplained()
    {
        Assert.Contains("seed,gamma", Assert.Throws<ArgumentException>(() => Law.ParseReplay("12")).Message);
        Assert.Contains("seed,gamma", Assert.Throws<ArgumentException>(() => new LawAttribute(Environment(replay: "a,b"))).Message);
    }
}
