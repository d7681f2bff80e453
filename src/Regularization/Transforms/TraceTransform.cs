using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Momentum with PyTorch's semantics (<c>torch.optim.SGD</c>): on the first update the buffer is the update itself;
/// then <c>b = momentum * b + (1 - dampening) * u</c>; the output is <c>b</c>, or <c>u + momentum * b</c> with Nesterov.
/// See <see cref="Transforms.Trace"/>.
/// </summary>
/// <remarks>
/// The learning rate is applied after the buffer (PyTorch), not inside it (Sutskever et al., Keras); the two agree
/// while the learning rate is constant. Arithmetic: <c>b' = fma(1 - dampening, u, b * momentum)</c> and
/// <c>u + momentum * b'</c> as one fused multiply-add, as PyTorch's CPU kernels compute them.
/// State: <see cref="TraceState"/>.
/// </remarks>
public sealed record TraceTransform : IGradientTransform
{
    /// <summary>Creates a momentum transform.</summary>
    /// <param name="momentum">Momentum factor, finite and &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; requires <paramref name="momentum"/> &gt; 0 and <paramref name="dampening"/> = 0.</param>
    public TraceTransform(double momentum, double dampening = 0, bool nesterov = false)
    {
        Momentum = Validate.NonNegative(momentum, nameof(momentum));
        Dampening = Validate.Unit(dampening, nameof(dampening));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException(
                $"Nesterov momentum requires a momentum > 0 and zero dampening (momentum = {Validate.Format(momentum)}, dampening = {Validate.Format(dampening)}).",
                nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Dampening of the incoming update.</summary>
    public double Dampening { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new TraceState(0, ParamSet.ZerosLike(parameters));
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var trace = Validate.State<TraceState>(state, this);
        var b = Validate.Buffer(parameters, trace.Trace, "Trace");
        var items = parameters.Items;
        var outValues = new Matrix<double>[items.Length];
        var bufValues = new Matrix<double>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            outValues[i] = Buffers.NewLike(items[i]);
            bufValues[i] = Buffers.NewLike(items[i]);
            var ui = Buffers.Data(u[i]);
            if (trace.Count == 0)
            {
                Kernels.TraceFirst(ui, Momentum, Nesterov, Buffers.Data(bufValues[i]), Buffers.Data(outValues[i]));
            }
            else
            {
                Kernels.Trace(ui, Buffers.Data(b[i]), Momentum, 1 - Dampening, Nesterov, Buffers.Data(bufValues[i]), Buffers.Data(outValues[i]));
            }
        }

        var result = parameters.WithValues(outValues);
        var traceSet = parameters.WithValues(bufValues);
        return new Step(result, new TraceState(trace.Count + 1, traceSet));
    }
}
