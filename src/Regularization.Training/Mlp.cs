using System.Collections.ObjectModel;
using System.Numerics;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;
using Regularization.Mkl;

namespace Regularization.Training;

/// <summary>
/// Factories and names for <see cref="Mlp{T}"/>: SimpleNet's layer sizes, PyTorch's parameter names, a new model with
/// PyTorch's default initialization, or a model over saved parameters.
/// </summary>
/// <example>
/// <code>
/// Mlp&lt;float&gt; model = Mlp.Create&lt;float&gt;(Mlp.SimpleNetLayers, seed: 0);
/// string name = Mlp.WeightName(1);   // "fc1.weight"
/// </code>
/// </example>
public static class Mlp
{
    /// <summary>SimpleNet's layer sizes: 784 inputs, 128 hidden units, 10 classes.</summary>
    public static IReadOnlyList<int> SimpleNetLayers { get; } = new ReadOnlyCollection<int>([784, 128, 10]);

    /// <summary>The name of a layer's weight, for example <c>fc1.weight</c>.</summary>
    /// <param name="layer">The layer, 1-based.</param>
    public static string WeightName(int layer) => $"fc{layer}.weight";

    /// <summary>The name of a layer's bias, for example <c>fc1.bias</c>.</summary>
    /// <param name="layer">The layer, 1-based.</param>
    public static string BiasName(int layer) => $"fc{layer}.bias";

    /// <summary>A new model with PyTorch's default initialization drawn from <paramref name="rng"/> (which advances).</summary>
    /// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="layerSizes">At least two sizes, each &gt;= 1; the last is the number of classes (&gt;= 2).</param>
    /// <param name="rng">The generator.</param>
    /// <returns>The model.</returns>
    public static Mlp<T> Create<T>(IReadOnlyList<int> layerSizes, Xoshiro256StarStar rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementTypes.Check<T>();
        ArgumentNullException.ThrowIfNull(rng);
        var sizes = CheckSizes(layerSizes);
        var parameters = new List<Param<T>>();
        for (var l = 0; l + 1 < sizes.Length; l++)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            var bound = 1.0 / Math.Sqrt(fanIn);
            var w = Matrix<T>.Build.Dense(fanOut, fanIn);
            var data = w.AsColumnMajorArray();
            for (var i = 0; i < fanOut; i++)
            {
                for (var j = 0; j < fanIn; j++)
                {
                    data[(j * fanOut) + i] = T.CreateTruncating(rng.NextDouble(-bound, bound));
                }
            }

            var b = Matrix<T>.Build.Dense(fanOut, 1);
            var bdata = b.AsColumnMajorArray();
            for (var i = 0; i < fanOut; i++)
            {
                bdata[i] = T.CreateTruncating(rng.NextDouble(-bound, bound));
            }

            parameters.Add(new Param<T>(Mlp.WeightName(l + 1), w));
            parameters.Add(Param.Vector(Mlp.BiasName(l + 1), b));
        }

        return new Mlp<T>(sizes, new ParamSet<T>(parameters));
    }

    /// <summary>A new model with PyTorch's default initialization from a new generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="layerSizes">Layer sizes (see <see cref="Create{T}(IReadOnlyList{int}, Xoshiro256StarStar)"/>).</param>
    /// <param name="seed">The seed.</param>
    /// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The model.</returns>
    public static Mlp<T> Create<T>(IReadOnlyList<int> layerSizes, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T> => Create<T>(layerSizes, new Xoshiro256StarStar(seed));

    /// <summary>
    /// A model holding a deep copy of <paramref name="parameters"/>, which must be <c>fc1.weight, fc1.bias, ...,
    /// fcL.weight, fcL.bias</c> in that order, with matching shapes (weights out x in, biases out x 1).
    /// </summary>
    /// <param name="parameters">The parameters (copied).</param>
    /// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The names, order or shapes do not describe an MLP; the message says what.</exception>
    public static Mlp<T> FromParameters<T>(ParamSet<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sizes = InferLayerSizes(parameters);
        return new Mlp<T>(sizes.ToArray(), parameters.Copy());
    }

    /// <summary>The layer sizes <paramref name="parameters"/> describe (see <see cref="FromParameters{T}"/>), checking names and shapes.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The layer sizes.</returns>
    /// <exception cref="ArgumentException">The set does not describe an MLP.</exception>
    public static IReadOnlyList<int> InferLayerSizes<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count < 2 || parameters.Count % 2 != 0)
        {
            throw new ArgumentException(
                $"An MLP has a weight and a bias per layer; the set holds {parameters.Count} parameters: {parameters}.", nameof(parameters));
        }

        var sizes = new List<int> { parameters[0].Columns };
        for (var l = 1; 2 * l <= parameters.Count; l++)
        {
            var w = parameters[(2 * l) - 2];
            var b = parameters[(2 * l) - 1];
            if (w.Name != WeightName(l) || b.Name != BiasName(l))
            {
                throw new ArgumentException(
                    $"Parameters {(2 * l) - 2} and {(2 * l) - 1} must be {WeightName(l)} and {BiasName(l)}; they are {w.Name} and {b.Name}.",
                    nameof(parameters));
            }

            if (w.Columns != sizes[^1] || b.Rows != w.Rows || b.Columns != 1 || b.Rank != 1 || w.Rank != 2)
            {
                throw new ArgumentException(
                    $"{w.Name} is {w.Shape} (rank {w.Rank}) and {b.Name} is {b.Shape} (rank {b.Rank}); they must be a {w.Rows}x{sizes[^1]} matrix and a vector of {w.Rows} (rank 1, stored {w.Rows}x1).",
                    nameof(parameters));
            }

            sizes.Add(w.Rows);
        }

        return CheckSizes(sizes);
    }

    internal static int[] CheckSizes(IReadOnlyList<int>? layerSizes)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2)
        {
            throw new ArgumentException($"An MLP needs at least two layer sizes (inputs and classes); got {layerSizes.Count}.", nameof(layerSizes));
        }

        for (var i = 0; i < layerSizes.Count; i++)
        {
            if (layerSizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i} is {layerSizes[i]}; sizes must be at least 1.", nameof(layerSizes));
            }
        }

        if (layerSizes[^1] < 2)
        {
            throw new ArgumentException($"The last layer size is the number of classes and must be at least 2; it is {layerSizes[^1]}.", nameof(layerSizes));
        }

        return layerSizes.ToArray();
    }
}

/// <summary>
/// A multi-layer perceptron with ReLU between layers and hand-written backpropagation: the tutorials' "SimpleNet"
/// (784-128-10) by default, any layer sizes otherwise. Parameters are named as PyTorch names them in SimpleNet:
/// <c>fc1.weight</c> (128x784, output x input, as <c>nn.Linear</c> stores it), <c>fc1.bias</c> (128x1), <c>fc2.weight</c>,
/// <c>fc2.bias</c>, and so on. Biases are columns, so <see cref="Mask.ExcludeVectors"/> excludes them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Layout: one sample per column.</b> MathNet's dense matrices are column-major, so a column is contiguous and a
/// row is strided. With samples as columns, gathering a batch copies each image's pixels into one contiguous column
/// of a preallocated <c>features x batch</c> matrix (<see cref="ImageSet.Gather"/>), and each sample's logits are
/// contiguous for the softmax. (Samples as rows, PyTorch's layout, would make every gathered image a strided row
/// write.) The forward pass is therefore <c>Z = W X + b 1ᵀ</c>, the same linear map as PyTorch's <c>x Wᵀ + b</c> with
/// the batch on the other side, and the backward pass is <c>dW = dZ Xᵀ</c>, <c>db = dZ 1</c>, <c>dX = Wᵀ dZ</c>.
/// </para>
/// <para>
/// <b>No allocation per step.</b> Activations and gradients live in buffers preallocated once per batch size (a
/// training run uses two sizes: the batch and the last partial batch). Products go through MathNet's into-result
/// overloads (<c>Multiply(other, result)</c>, <c>TransposeAndMultiply(other, result)</c>,
/// <c>TransposeThisAndMultiply(other, result)</c>), so whichever linear-algebra provider is active (managed or a native
/// one) does the work; this class allocates nothing per step, though MathNet's managed provider copies one operand of
/// each product (see the notes of the test suite).
/// </para>
/// <para>
/// Initialization is PyTorch's default for <c>nn.Linear</c>: weights and biases uniform in
/// <c>[-1/sqrt(fan_in), 1/sqrt(fan_in))</c>, drawn from a <see cref="Xoshiro256StarStar"/> layer by layer, weight
/// (in PyTorch's row-major order) then bias. Not thread-safe. A float32 model's initial values are the float64
/// model's, rounded to nearest (the draws are the same).
/// </para>
/// <para>
/// <b>Element type.</b> <typeparamref name="T"/> is <see cref="float"/> (PyTorch's default dtype, and where the speed
/// is: single-precision products are about twice as fast) or <see cref="double"/>. Every value of the forward and
/// backward passes, the loss and the loss terms is computed in <typeparamref name="T"/>, as PyTorch does for a model
/// of that dtype; the loss is reported as a <see cref="double"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var model = Mlp.Create&lt;float&gt;(Mlp.SimpleNetLayers, seed: 0);
/// var optimizer = Optimizer.Sgd(0.01).WeightDecay(1e-4).Build(model.Parameters);
/// BatchResult r = model.ForwardBackward(inputs, labels);   // inputs: 784 x batch, labels: batch
/// optimizer.Step(model.Gradients);                          // updates model.Parameters in place
/// </code>
/// </example>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Mlp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MaxWorkspaces = 8;
    private readonly int[] _sizes;
    private readonly Matrix<T>[] _weights;
    private readonly Matrix<T>[] _biases;
    private readonly Matrix<T>[] _weightGradients;
    private readonly Matrix<T>[] _biasGradients;
    private readonly Dictionary<int, Workspace> _workspaces = new();

    internal Mlp(int[] sizes, ParamSet<T> parameters)
    {
        ElementTypes.Check<T>();
        _sizes = sizes;
        var layers = sizes.Length - 1;
        _weights = new Matrix<T>[layers];
        _biases = new Matrix<T>[layers];
        _weightGradients = new Matrix<T>[layers];
        _biasGradients = new Matrix<T>[layers];
        var gradients = new List<Param<T>>(2 * layers);
        for (var l = 0; l < layers; l++)
        {
            _weights[l] = parameters[Mlp.WeightName(l + 1)].Value;
            _biases[l] = parameters[Mlp.BiasName(l + 1)].Value;
            _weightGradients[l] = Matrix<T>.Build.Dense(sizes[l + 1], sizes[l]);
            _biasGradients[l] = Matrix<T>.Build.Dense(sizes[l + 1], 1);
            gradients.Add(new Param<T>(Mlp.WeightName(l + 1), _weightGradients[l]));
            gradients.Add(Param.Vector(Mlp.BiasName(l + 1), _biasGradients[l]));
        }

        Parameters = parameters;
        Gradients = new ParamSet<T>(gradients);
        LayerSizes = new ReadOnlyCollection<int>(sizes);
    }

    /// <summary>Layer sizes, input first, classes last (for example 784, 128, 10).</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Number of inputs (the first layer size).</summary>
    public int InputSize => _sizes[0];

    /// <summary>Number of classes (the last layer size).</summary>
    public int ClassCount => _sizes[^1];

    /// <summary>Number of linear layers.</summary>
    public int LayerCount => _sizes.Length - 1;

    /// <summary>
    /// The parameters, in order <c>fc1.weight, fc1.bias, fc2.weight, ...</c>. Their matrices are the model's own: an
    /// <see cref="Optimizer{T}"/> built over this set updates the model in place.
    /// </summary>
    public ParamSet<T> Parameters { get; }

    /// <summary>
    /// The gradient buffers, named and shaped like <see cref="Parameters"/>; <see cref="ForwardBackward"/> overwrites
    /// them with the gradient of the batch's mean loss, and <see cref="AddPenalties"/> adds penalty gradients.
    /// </summary>
    public ParamSet<T> Gradients { get; }

    /// <summary>
    /// Forward pass, loss and backward pass over one batch: returns the mean loss and the correct predictions (made
    /// with the parameters before any update) and overwrites <see cref="Gradients"/> with the gradient of the mean loss.
    /// After the first batch of a given size, allocates nothing.
    /// </summary>
    /// <param name="inputs">Dense <c>InputSize x batch</c> inputs, one sample per column.</param>
    /// <param name="labels">One label per sample.</param>
    /// <returns>Mean loss, correct predictions, batch size.</returns>
    public BatchResult ForwardBackward(Matrix<T> inputs, ReadOnlySpan<int> labels)
    {
        var ws = Forward(inputs);
        return LossAndBackward(ws, inputs, labels, 0);
    }

    /// <summary>
    /// <see cref="ForwardBackward"/> on the images <c>order[first .. first + inputs.ColumnCount)</c> of
    /// <paramref name="data"/> (their labels into <paramref name="labels"/>; <paramref name="inputs"/> gives the batch's
    /// shape and is checked, not written), with the first layer split across <paramref name="team"/> in two phases.
    /// Member <c>t</c> owns the inputs <c>C_t</c> = <see cref="WorkTeam.Share"/>(InputSize, members, t), columns of
    /// <c>fc1.weight</c>:
    /// <list type="number">
    /// <item>it gathers inputs <c>C_t</c> of every image into its own buffer and multiplies them by its columns of
    /// <c>fc1.weight</c>: a partial pre-activation of every hidden unit;</item>
    /// <item>it adds every member's partial sums (in member order), the bias and the ReLU, and runs the layers above and
    /// the loss's backward pass down to the hidden delta itself, in its own workspace (member 0 in the model's, where it
    /// also computes those layers' gradients and <c>fc1.bias</c>'s; the others compute the same numbers and keep only
    /// the hidden delta), then its columns <c>C_t</c> of <c>fc1.weight</c>'s gradient (which a team step then updates
    /// on the same member).</item>
    /// </list>
    /// The layers above the first are small (SimpleNet: 1.3 % of the multiply-adds), so running them on every member
    /// costs less than handing their results between cores: a member reads another's data once a batch (its partial
    /// sums) and writes no cache line another member writes. The bits depend on the team's size but not on timing.
    /// Call inside <see cref="NativeLinearAlgebraProvider.UseOneThreadPerProduct"/>; the model has a hidden layer
    /// (<see cref="SplitsAcross"/>).
    /// </summary>
    internal BatchResult ForwardBackwardOnTeam(ImageSet data, int[] order, int first, Matrix<T> inputs, int[] labels, WorkTeam team, NativeLinearAlgebraProvider native)
    {
        var (_, pass) = ForwardOnTeam(data, order, first, inputs, labels, team, native, nameof(ImageSet.Gather));
        pass.Run(team, backward: true);
        var result = pass.Result;
        pass.Finish();
        return result;
    }

    /// <summary>
    /// <see cref="Evaluate"/> on the images <c>order[first .. first + inputs.ColumnCount)</c> of <paramref name="data"/>,
    /// gathered on the way, with the first layer split across <paramref name="team"/> as in
    /// <see cref="ForwardBackwardOnTeam"/> (the same sums, so a batch's loss is the one its training step saw); the rest
    /// runs on the caller.
    /// </summary>
    internal BatchResult EvaluateOnTeam(ImageSet data, int[] order, int first, Matrix<T> inputs, int[] labels, WorkTeam team, NativeLinearAlgebraProvider native)
    {
        var (ws, pass) = ForwardOnTeam(data, order, first, inputs, labels, team, native, nameof(ImageSet.GatherRange));
        pass.Finish();
        HiddenFromPartials(ws.TeamPartials, ws);
        ForwardFrom(ws, 1);
        return SoftmaxCrossEntropy.Compute(ws.Activations[^1], labels);
    }

    /// <summary>
    /// The checks, the labels and the team's first phase of a split batch (each member's inputs gathered and multiplied
    /// by its columns of <c>fc1.weight</c>); <paramref name="reader"/> is the read the data set's observer hears.
    /// </summary>
    private (Workspace Ws, TeamPass Pass) ForwardOnTeam(
        ImageSet data, int[] order, int first, Matrix<T> inputs, int[] labels, WorkTeam team, NativeLinearAlgebraProvider native, string reader)
    {
        _ = data.PrepareGather(order.AsSpan(first, inputs.ColumnCount), inputs, labels, reader);
        CheckInputs(inputs);
        var ws = WorkspaceFor(inputs.ColumnCount);
        var pass = _teamPass ??= new TeamPass(this);
        pass.Start(data, order, first, inputs, labels, ws, native, team.Members);
        pass.Run(team, backward: false);
        return (ws, pass);
    }

    /// <summary>
    /// True when <see cref="ForwardBackwardOnTeam"/> pays on a team of <paramref name="members"/>: a hidden layer, the
    /// first layer holding at least 90 % of the multiply-adds (784-128-10: 98.7 %; the layers above it run on every
    /// member), and at least 16 inputs per member.
    /// </summary>
    internal bool SplitsAcross(int members)
    {
        if (members < 2 || _sizes.Length < 3)
        {
            return false;
        }

        long first = (long)_sizes[0] * _sizes[1], all = 0;
        for (var l = 0; l + 1 < _sizes.Length; l++)
        {
            all += (long)_sizes[l] * _sizes[l + 1];
        }

        return _sizes[0] >= 16 * members && first >= 0.9 * all;
    }

    private TeamPass? _teamPass;

    /// <summary>The loss of the last layer's activations, then the backward pass from the last layer down to <paramref name="lowest"/>.</summary>
    private BatchResult LossAndBackward(Workspace ws, Matrix<T> inputs, ReadOnlySpan<int> labels, int lowest)
    {
        var last = _sizes.Length - 2;
        var result = SoftmaxCrossEntropy.Compute(ws.Activations[last], labels, ws.Deltas[last]);
        for (var l = last; l >= lowest; l--)
        {
            var input = l == 0 ? inputs : ws.Activations[l - 1];
            var delta = ws.Deltas[l];
            delta.TransposeAndMultiply(input, _weightGradients[l]);
            SumColumns(delta, _biasGradients[l]);
            if (l > 0)
            {
                _weights[l].TransposeThisAndMultiply(delta, ws.Deltas[l - 1]);
                ReluBackward(ws.Deltas[l - 1], ws.Activations[l - 1]);
            }
        }

        return result;
    }

    /// <summary>Forward pass and loss only (no gradients): the mean loss and the correct predictions of a batch.</summary>
    /// <param name="inputs">Dense <c>InputSize x batch</c> inputs.</param>
    /// <param name="labels">One label per sample.</param>
    /// <returns>Mean loss, correct predictions, batch size.</returns>
    public BatchResult Evaluate(Matrix<T> inputs, ReadOnlySpan<int> labels)
    {
        var ws = Forward(inputs);
        return SoftmaxCrossEntropy.Compute(ws.Activations[^1], labels);
    }

    /// <summary>The logits of a batch, as a new <c>ClassCount x batch</c> matrix.</summary>
    /// <param name="inputs">Dense <c>InputSize x batch</c> inputs.</param>
    /// <returns>The logits.</returns>
    public Matrix<T> Logits(Matrix<T> inputs) => Forward(inputs).Activations[^1].Clone();

    /// <summary>
    /// Adds the loss terms of the second seed, <c>l2 * sum(w^2) + l1 * sum|w|</c> over the parameters
    /// <paramref name="mask"/> includes (all when null; PyTorch's <c>model.parameters()</c> includes biases), and their
    /// gradients <c>2*l2*w</c> and <c>l1*sign(w)</c> (<c>sign(0) = 0</c>, as autograd's <c>abs</c>) into
    /// <see cref="Gradients"/>, in place, in one pass. Returns the terms' value, to add to the batch loss.
    /// </summary>
    /// <remarks>
    /// The sums follow the seed's expression: one sum per parameter, then the sum over parameters in order, then the
    /// product with the lambda. The gradient is <c>g + (2*l2)*w</c> rounded once for the product and once for the
    /// sum (then <c>+ l1*sign(w)</c>); PyTorch's coupled <c>weight_decay</c> is a fused multiply-add instead, so the two
    /// agree to rounding, not bit for bit.
    /// </remarks>
    /// <param name="l1">L1 strength, &gt;= 0.</param>
    /// <param name="l2">L2 strength, &gt;= 0 (seed convention: no 1/2).</param>
    /// <param name="mask">The parameters the terms cover; all when null.</param>
    /// <returns>The value of the terms.</returns>
    public double AddPenalties(double l1, double l2, Mask? mask = null)
    {
        if (!(l1 >= 0) || !(l2 >= 0) || double.IsInfinity(l1) || double.IsInfinity(l2))
        {
            throw new ArgumentOutOfRangeException(nameof(l1), $"The penalty strengths must be finite and >= 0 (l1 = {l1}, l2 = {l2}).");
        }

        if (l1 == 0 && l2 == 0)
        {
            return 0;
        }

        T tl1 = T.CreateTruncating(l1), tl2 = T.CreateTruncating(l2), twoL2 = T.CreateTruncating(2 * l2);
        T squares = T.Zero, absolutes = T.Zero;
        var parameters = Parameters;
        var gradients = Gradients;
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (mask is not null && !mask.Contains(p))
            {
                continue;
            }

            var w = p.Value.AsColumnMajorArray();
            var g = gradients[i].Value.AsColumnMajorArray();
            T sq = T.Zero, abs = T.Zero;
            for (var k = 0; k < w.Length; k++)
            {
                var x = w[k];
                if (l2 != 0)
                {
                    sq += x * x;
                    g[k] += twoL2 * x;
                }

                if (l1 != 0)
                {
                    abs += T.Abs(x);
                    g[k] += x > T.Zero ? tl1 : x < T.Zero ? -tl1 : T.Zero;
                }
            }

            squares += sq;
            absolutes += abs;
        }

        var value = T.Zero;
        if (l2 != 0)
        {
            value += tl2 * squares;
        }

        if (l1 != 0)
        {
            value += tl1 * absolutes;
        }

        return double.CreateTruncating(value);
    }

    /// <summary>Drops the per-batch-size buffers (they are rebuilt on the next pass).</summary>
    public void ClearBuffers() => _workspaces.Clear();

    /// <summary>The sizes as text, for example <c>Mlp[784-128-10]</c>.</summary>
    public override string ToString() => $"Mlp[{string.Join('-', _sizes)}]";

    private Workspace Forward(Matrix<T> inputs)
    {
        CheckInputs(inputs);
        var ws = WorkspaceFor(inputs.ColumnCount);
        _weights[0].Multiply(inputs, ws.Activations[0]);
        AddBias(ws.Activations[0], _biases[0], relu: _weights.Length > 1);
        ForwardFrom(ws, 1);
        return ws;
    }

    /// <summary>
    /// The loss of the last layer's activations and the deltas of the backward pass down to the first layer's, without
    /// the weight and bias gradients: the same operations on the deltas as <see cref="LossAndBackward"/>, so the same bits.
    /// </summary>
    private void LossAndDeltas(Workspace ws, ReadOnlySpan<int> labels)
    {
        var last = _sizes.Length - 2;
        SoftmaxCrossEntropy.Compute(ws.Activations[last], labels, ws.Deltas[last]);
        for (var l = last; l >= 1; l--)
        {
            _weights[l].TransposeThisAndMultiply(ws.Deltas[l], ws.Deltas[l - 1]);
            ReluBackward(ws.Deltas[l - 1], ws.Activations[l - 1]);
        }
    }

    /// <summary>
    /// The hidden activations from a team's partial sums: <c>relu((p_0 + p_1 + ...) + b)</c>, the sums in member order,
    /// then the bias and the ReLU as <see cref="AddBias"/> applies them (the same NaN handling).
    /// </summary>
    private void HiddenFromPartials(T[]?[] partials, Workspace ws)
    {
        var h = ws.Activations[0].AsColumnMajorArray();
        var b = _biases[0].AsColumnMajorArray();
        var hidden = _sizes[1];
        var w = System.Numerics.Vector<T>.Count;
        var zero = System.Numerics.Vector<T>.Zero;
        for (var j = 0; j < ws.Activations[0].ColumnCount; j++)
        {
            var start = j * hidden;
            var i = 0;
            for (; i <= hidden - w; i += w)
            {
                var v = new System.Numerics.Vector<T>(partials[0]!, start + i);
                for (var m = 1; m < partials.Length; m++)
                {
                    v += new System.Numerics.Vector<T>(partials[m]!, start + i);
                }

                v += new System.Numerics.Vector<T>(b, i);
                System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.LessThanOrEqual(v, zero), zero, v).CopyTo(h, start + i);
            }

            for (; i < hidden; i++)
            {
                var v = partials[0]![start + i];
                for (var m = 1; m < partials.Length; m++)
                {
                    v += partials[m]![start + i];
                }

                v += b[i];
                h[start + i] = v <= T.Zero ? T.Zero : v; // NaN passes, as PyTorch's clamp_min
            }
        }
    }

    private void CheckInputs(Matrix<T> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.AsColumnMajorArray() is null || inputs.RowCount != _sizes[0] || inputs.ColumnCount < 1)
        {
            throw new ArgumentException(
                $"The inputs must be a dense {_sizes[0]} x batch matrix (one sample per column); they are {inputs.RowCount}x{inputs.ColumnCount} {inputs.GetType().Name}.",
                nameof(inputs));
        }
    }

    /// <summary>The forward pass of layers <paramref name="first"/> and up, from the activations of the layer below.</summary>
    private void ForwardFrom(Workspace ws, int first)
    {
        for (var l = first; l < _weights.Length; l++)
        {
            var z = ws.Activations[l];
            _weights[l].Multiply(ws.Activations[l - 1], z);
            AddBias(z, _biases[l], relu: l + 1 < _weights.Length);
        }
    }

    private Workspace WorkspaceFor(int batch)
    {
        if (_workspaces.TryGetValue(batch, out var ws))
        {
            return ws;
        }

        if (_workspaces.Count >= MaxWorkspaces)
        {
            _workspaces.Clear();
        }

        ws = new Workspace(_sizes, batch);
        _workspaces.Add(batch, ws);
        return ws;
    }

    // The three loops below run on hardware vectors with the scalar loop only for the tail: the ReLU's data-dependent
    // branches mispredicted about half the time (a select has no branch), and each element gets the same operations in
    // the same order as before, so the bits are the same.
    private static void AddBias(Matrix<T> z, Matrix<T> bias, bool relu)
    {
        var data = z.AsColumnMajorArray();
        var b = bias.AsColumnMajorArray();
        var rows = z.RowCount;
        var w = System.Numerics.Vector<T>.Count;
        var zero = System.Numerics.Vector<T>.Zero;
        for (var j = 0; j < z.ColumnCount; j++)
        {
            var column = data.AsSpan(j * rows, rows);
            var i = 0;
            for (; i <= rows - w; i += w)
            {
                var v = new System.Numerics.Vector<T>(column.Slice(i)) + new System.Numerics.Vector<T>(b, i);
                (relu ? System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.LessThanOrEqual(v, zero), zero, v) : v).CopyTo(column.Slice(i));
            }

            for (; i < rows; i++)
            {
                var v = column[i] + b[i];
                column[i] = relu && v <= T.Zero ? T.Zero : v; // NaN passes, as PyTorch's clamp_min
            }
        }
    }

    /// <summary>Zeroes the gradient where the ReLU's output is 0 (its input was &lt;= 0), as PyTorch's threshold_backward.</summary>
    private static void ReluBackward(Matrix<T> delta, Matrix<T> activation) => ReluBackward(delta.AsColumnMajorArray(), activation.AsColumnMajorArray());

    private static void ReluBackward(T[] d, T[] a)
    {
        var w = System.Numerics.Vector<T>.Count;
        var zero = System.Numerics.Vector<T>.Zero;
        var k = 0;
        for (; k <= d.Length - w; k += w)
        {
            var keep = System.Numerics.Vector.GreaterThan(new System.Numerics.Vector<T>(a, k), zero);
            System.Numerics.Vector.ConditionalSelect(keep, new System.Numerics.Vector<T>(d, k), zero).CopyTo(d, k);
        }

        for (; k < d.Length; k++)
        {
            if (!(a[k] > T.Zero))
            {
                d[k] = T.Zero;
            }
        }
    }

    private static void SumColumns(Matrix<T> delta, Matrix<T> result) =>
        SumColumns(delta.AsColumnMajorArray(), delta.RowCount, delta.ColumnCount, result.AsColumnMajorArray());

    /// <summary><c>r = sum of the columns of d</c> (<paramref name="rows"/> x <paramref name="columns"/>), column by column in order.</summary>
    private static void SumColumns(T[] d, int rows, int columns, Span<T> r)
    {
        var w = System.Numerics.Vector<T>.Count;
        r.Clear();
        for (var j = 0; j < columns; j++)
        {
            var column = d.AsSpan(j * rows, rows);
            var i = 0;
            for (; i <= rows - w; i += w)
            {
                (new System.Numerics.Vector<T>(r.Slice(i)) + new System.Numerics.Vector<T>(column.Slice(i))).CopyTo(r.Slice(i));
            }

            for (; i < rows; i++)
            {
                r[i] += column[i];
            }
        }
    }

    /// <summary>
    /// The two team phases of a split batch (see <see cref="ForwardBackwardOnTeam"/>). Every buffer a member writes is its
    /// own (allocated, and so first touched, by the member), except its columns of <c>fc1.weight</c>'s gradient; member
    /// 0 works in the model's workspace and gradients.
    /// </summary>
    private sealed class TeamPass(Mlp<T> model) : ITeamWork
    {
        private ImageSet? _data;
        private int[] _order = [];
        private int[] _labels = [];
        private int _first;
        private Matrix<T>? _inputs;
        private Workspace? _ws;
        private NativeLinearAlgebraProvider? _native;
        private bool _backward;

        /// <summary>Member 0's loss and correct predictions of the batch.</summary>
        public BatchResult Result { get; private set; }

        public void Start(ImageSet data, int[] order, int first, Matrix<T> inputs, int[] labels, Workspace ws, NativeLinearAlgebraProvider native, int members)
        {
            (_data, _order, _first, _inputs, _labels, _ws, _native) = (data, order, first, inputs, labels, ws, native);
            if (ws.TeamInputs.Length != members)
            {
                (ws.TeamInputs, ws.TeamPartials, ws.TeamWorkspaces) = (new T[members][], new T[members][], new Workspace[members]);
            }
        }

        public void Run(WorkTeam team, bool backward)
        {
            _backward = backward;
            team.Run(this);
        }

        /// <summary>Drops the references to the batch (the data set, the buffers).</summary>
        public void Finish() => (_data, _ws, _native, _inputs, _labels) = (null, null, null, null, []);

        public void Run(int member, int members)
        {
            var ws = _ws!;
            var native = _native!;
            int inputs = model._sizes[0], hidden = model._sizes[1], batch = ws.Activations[0].ColumnCount;
            var (c0, c1) = WorkTeam.Share(inputs, members, member);
            var columns = c1 - c0;
            var x = ws.TeamInputs[member] ??= new T[columns * batch];
            if (!_backward)
            {
                var partial = ws.TeamPartials[member] ??= new T[hidden * batch];
                _data!.GatherRows<T>(_order.AsSpan(_first, batch), x, columns, c0, c1);
                Gemm(native, false, false, hidden, batch, columns, model._weights[0].AsColumnMajorArray().AsSpan(c0 * hidden), hidden, x, columns, partial, hidden);
                return;
            }

            var own = member == 0 ? ws : ws.TeamWorkspaces[member] ??= new Workspace(model._sizes, batch);
            model.HiddenFromPartials(ws.TeamPartials, own);
            model.ForwardFrom(own, 1);
            if (member == 0)
            {
                Result = model.LossAndBackward(own, _inputs!, _labels, 1);
                SumColumns(own.Deltas[0], model._biasGradients[0]);
            }
            else
            {
                model.LossAndDeltas(own, _labels);
            }

            var g = model._weightGradients[0].AsColumnMajorArray();
            Gemm(native, false, true, hidden, columns, batch, own.Deltas[0].AsColumnMajorArray(), hidden, x, columns, g.AsSpan(c0 * hidden), hidden);
        }

        /// <summary><c>c = op(a) op(b)</c> in <typeparamref name="T"/> (beta 0).</summary>
        private static void Gemm(NativeLinearAlgebraProvider native, bool ta, bool tb, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        {
            if (typeof(T) == typeof(float))
            {
                native.Multiply(ta, tb, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb, 0f, MemoryMarshal.Cast<T, float>(c), ldc);
            }
            else
            {
                native.Multiply(ta, tb, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb, 0.0, MemoryMarshal.Cast<T, double>(c), ldc);
            }
        }
    }

    /// <summary>Activations and deltas for one batch size.</summary>
    private sealed class Workspace
    {
        public Workspace(int[] sizes, int batch)
        {
            var layers = sizes.Length - 1;
            Activations = new Matrix<T>[layers];
            Deltas = new Matrix<T>[layers];
            for (var l = 0; l < layers; l++)
            {
                Activations[l] = Matrix<T>.Build.Dense(sizes[l + 1], batch);
                Deltas[l] = Matrix<T>.Build.Dense(sizes[l + 1], batch);
            }
        }

        /// <summary>Post-activation of each layer (ReLU output for hidden layers, logits for the last).</summary>
        public Matrix<T>[] Activations { get; }

        /// <summary>Gradient of the loss with respect to each layer's pre-activation.</summary>
        public Matrix<T>[] Deltas { get; }

        /// <summary>A team batch's input rows, one buffer per member (<c>(to - from) x batch</c>, allocated by the member).</summary>
        public T[]?[] TeamInputs { get; set; } = [];

        /// <summary>A team batch's partial pre-activations of the hidden units, one buffer per member (allocated by the member).</summary>
        public T[]?[] TeamPartials { get; set; } = [];

        /// <summary>A team batch's workspaces of the members after the first (allocated by the member).</summary>
        public Workspace?[] TeamWorkspaces { get; set; } = [];
    }
}
