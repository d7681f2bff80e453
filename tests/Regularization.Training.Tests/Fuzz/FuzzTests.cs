using System.Buffers.Binary;
using System.Globalization;
using Xunit.Abstractions;

namespace Regularization.Training.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the two readers of untrusted files, <see cref="IdxReader"/> and
/// <see cref="Checkpoint.Load"/>, from the committed seed corpus in <c>Fuzz/Corpus</c>. Every input must end either
/// accepted and valid, or as the documented exception (<see cref="IdxFormatException"/>,
/// <see cref="CheckpointException"/>) naming the file; the bytes each read allocates must stay under a ceiling set by
/// the file's size (which bounds what its header may declare). A defect fails the test with the input saved for replay.
/// </summary>
/// <remarks>
/// <para>CI runs <see cref="DefaultInputs"/> inputs per reader. A soak sets the count and the seed:</para>
/// <code>
/// REGULARIZATION_FUZZ_INPUTS=20000 REGULARIZATION_FUZZ_SEED=7 dotnet test tests/Regularization.Training.Tests -c Release \
///   --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=detailed"
/// </code>
/// <para>
/// <c>REGULARIZATION_FUZZ_REPORT=FILE</c> appends one line of counts per reader to FILE.
/// <c>REGULARIZATION_FUZZ_WRITE_CORPUS=1</c> rewrites the seed corpus in the source tree (after a format change).
/// </para>
/// </remarks>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Inputs per reader when <c>REGULARIZATION_FUZZ_INPUTS</c> is not set.</summary>
    public const int DefaultInputs = 2000;

    private const int DefaultSeed = 20261202;
    private readonly string _dir = TestUtil.TempDirectory();

    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");

    private static int Inputs => int.TryParse(Environment.GetEnvironmentVariable("REGULARIZATION_FUZZ_INPUTS"), out var n) && n > 0 ? n : DefaultInputs;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("REGULARIZATION_FUZZ_SEED"), out var s) ? s : DefaultSeed;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_seed_corpus_is_current_and_every_seed_is_accepted()
    {
        if (Environment.GetEnvironmentVariable("REGULARIZATION_FUZZ_WRITE_CORPUS") == "1")
        {
            SeedCorpus.Write(Path.Combine(TestUtil.SourceDirectory(), "Corpus")); // this file is in Fuzz/
        }

        var idx = Directory.GetFiles(Path.Combine(CorpusDirectory, "idx"));
        var checkpoints = Directory.GetFiles(Path.Combine(CorpusDirectory, "checkpoint"));
        Assert.True(idx.Length >= 6 && checkpoints.Length >= 5, $"{idx.Length} IDX and {checkpoints.Length} checkpoint seeds");
        foreach (var file in idx)
        {
            if (Path.GetFileName(file).StartsWith("images", StringComparison.Ordinal))
            {
                var images = IdxReader.ReadImages(file);
                Assert.Equal((long)images.Count * images.Rows * images.Columns, images.Pixels.Length);
            }
            else
            {
                IdxReader.ReadLabels(file);
            }
        }

        foreach (var file in checkpoints)
        {
            var checkpoint = Checkpoint.Load(file);
            var (train, test) = SeedCorpus.Data();
            var trainer = Trainer.Resume(checkpoint, train, test);
            trainer.Run();
        }
    }

    [Fact]
    public void Idx_reader_survives_mutated_files()
    {
        var seeds = Directory.GetFiles(Path.Combine(CorpusDirectory, "idx")).Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToList();
        var raw = seeds.Select(s => s.Name.EndsWith(".gz", StringComparison.Ordinal) ? IdxBytes.Gunzip(s.Bytes) : s.Bytes).ToList();
        var mutator = new Mutator(Seed);
        var random = mutator.Random;
        var tally = new Tally("IDX reader", Inputs, Seed);
        for (var i = 0; i < Inputs; i++)
        {
            var s = random.Next(seeds.Count);
            var (name, bytes) = seeds[s];
            var gz = name.EndsWith(".gz", StringComparison.Ordinal);
            byte[] input;
            switch (random.Next(gz ? 3 : 5))
            {
                case 0 when gz: // the compressed bytes
                    input = mutator.Mutate(bytes, seeds.Select(x => x.Bytes).ToList(), bigEndian: true);
                    break;
                case 1 when gz: // the content, recompressed (a valid gzip around a mutated IDX), sometimes with a lying trailer
                    input = IdxBytes.Gzip(mutator.Mutate(raw[s], raw, bigEndian: true));
                    if (random.Next(4) == 0 && input.Length >= 4) // (GZipStream writes nothing at all for empty content)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(input.Length - 4), (uint)random.Next() << random.Next(2));
                    }

                    break;
                case 4: // a raw seed, mutated, then compressed
                    input = IdxBytes.Gzip(mutator.Mutate(bytes, raw, bigEndian: true));
                    gz = true;
                    break;
                default:
                    input = gz ? IdxBytes.Gzip(mutator.Mutate(raw[s], raw, bigEndian: true)) : mutator.Mutate(bytes, raw, bigEndian: true);
                    break;
            }

            var path = Path.Combine(_dir, $"input-{i}{(gz ? ".gz" : string.Empty)}");
            File.WriteAllBytes(path, input);
            var images = name.StartsWith("images", StringComparison.Ordinal) ^ (random.Next(10) == 0);

            // What any header in this file may make the reader allocate: deflate expands at most 1032:1.
            var ceiling = (1L << 20) + (gz ? 1100L * input.Length : 3L * input.Length);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                if (images)
                {
                    var result = IdxReader.ReadImages(path);
                    tally.Check(result.Rows >= 1 && result.Columns >= 1 && (long)result.Rows * result.Columns <= int.MaxValue, "image shape", path, input);
                    tally.Check(result.Pixels.Length == (long)result.Count * result.Rows * result.Columns, "pixel count", path, input);
                }
                else
                {
                    var labels = IdxReader.ReadLabels(path);
                    tally.Check(labels.Length <= (gz ? 1032L * input.Length : input.Length), "label count", path, input);
                }

                tally.Accepted();
            }
            catch (IdxFormatException e) when (e.FilePath == path && e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
            {
                tally.Rejected(e.Problem);
            }
            catch (Exception e)
            {
                tally.Defect($"{e.GetType().Name}: {e.Message}", path, input);
            }

            tally.Allocated(GC.GetAllocatedBytesForCurrentThread() - before, ceiling, path, input);
            File.Delete(path);
        }

        tally.Finish(output);
    }

    [Fact]
    public void Checkpoint_reader_survives_mutated_files()
    {
        var seeds = Directory.GetFiles(Path.Combine(CorpusDirectory, "checkpoint")).Select(File.ReadAllBytes).ToList();
        var decoded = Directory.GetFiles(Path.Combine(CorpusDirectory, "checkpoint")).Select(Checkpoint.Load).ToList();
        var (train, test) = SeedCorpus.Data();
        var mutator = new Mutator(Seed + 1);
        var random = mutator.Random;
        var tally = new Tally("checkpoint reader", Inputs, Seed + 1);
        for (var i = 0; i < Inputs; i++)
        {
            var s = random.Next(seeds.Count);
            var path = Path.Combine(_dir, $"input-{i}.ckpt");
            byte[] input;
            if (random.Next(4) == 0)
            {
                // Structure-aware: one field of a real checkpoint set to an interesting value, written by the real encoder.
                // The encoder writes the optimizer state through the options' optimizer, so options it cannot build (a
                // negative learning rate, say) cannot be saved: such a mutation is refused at Save, as it should be.
                try
                {
                    SeedCorpus.MutateField(decoded[s], random).Save(path);
                }
                catch (ArgumentException e)
                {
                    tally.Rejected("refused by Save: " + e.Message);
                    continue;
                }

                input = File.ReadAllBytes(path);
            }
            else
            {
                input = mutator.Mutate(seeds[s], seeds, bigEndian: false);
                if (input.Length >= Checkpoint.HeaderLength && random.Next(8) != 0)
                {
                    // Fix the length and the SHA-256, so that the content itself is tested.
                    CheckpointRobustnessTests.FixChecksum(input);
                }

                File.WriteAllBytes(path, input);
            }

            var ceiling = (1L << 20) + (8L * input.Length);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Checkpoint? loaded = null;
            try
            {
                loaded = Checkpoint.Load(path);
            }
            catch (CheckpointException e) when (e.FilePath == path && e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
            {
                tally.Rejected(e.Detail);
            }
            catch (Exception e)
            {
                tally.Defect($"Load: {e.GetType().Name}: {e.Message}", path, input);
            }

            tally.Allocated(GC.GetAllocatedBytesForCurrentThread() - before, ceiling, path, input);
            if (loaded is not null)
            {
                // Accepted means usable: it resumes (or is refused as a mismatch for this data) and trains a step.
                try
                {
                    var trainer = Trainer.Resume(loaded, train, test);
                    if (!trainer.IsComplete)
                    {
                        trainer.TrainBatch();
                    }

                    tally.Accepted();
                }
                catch (CheckpointException e) when (e.Problem == CheckpointProblem.Mismatch && e.FilePath is null)
                {
                    tally.Accepted("accepted, then refused on resume as a mismatch for this data");
                }
                catch (NonFiniteGradientException)
                {
                    tally.Accepted("accepted, then stopped by the non-finite gradient guard");
                }
                catch (Exception e)
                {
                    tally.Defect($"Resume: {e.GetType().Name}: {e.Message}", path, input);
                }
            }

            File.Delete(path);
        }

        tally.Finish(output);
    }

    /// <summary>Counts outcomes; keeps the first defects and their inputs.</summary>
    private sealed class Tally(string reader, int inputs, int seed)
    {
        private readonly List<string> _defects = [];
        private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);
        private int _accepted;
        private int _rejected;
        private int _defectCount;
        private long _maxAllocated;

        public void Accepted(string? note = null)
        {
            _accepted++;
            if (note is not null)
            {
                Reason(note);
            }
        }

        public void Rejected(string problem)
        {
            _rejected++;
            Reason(problem);
        }

        public void Check(bool condition, string what, string path, byte[] input)
        {
            if (!condition)
            {
                throw new InvalidOperationException($"accepted but invalid: {what}");
            }

            _ = path;
            _ = input;
        }

        public void Defect(string what, string path, byte[] input)
        {
            _defectCount++;
            if (_defects.Count < 10)
            {
                var keep = Path.Combine(Path.GetTempPath(), "regularization-fuzz-defects");
                Directory.CreateDirectory(keep);
                var copy = Path.Combine(keep, $"{reader.Replace(' ', '-')}-{seed}-{Path.GetFileName(path)}");
                File.WriteAllBytes(copy, input);
                _defects.Add($"{what} (input saved to {copy})");
            }
        }

        public void Allocated(long bytes, long ceiling, string path, byte[] input)
        {
            _maxAllocated = Math.Max(_maxAllocated, bytes);
            if (bytes > ceiling)
            {
                Defect($"allocated {bytes} bytes for a {input.Length}-byte file, above the ceiling of {ceiling}", path, input);
            }
        }

        public void Finish(ITestOutputHelper output)
        {
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"{reader}: seed {seed}, {inputs} inputs tried: {_rejected} rejected cleanly, {_accepted} accepted, {_defectCount} defects; largest allocation {_maxAllocated} bytes");
            foreach (var (reason, count) in _reasons.OrderByDescending(r => r.Value).Take(25))
            {
                output.WriteLine($"  {count,6}  {reason}");
            }

            var notes = _reasons.Where(r => r.Key.StartsWith("accepted", StringComparison.Ordinal)).ToList();
            var resumed = _accepted - notes.Sum(r => r.Value);
            line += notes.Count == 0
                ? string.Empty
                : $" (of the accepted: {resumed} resumed and trained a step, " + string.Join(", ", notes.Select(r => $"{r.Value} {r.Key[..Math.Min(r.Key.Length, 60)]}...")) + ")";
            output.WriteLine(line);

            if (Environment.GetEnvironmentVariable("REGULARIZATION_FUZZ_REPORT") is { Length: > 0 } report)
            {
                File.AppendAllText(report, line + Environment.NewLine);
            }

            Assert.True(_accepted + _rejected + _defectCount >= inputs, "every input is counted");
            Assert.True(_defectCount == 0, $"{line}\n{string.Join('\n', _defects)}");
        }

        private void Reason(string text)
        {
            // Group messages by their words, without the numbers.
            var key = System.Text.RegularExpressions.Regex.Replace(text, @"-?\d[\d.E+-]*", "#");
            key = key.Length > 140 ? key[..140] : key;
            _reasons[key] = _reasons.TryGetValue(key, out var n) ? n + 1 : 1;
        }
    }
}
