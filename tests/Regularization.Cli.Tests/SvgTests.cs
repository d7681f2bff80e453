using Regularization.Cli.Output;

namespace Regularization.Cli.Tests;

/// <summary>The charts' shared drawing helpers.</summary>
public sealed class SvgTests
{
    [Fact]
    public void A_long_subtitle_wraps_after_its_clauses_and_every_line_fits()
    {
        const string subtitle = "SimpleNet on 3 stratified folds of the 10000 training images (seed 0), 2 epochs per trial; test accuracy 75.55% with weight-decay=0.000631";
        var lines = Svg.Wrap(subtitle, 126).ToArray();
        Assert.Equal(
            ["SimpleNet on 3 stratified folds of the 10000 training images (seed 0), 2 epochs per trial;", "test accuracy 75.55% with weight-decay=0.000631"],
            lines);
        Assert.Equal(["a,", "b c d"], Svg.Wrap("a, b c d", 5));
        Assert.Equal(["short"], Svg.Wrap("short", 126));
        Assert.Equal(["unbreakable-word"], Svg.Wrap("unbreakable-word", 5));
    }
}
