using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Adam's scaling with PyTorch 1.13's arithmetic: with <c>t</c> the update number (1 for the first),
/// <c>m = b1*m + (1-b1)*u</c>, <c>v = b2*v + (1-b2)*u^2</c>, and the output
/// <c>(m * (1 / (1 - b1^t))) / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>. See <see cref="Transforms.ScaleByAdam"/>.
/// </summary>
/// <remarks>
/// <para>
/// AMSGrad follows PyTorch's code, not its documentation: the running maximum is taken over the raw second moment
/// <c>v</c> (<c>max_exp_avg_sq</c>), then divided by the current <c>sqrt(1 - b2^t)</c>. (The documentation takes the
/// maximum over the bias-corrected <c>v-hat</c>; the two differ.)
/// </para>
/// <para>
/// <c>eps</c> is added outside the square root, as in PyTorch and Optax's <c>eps</c> (Optax's <c>eps_root</c> is 0).
/// The moments match PyTorch's <c>exp_avg</c> and <c>exp_avg_sq</c> bit for bit. State: <see cref="AdamState"/>.
/// </para>
/// </remarks>
public sealed record ScaleByAdamTransform : IGradientTransform
{
    /// <summary>Creates Adam's scaling.</summary>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator, finite and &gt;= 0.</param>
    /// <param name="amsGrad">Use the running maximum of the second moment (PyTorch's <c>amsgrad</c>).</param>
    public ScaleByAdamTransform(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsGrad = false)
    {
        Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1));
        Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2));
        Epsilon = Validate.NonNegative(epsilon, nameof(epsilon));
        AmsGrad = amsGrad;
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>AMSGrad.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new AdamState(
            0,
            ParamSet.ZerosLike(parameters),
            ParamSet.ZerosLike(parameters),
            AmsGrad ? ParamSet.ZerosLike(parameters) : ParamSet.Empty);
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var adam = Validate.State<AdamState>(state, this);
        var mu = Validate.Buffer(parameters, adam.Mu, "Mu");
        var nu = Validate.Buffer(parameters, adam.Nu, "Nu");
        var maxNu = AmsGrad ? Validate.Buffer(parameters, adam.MaxNu, "MaxNu") : null;
        var step = adam.Count + 1;
        var scalars = new AdamScalars(Beta1, Beta2, Epsilon, AmsGrad, step);

        var items = parameters.Items;
        var outValues = new Matrix<double>[items.Length];
        var muValues = new Matrix<double>[items.Length];
        var nuValues = new Matrix<double>[items.Length];
        var maxValues = AmsGrad ? new Matrix<double>[items.Length] : null;
        for (var i = 0; i < items.Length; i++)
        {
            outValues[i] = Buffers.NewLike(items[i]);
            muValues[i] = Buffers.NewLike(items[i]);
            nuValues[i] = Buffers.NewLike(items[i]);
            double[] maxIn = [], maxOut = [];
            if (maxValues is not null)
            {
                maxValues[i] = Buffers.NewLike(items[i]);
                maxIn = Buffers.Data(maxNu![i]);
                maxOut = Buffers.Data(maxValues[i]);
            }

            Kernels.Adam(
                Buffers.Data(u[i]), Buffers.Data(mu[i]), Buffers.Data(nu[i]), maxIn, scalars,
                Buffers.Data(muValues[i]), Buffers.Data(nuValues[i]), maxOut, Buffers.Data(outValues[i]));
        }

        var newState = new AdamState(
            step,
            parameters.WithValues(muValues),
            parameters.WithValues(nuValues),
            maxValues is null ? ParamSet.Empty : parameters.WithValues(maxValues));
        return new Step(parameters.WithValues(outValues), newState);
    }
}
