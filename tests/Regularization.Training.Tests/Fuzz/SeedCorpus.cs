namespace Regularization.Training.Tests.Fuzz;

/// <summary>
/// The fuzz seed corpus (committed in <c>Fuzz/Corpus</c>): small valid IDX files, raw and gzip, and checkpoints of a
/// 4-3-10 network on 20 images of 2x2 pixels for every optimizer family, between epochs and within one.
/// </summary>
internal static class SeedCorpus
{
    /// <summary>The data the checkpoint seeds were trained on (deterministic).</summary>
    public static (ImageSet Train, ImageSet Test) Data()
    {
        var random = new Random(7);
        var pixels = new byte[26 * 4];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, 26).Select(i => (byte)(i % 10)).ToArray();
        var all = new ImageSet(pixels, labels, 2, 2);
        return (all.Slice(0, 20), all.Slice(20, 6));
    }

    /// <summary>Writes the corpus into <paramref name="directory"/> (<c>idx/</c> and <c>checkpoint/</c>).</summary>
    public static void Write(string directory)
    {
        var idx = Path.Combine(directory, "idx");
        var checkpoints = Path.Combine(directory, "checkpoint");
        Directory.CreateDirectory(idx);
        Directory.CreateDirectory(checkpoints);

        var images = IdxBytes.Images(3, 4, 4, Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray());
        var labels = IdxBytes.Labels(0, 1, 2, 9, 5);
        var files = new Dictionary<string, byte[]>
        {
            ["images-3x4x4.idx"] = images,
            ["images-3x4x4.idx.gz"] = IdxBytes.Gzip(images),
            ["images-1x1x1.idx"] = IdxBytes.Images(1, 1, 1, [200]),
            ["images-0x2x3.idx.gz"] = IdxBytes.Gzip(IdxBytes.Images(0, 2, 3, [])),
            ["labels-5.idx"] = labels,
            ["labels-5.idx.gz"] = IdxBytes.Gzip(labels),
            ["labels-0.idx"] = IdxBytes.Labels(),
        };
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(idx, name), bytes);
        }

        var (train, test) = Data();
        var configs = new Dictionary<string, (TrainingOptions Options, int Batches)>
        {
            ["sgd-epoch1"] = (new TrainingOptions(elementType: ElementType.Float64, layerSizes: [4, 3, 10], epochs: 3, batchSize: 8), 3),
            ["sgd-nesterov-mid-epoch"] = (new TrainingOptions(elementType: ElementType.Float64, layerSizes: [4, 3, 10], epochs: 3, batchSize: 8, momentum: 0.9, nesterov: true, l2: 1e-3), 4),
            ["adam-mid-epoch"] = (new TrainingOptions(elementType: ElementType.Float64, layerSizes: [4, 3, 10], epochs: 2, batchSize: 8, optimizer: OptimizerKind.Adam, learningRate: 1e-3, l1: 1e-4), 5),
            ["adamw-exclude-biases-proximal-done"] = (new TrainingOptions(elementType: ElementType.Float64, layerSizes: [4, 3, 10], epochs: 2, batchSize: 6, optimizer: OptimizerKind.AdamW, learningRate: 1e-3, weightDecay: 0.01, proximalL1: 1e-3, excludeBiases: true), 8),
            ["sgdw-fresh"] = (new TrainingOptions(elementType: ElementType.Float64, layerSizes: [4, 3, 10], epochs: 2, batchSize: 7, optimizer: OptimizerKind.SgdW, momentum: 0.5, dampening: 0.1, weightDecay: 0.01), 0),
            ["adamw-float32-mid-epoch"] = (new TrainingOptions(layerSizes: [4, 3, 10], epochs: 2, batchSize: 8, optimizer: OptimizerKind.AdamW, learningRate: 1e-3, weightDecay: 0.01), 5),
        };
        foreach (var (name, (options, batches)) in configs)
        {
            var trainer = Trainer.Create(options, train, test);
            for (var b = 0; b < batches; b++)
            {
                if (trainer.BatchInEpoch == trainer.BatchesPerEpoch - 1)
                {
                    trainer.RunEpoch();
                }
                else
                {
                    trainer.TrainBatch();
                }
            }

            trainer.SaveCheckpoint(Path.Combine(checkpoints, name + ".ckpt"));
        }
    }

    /// <summary>A copy of <paramref name="c"/> with one field set to an interesting value (for the structure-aware fuzzing).</summary>
    public static Checkpoint MutateField(Checkpoint c, Random random)
    {
        double[] doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, -0.0, 0, 1e308, double.Epsilon, 101, 50];
        long[] longs = [0, 1, -1, 2, long.MaxValue, long.MinValue, int.MaxValue, int.MaxValue + 1L, c.Step + 1, c.Step - 1];
        var d = doubles[random.Next(doubles.Length)];
        var l = longs[random.Next(longs.Length)];
        var n = (int)Math.Clamp(l, int.MinValue, int.MaxValue);
        switch (random.Next(14))
        {
            case 0: return c with { Step = l };
            case 1: return c with { CompletedEpochs = n };
            case 2: return c with { BatchInEpoch = n };
            case 3: return c with { EpochLossSum = d };
            case 4: return c with { EpochCorrect = l };
            case 5: return c with { EpochSeen = l };
            case 6: return c with { TrainingSeconds = d };
            case 7: return c with { EpochTrainingSeconds = d };
            case 8: return c with { TrainCount = n };
            case 9 when c.History.Count > 0:
                {
                    var history = c.History.ToList();
                    var k = random.Next(history.Count);
                    history[k] = random.Next(6) switch
                    {
                        0 => history[k] with { AverageLoss = d },
                        1 => history[k] with { TestLoss = d },
                        2 => history[k] with { TrainAccuracyPercent = d },
                        3 => history[k] with { TestAccuracyPercent = d },
                        4 => history[k] with { TrainingSeconds = d },
                        _ => history[k] with { Steps = l },
                    };
                    return c with { History = history };
                }

            case 10:
                {
                    if (c is Checkpoint<float> single)
                    {
                        var floats = single.Parameters.Copy();
                        var q = floats[random.Next(floats.Count)];
                        q.Value.AsColumnMajorArray()[random.Next(q.Count)] = (float)d;
                        return single with { Parameters = floats };
                    }

                    var typed = (Checkpoint<double>)c;
                    var parameters = typed.Parameters.Copy();
                    var p = parameters[random.Next(parameters.Count)];
                    p.Value.AsColumnMajorArray()[random.Next(p.Count)] = d;
                    return typed with { Parameters = parameters };
                }

            case 11: return c with { OptimizerState = MutateState(c.OptimizerState, random, d, l) };
            case 12: return c with { Options = c.Options with { Epochs = n } };
            default: return c with { Options = c.Options with { BatchSize = n, LearningRate = random.Next(2) == 0 ? d : c.Options.LearningRate } };
        }
    }

    private static TransformState MutateState(TransformState state, Random random, double d, long l)
    {
        ParamSet<double> Poke(ParamSet<double> set)
        {
            if (set.Count == 0)
            {
                return set;
            }

            var copy = set.Copy();
            var p = copy[random.Next(copy.Count)];
            p.Value.AsColumnMajorArray()[random.Next(p.Count)] = d;
            return copy;
        }

        var count = Math.Max(0, l);
        return state switch
        {
            SlotState<double> slots when slots.Slots.Count == 0 || random.Next(2) == 0 => slots.WithCount(count),
            SlotState<double> slots => new SlotState<double>(slots.Count, [.. slots.SlotNames], slots.Slots.Select((set, j) => j == random.Next(slots.Slots.Count) ? Poke(set) : set).ToArray()),
            ChainState ch when ch.Inner.Count > 0 => new ChainState(ch.Inner.Select((s, i) => i == random.Next(ch.Inner.Count) ? MutateState(s, random, d, l) : s).ToArray()),
            PartitionState p when p.Groups.Count > 0 => new PartitionState(p.Groups.Select(s => MutateState(s, random, d, l)).ToArray()),
            NonFiniteState g => random.Next(3) == 0 ? new NonFiniteState(g.Inner, count, count, count) : new NonFiniteState(MutateState(g.Inner, random, d, l), g.SkippedSteps, g.ZeroedEntries, g.ZeroedSteps),
            _ => state,
        };
    }
}
