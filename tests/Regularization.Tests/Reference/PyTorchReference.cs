using System.Text.Json;

namespace Regularization.Tests.Reference;

/// <summary>A matrix from the reference JSON (column-major).</summary>
internal sealed record RefMatrix(int Rows, int Cols, double[] Data)
{
    public Matrix<double> ToMatrix() => Matrix<double>.Build.Dense(Rows, Cols, (double[])Data.Clone());

    public static RefMatrix Read(JsonElement e) =>
        new(e.GetProperty("rows").GetInt32(), e.GetProperty("cols").GetInt32(), e.GetProperty("data").EnumerateArray().Select(x => x.GetDouble()).ToArray());
}

/// <summary>One PyTorch step: the gradients fed, the parameters and optimizer state after.</summary>
internal sealed record RefStep(
    Dictionary<string, RefMatrix> Grads,
    Dictionary<string, RefMatrix> Params,
    Dictionary<string, Dictionary<string, RefMatrix>> State,
    Dictionary<string, double> StepCounts);

/// <summary>One PyTorch optimizer configuration and its trajectory; <see cref="StepSchedule"/> is an lr_scheduler's (step size, gamma), if any.</summary>
internal sealed record RefConfig(
    string Name, string Optimizer, JsonElement Hyper, JsonElement? Groups, (string Name, RefMatrix Value)[] Params, RefStep[] Steps, (long StepSize, double Gamma)? StepSchedule = null)
{
    public override string ToString() => Name;

    /// <summary>The parameters; a bias (a 1-D tensor in PyTorch, stored as one column) is rank 1.</summary>
    public ParamSet<double> InitialParameters() =>
        new(Params.Select(p => p.Name.EndsWith("bias", StringComparison.Ordinal) ? Param.Vector(p.Name, p.Value.ToMatrix()) : new Param<double>(p.Name, p.Value.ToMatrix())));

    public ParamSet<double> Gradients(int step) => new(Params.Select(p => new Param<double>(p.Name, Steps[step].Grads[p.Name].ToMatrix())));

    /// <summary>The optimizer this configuration describes, through <see cref="Optimizers"/>.</summary>
    public IGradientTransform Transform()
    {
        if (StepSchedule is { } schedule)
        {
            return Scheduled(Schedule.Step(Hyper.GetProperty("lr").GetDouble(), schedule.StepSize, schedule.Gamma));
        }

        if (Groups is not { } groups)
        {
            return Build(Hyper, null);
        }

        var list = new List<ParamGroup>();
        var k = 0;
        foreach (var g in groups.EnumerateArray())
        {
            var names = g.GetProperty("params").EnumerateArray().Select(x => x.GetString()!).ToArray();
            list.Add(new ParamGroup($"group{k++}", Mask.Only(names), Build(Hyper, g)));
        }

        return Optimizers.Groups(list);
    }

    /// <summary>A configuration run under PyTorch's LambdaLR, through the schedule overloads (every positional argument PyTorch's).</summary>
    private IGradientTransform Scheduled(Schedule lr)
    {
        double D(string key, double fallback) => Hyper.TryGetProperty(key, out var h) ? h.GetDouble() : fallback;
        bool B(string key) => Hyper.TryGetProperty(key, out var h) && h.GetBoolean();
        double[] Betas() => Hyper.TryGetProperty("betas", out var b) ? b.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [0.9, 0.999];
        Schedule Wd() => Schedule.Constant(D("weight_decay", 0));

        return Optimizer switch
        {
            "rmsprop" => Optimizers.RmsProp(lr, D("alpha", 0.99), D("eps", 1e-8), Wd(), D("momentum", 0), B("centered"), B("maximize")),
            "adagrad" => Optimizers.Adagrad(lr, D("lr_decay", 0), Wd(), D("initial_accumulator_value", 0), D("eps", 1e-10), B("maximize")),
            "adadelta" => Optimizers.Adadelta(lr, D("rho", 0.9), D("eps", 1e-6), Wd(), B("maximize")),
            "adamax" => Optimizers.Adamax(lr, Betas()[0], Betas()[1], D("eps", 1e-8), Wd(), B("maximize")),
            "nadam" => Optimizers.NAdam(lr, Betas()[0], Betas()[1], D("eps", 1e-8), Wd(), D("momentum_decay", 4e-3)),
            "radam" => Optimizers.RAdam(lr, Betas()[0], Betas()[1], D("eps", 1e-8), Wd()),
            "asgd" => Optimizers.Asgd(lr, D("lambd", 1e-4), D("alpha", 0.75), D("t0", 1e6), Wd(), B("maximize")),
            _ => throw new InvalidOperationException(Optimizer),
        };
    }

    private IGradientTransform Build(JsonElement hyper, JsonElement? overrides)
    {
        double D(string key, double fallback)
        {
            if (overrides is { } o && o.TryGetProperty(key, out var v))
            {
                return v.GetDouble();
            }

            return hyper.TryGetProperty(key, out var h) ? h.GetDouble() : fallback;
        }

        bool B(string key) => hyper.TryGetProperty(key, out var h) && h.GetBoolean();
        double[] Pair(string key, double first, double second) =>
            hyper.TryGetProperty(key, out var b) ? b.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [first, second];
        double[] Betas() => Pair("betas", 0.9, 0.999);

        return Optimizer switch
        {
            "sgd" => Optimizers.Sgd(D("lr", double.NaN), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize")),
            "adam" => Optimizers.Adam(D("lr", 1e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 0), B("amsgrad"), B("maximize")),
            "adamw" => Optimizers.AdamW(D("lr", 1e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 1e-2), B("amsgrad"), B("maximize")),
            "rmsprop" => Optimizers.RmsProp(D("lr", 1e-2), D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0), B("centered"), B("maximize")),
            "adagrad" => Optimizers.Adagrad(D("lr", 1e-2), D("lr_decay", 0), D("weight_decay", 0), D("initial_accumulator_value", 0), D("eps", 1e-10), B("maximize")),
            "adamax" => Optimizers.Adamax(D("lr", 2e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 0), B("maximize")),
            "nadam" => Optimizers.NAdam(D("lr", 2e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 0), D("momentum_decay", 4e-3)),
            "radam" => Optimizers.RAdam(D("lr", 1e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 0)),
            "nadamw" => Optimizers.NAdamW(D("lr", 2e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 1e-2), D("momentum_decay", 4e-3)),
            "radamw" => Optimizers.RAdamW(D("lr", 1e-3), Betas()[0], Betas()[1], D("eps", 1e-8), D("weight_decay", 1e-2)),
            "adadelta" => Optimizers.Adadelta(D("lr", 1.0), D("rho", 0.9), D("eps", 1e-6), D("weight_decay", 0), B("maximize")),
            "asgd" => Optimizers.Asgd(D("lr", 1e-2), D("lambd", 1e-4), D("alpha", 0.75), D("t0", 1e6), D("weight_decay", 0), B("maximize")),
            "rprop" => Optimizers.Rprop(
                D("lr", 1e-2), Pair("etas", 0.5, 1.2)[0], Pair("etas", 0.5, 1.2)[1], Pair("step_sizes", 1e-6, 50)[0], Pair("step_sizes", 1e-6, 50)[1], B("maximize")),
            "lion" => Optimizers.Lion(D("lr", 1e-4), Pair("betas", 0.9, 0.99)[0], Pair("betas", 0.9, 0.99)[1], D("weight_decay", 0)),
            "lamb" => Optimizers.Lamb(
                Schedule.Constant(D("lr", 1e-3)), Betas()[0], Betas()[1], D("eps", 1e-6), Schedule.Constant(D("weight_decay", 0)),
                biasCorrection: false, maxWeightNorm: 10, trustRatioMask: B("adam") ? Mask.None : null),
            "lars" => Optimizers.Lars(
                Schedule.Constant(D("lr", double.NaN)), Schedule.Constant(D("weight_decay", 0)), D("momentum", 0.9), D("eta", 1e-3),
                decayMask: B("weight_decay_filter") ? Mask.ExcludeVectors : null, trustRatioMask: B("lars_adaptation_filter") ? Mask.ExcludeVectors : null),
            _ => throw new InvalidOperationException(Optimizer),
        };
    }
}

/// <summary>Loads the JSON written by generate_pytorch.py.</summary>
internal static class PyTorchReference
{
    private static readonly Lazy<RefConfig[]> Configs = new(LoadOptimizers);

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Reference", file);

    public static RefConfig[] Optimizers => Configs.Value;

    public static IEnumerable<object[]> ConfigNames() => Optimizers.Select(c => new object[] { c.Name });

    public static RefConfig Get(string name) => Optimizers.Single(c => c.Name == name);

    private static readonly Lazy<RefConfig[]> Configs32 = new(() => LoadOptimizers("optimizers_float32.json"));

    /// <summary>The same configurations run by PyTorch in float32 (optimizers_float32.json).</summary>
    public static RefConfig[] Optimizers32 => Configs32.Value;

    private static RefConfig[] LoadOptimizers() => LoadOptimizers("optimizers.json");

    private static readonly Lazy<RefConfig[]> FamilyConfigs = new(() => LoadOptimizers("family.json"));

    private static readonly Lazy<RefConfig[]> FamilyConfigs32 = new(() => LoadOptimizers("family_float32.json"));

    /// <summary>RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta, ASGD and Rprop in float64 (family.json).</summary>
    public static RefConfig[] Family => FamilyConfigs.Value;

    /// <summary>The same configurations in float32 (family_float32.json).</summary>
    public static RefConfig[] Family32 => FamilyConfigs32.Value;

    private static readonly Lazy<RefConfig[]> PaperConfigs = new(() => LoadOptimizers("papers.json"));

    private static readonly Lazy<RefConfig[]> PaperConfigs32 = new(() => LoadOptimizers("papers_float32.json"));

    /// <summary>Lion, LAMB and LARS run by their papers' reference code, float64 (papers.json, generate_papers.py).</summary>
    public static RefConfig[] Papers => PaperConfigs.Value;

    /// <summary>The same configurations in float32 (papers_float32.json).</summary>
    public static RefConfig[] Papers32 => PaperConfigs32.Value;

    private static readonly Lazy<RefConfig[]> ScheduleConfigs = new(() => LoadOptimizers("family_schedules.json"));

    /// <summary>The PyTorch family under LambdaLR(lr * 0.5^(t // 3)), float64 (family_schedules.json).</summary>
    public static RefConfig[] FamilySchedules => ScheduleConfigs.Value;

    private static RefConfig[] LoadOptimizers(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
        return doc.RootElement.GetProperty("configs").EnumerateArray().Select(ReadConfig).ToArray();
    }

    private static RefConfig ReadConfig(JsonElement c)
    {
        var ps = c.GetProperty("params").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString()!, RefMatrix.Read(p)))
            .ToArray();
        var steps = c.GetProperty("steps").EnumerateArray().Select(s =>
        {
            var grads = s.GetProperty("grads").EnumerateObject().ToDictionary(o => o.Name, o => RefMatrix.Read(o.Value));
            var pars = s.GetProperty("params").EnumerateObject().ToDictionary(o => o.Name, o => RefMatrix.Read(o.Value));
            var state = new Dictionary<string, Dictionary<string, RefMatrix>>();
            var counts = new Dictionary<string, double>();
            foreach (var o in s.GetProperty("state").EnumerateObject())
            {
                state[o.Name] = o.Value.EnumerateObject().Where(x => x.Name != "step").ToDictionary(x => x.Name, x => RefMatrix.Read(x.Value));
                if (o.Value.TryGetProperty("step", out var st))
                {
                    counts[o.Name] = st.GetDouble();
                }
            }

            return new RefStep(grads, pars, state, counts);
        }).ToArray();
        var groups = c.GetProperty("groups").ValueKind == JsonValueKind.Null ? (JsonElement?)null : c.GetProperty("groups").Clone();
        (long, double)? schedule = c.TryGetProperty("schedule", out var sc)
            ? (sc.GetProperty("step_size").GetInt64(), sc.GetProperty("gamma").GetDouble())
            : null;
        return new RefConfig(c.GetProperty("name").GetString()!, c.GetProperty("optimizer").GetString()!, c.GetProperty("hyper").Clone(), groups, ps, steps, schedule);
    }
}
