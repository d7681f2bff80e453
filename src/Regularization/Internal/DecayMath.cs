namespace Regularization.Internal;

/// <summary>The scalar arithmetic of decoupled decay and proximal thresholds, shared by the pure and fused paths.</summary>
internal static class DecayMath
{
    /// <summary>The step size <c>eta</c> that multiplies a decay or a proximal strength under a scaling mode.</summary>
    public static double Eta(Schedule learningRate, DecayScaling scaling, long step) => scaling switch
    {
        DecayScaling.LearningRate => learningRate.Checked(step, "learning rate"),
        DecayScaling.ScheduleMultiplier => learningRate.CheckedMultiplier(step, "learning rate"),
        _ => 1.0,
    };

    /// <summary><c>c(t) = lr(t)*lambda(t)</c>, <c>eta(t)*lambda(t)</c> or <c>lambda(t)</c>.</summary>
    public static double Coefficient(Schedule strength, Schedule learningRate, DecayScaling scaling, long step, string role)
    {
        var lambda = strength.Checked(step, role);
        return scaling == DecayScaling.None ? lambda : Eta(learningRate, scaling, step) * lambda;
    }
}
