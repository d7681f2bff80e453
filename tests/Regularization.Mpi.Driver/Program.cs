// The program the MPI tests run, under `mpirun --oversubscribe -np N` or alone (the single-process reference).
//
//   env                                           prints whether the process runs under MPI and whether libmpi is mapped
//   collectives OUTDIR                            every collective of MpiWorld; each rank writes OUTDIR/rank{r}.txt
//   train OUT TYPE OPTIMIZER MODE STEPS [BATCH]   data-parallel linear regression; rank 0 writes OUT (losses, parameters
//                                                 with their bits), every rank writes OUT.rank{r} (parameters, state size)
//       TYPE float|double; OPTIMIZER sgd|adam|adamw|l1|l2|proximal; MODE single|replicated|zero|per-rank-penalty
//   die throw|exit|kill RANK                      rank RANK fails after a barrier while the others wait in an all-reduce
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Regularization;
using Regularization.Mpi;

return args[0] switch
{
    "env" => Env(),
    "collectives" => Collectives(args[1]),
    "train" when args[2] == "float" => Train<float>.Run(args),
    "train" => Train<double>.Run(args),
    "die" => Die(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
    _ => throw new ArgumentException($"unknown command '{args[0]}'"),
};

static int Env()
{
    var mapped = File.ReadAllText("/proc/self/maps").Contains("libmpi", StringComparison.Ordinal);
    Console.WriteLine($"under-mpi={MpiLaunch.IsUnderMpi} loaded={MpiWorld.IsLoaded} mapped={mapped}");
    return 0;
}

static int Collectives(string outDir)
{
    using var world = MpiWorld.Initialize();
    int rank = world.Rank, size = world.Size;
    var lines = new StringBuilder();
    void Line<T>(string key, ReadOnlySpan<T> values)
        where T : IFormattable =>
        lines.Append(key).Append('=').AppendJoin(',', values.ToArray().Select(v => v.ToString(null, CultureInfo.InvariantCulture))).Append('\n');

    lines.Append(CultureInfo.InvariantCulture, $"size={size}\nrank={rank}\nthread-level={world.ThreadLevel}\nversion={world.LibraryVersion}\n");
    world.Barrier();

    long[] bcast = rank == size - 1 ? [7, 8, 9] : [0, 0, 0];
    world.Broadcast<long>(bcast, size - 1);
    Line<long>("bcast", bcast);

    double[] sum = [rank + 0.5, rank * 2.0];
    world.AllReduce<double>(sum, MpiOp.Sum);
    Line<double>("allreduce-double-sum", sum);
    float[] fsum = [rank + 0.25f];
    world.AllReduce<float>(fsum, MpiOp.Sum);
    Line<float>("allreduce-float-sum", fsum);
    int[] max = [rank, -rank];
    world.AllReduce<int>(max, MpiOp.Max);
    Line<int>("allreduce-int-max", max);
    long[] min = [rank + 10L];
    world.AllReduce<long>(min, MpiOp.Min);
    Line<long>("allreduce-long-min", min);

    var send = new double[size * 2];
    for (var i = 0; i < send.Length; i++)
    {
        send[i] = (rank * 100) + i;
    }

    var block = new double[2];
    world.ReduceScatterBlock<double>(send, block, MpiOp.Sum);
    Line<double>("reduce-scatter", block);

    var gathered = new int[size * 2];
    gathered[rank * 2] = rank * 10;
    gathered[(rank * 2) + 1] = (rank * 10) + 1;
    world.AllGatherInPlace<int>(gathered);
    Line<int>("allgather", gathered);

    var counts = Enumerable.Range(1, size).ToArray();
    var mine = Enumerable.Repeat((double)rank, rank + 1).ToArray();
    var all = new double[counts.Sum()];
    world.AllGather<double>(mine, all, counts);
    Line<double>("allgatherv", all);

    File.WriteAllText(Path.Combine(outDir, $"rank{rank}.txt"), lines.ToString());
    return 0;
}

static int Die(string mode, int target)
{
    using var world = MpiWorld.Initialize();
    world.Barrier();
    if (world.Rank == target)
    {
        Thread.Sleep(300);
        switch (mode)
        {
            case "throw":
                throw new InvalidOperationException($"simulated failure on rank {target}");
            case "exit":
                Environment.Exit(3);
                break;
            default:
                Process.GetCurrentProcess().Kill();
                break;
        }
    }

    double[] x = [1];
    world.AllReduce<double>(x, MpiOp.Sum);
    Console.WriteLine($"rank {world.Rank}: the all-reduce returned although rank {target} failed");
    return 0;
}

/// <summary>Linear regression <c>Y = X W + b</c> on fixed data, trained data-parallel: each global batch is split by the rule of the README.</summary>
internal static class Train<T>
    where T : unmanaged, IEquatable<T>, IFormattable
{
    private const int Examples = 100;
    private const int Inputs = 37;
    private const int Outputs = 11;

    public static int Run(string[] args)
    {
        var output = args[1];
        var optimizerName = args[3];
        var mode = args[4];
        var steps = int.Parse(args[5], CultureInfo.InvariantCulture);
        var batch = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 32;
        using var world = mode == "single" ? null : MpiWorld.Initialize();
        int rank = world?.Rank ?? 0, size = world?.Size ?? 1;

        var x = Cast(Matrix<double>.Build.Random(Examples, Inputs, 7));
        var y = Cast((Matrix<double>.Build.Random(Examples, Inputs, 8) * Matrix<double>.Build.Random(Inputs, Outputs, 9)) + 0.5);
        var parameters = ParamSet.Of(
            Param.Of("w", Cast(Matrix<double>.Build.Random(Inputs, Outputs, 10) * 0.1)),
            new Param<T>("b", Matrix<T>.Build.Dense(Outputs, 1), 1));

        // The loss terms l1 * sum|w| and l2 * sum(w^2) are added to the gradient as the trainer adds them (Mlp.AddPenalties):
        // on rank 0 only, before the sum over ranks, so they count once; per-rank-penalty adds them on every rank (the bug).
        var (l1, l2) = optimizerName switch { "l1" => (0.05, 0.0), "l2" => (0.0, 0.05), _ => (0.0, 0.0) };
        var transform = optimizerName switch
        {
            "sgd" => Optimizers.Sgd(0.05, momentum: 0.9, weightDecay: 0.2),
            "adam" => Optimizers.Adam(0.02, weightDecay: 0.1),
            "adamw" => Optimizers.AdamW(0.02, weightDecay: 0.5),
            "l1" or "l2" => Optimizers.Sgd(0.05),
            "proximal" => Optimizers.WithProximalL1(Optimizers.Sgd(0.05), 0.5),
            _ => throw new ArgumentException($"unknown optimizer '{optimizerName}'"),
        };

        Optimizer<T>? replicated = mode == "zero" ? null : Optimizer.Create(transform, parameters);
        var zero = mode == "zero" ? new ShardedOptimizer<T>(world!, transform, parameters) : null;
        var reducer = world is not null && zero is null ? new GradientReducer<T>(world, parameters) : null;
        var gradients = ParamSet.ZerosLike(parameters);
        var losses = new List<double>();
        var order = Enumerable.Range(0, Examples).ToArray();
        var step = 0;
        for (var epoch = 0; step < steps; epoch++)
        {
            // The same shuffled order on every rank: a seeded Fisher-Yates per epoch.
            var random = new Random(1000 + epoch);
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            for (var start = 0; start < Examples && step < steps; start += batch, step++)
            {
                var global = Math.Min(batch, Examples - start);
                // Rank r takes examples [r * B / N, (r + 1) * B / N) of the global batch.
                var lo = start + (rank * global / size);
                var hi = start + ((rank + 1) * global / size);
                var localLoss = Backward(x, y, parameters, gradients, order[lo..hi], global);
                if (rank == 0 || mode == "per-rank-penalty")
                {
                    localLoss += AddPenalties(parameters, gradients, l1, l2);
                }

                var lossBuffer = new[] { localLoss };
                world?.AllReduce<double>(lossBuffer, MpiOp.Sum);
                losses.Add(lossBuffer[0]);
                if (zero is not null)
                {
                    zero.Step(gradients);
                }
                else
                {
                    reducer?.SumInPlace(gradients);
                    replicated!.Step(gradients);
                }
            }
        }

        var stateElements = zero is not null ? zero.StateElements : ShardedOptimizer<T>.CountStateElements(replicated!.State);
        var text = new StringBuilder();
        foreach (var p in parameters)
        {
            foreach (var v in p.Value.AsColumnMajorArray())
            {
                text.Append(CultureInfo.InvariantCulture, $"{p.Name} {v.ToString("R", CultureInfo.InvariantCulture)} {Bits(v)}\n");
            }
        }

        File.WriteAllText($"{output}.rank{rank}", text + $"state-elements {stateElements}\n");
        if (rank == 0)
        {
            File.WriteAllText(output, string.Concat(losses.Select(l => $"loss {l.ToString("R", CultureInfo.InvariantCulture)}\n")) + text);
        }

        return 0;
    }

    /// <summary>Writes the gradient of <c>(1/global) * sum over rows of |x W + b - y|^2</c> for the given rows; returns that partial loss.</summary>
    private static double Backward(Matrix<T> x, Matrix<T> y, ParamSet<T> parameters, ParamSet<T> gradients, int[] rows, int global)
    {
        var w = parameters["w"].Value;
        var b = parameters["b"].Value;
        var gw = gradients["w"].Value;
        var gb = gradients["b"].Value;
        gw.Clear();
        gb.Clear();
        if (rows.Length == 0)
        {
            return 0;
        }

        var xs = Matrix<T>.Build.DenseOfRowVectors(rows.Select(x.Row));
        var ys = Matrix<T>.Build.DenseOfRowVectors(rows.Select(y.Row));
        var residual = (xs * w) - ys;
        for (var r = 0; r < residual.RowCount; r++)
        {
            residual.SetRow(r, residual.Row(r) + b.Column(0));
        }

        var scale = Scalar(2.0 / global);
        xs.TransposeThisAndMultiply(residual).Multiply(scale, gw);
        var ones = Matrix<T>.Build.Dense(residual.RowCount, 1, Scalar(1));
        residual.TransposeThisAndMultiply(ones).Multiply(scale, gb);
        var loss = 0.0;
        foreach (var v in residual.AsColumnMajorArray())
        {
            var d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
            loss += d * d;
        }

        return loss / global;
    }

    /// <summary>Adds the gradients of <c>l1 * sum|w| + l2 * sum(w^2)</c> (subgradient sign(0) = 0) and returns the terms' value.</summary>
    private static double AddPenalties(ParamSet<T> parameters, ParamSet<T> gradients, double l1, double l2)
    {
        var value = 0.0;
        if (l1 == 0 && l2 == 0)
        {
            return value;
        }

        foreach (var p in parameters)
        {
            var w = p.Value;
            var g = gradients[p.Name].Value;
            g.Add(w.PointwiseSign() * Scalar(l1), g);
            g.Add(w * Scalar(2 * l2), g);
            foreach (var v in w.AsColumnMajorArray())
            {
                var d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                value += (l1 * Math.Abs(d)) + (l2 * d * d);
            }
        }

        return value;
    }

    private static T Scalar(double value) => (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);

    private static Matrix<T> Cast(Matrix<double> m) =>
        typeof(T) == typeof(double) ? (Matrix<T>)(object)m : (Matrix<T>)(object)m.Map(v => (float)v);

    private static string Bits(T v) => v switch
    {
        double d => BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        float f => BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture),
        _ => "?",
    };
}
