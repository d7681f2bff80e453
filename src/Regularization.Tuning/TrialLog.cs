using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Regularization.Tuning;

/// <summary>One finished evaluation: a configuration trained on one split to one budget, and its validation score.</summary>
/// <param name="Trial">The configuration's index in the search (0-based).</param>
/// <param name="Budget">The budget it was trained to (epochs for the MLP).</param>
/// <param name="Fold">The split (0-based).</param>
/// <param name="Parameters">The configuration.</param>
/// <param name="Score">The validation score (higher is better).</param>
public sealed record TrialEvaluation(int Trial, int Budget, int Fold, IReadOnlyDictionary<string, double> Parameters, double Score);

/// <summary>A trial log cannot be read, or was written by another search.</summary>
public sealed class TrialLogException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialLogException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public TrialLogException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The cause.</param>
    public TrialLogException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The finished evaluations of a search, so that a search stopped by a crash or Ctrl+C continues without re-running
/// them (<see cref="TuningOptions.Log"/>): the tuner records every evaluation as it finishes and reuses a recorded one
/// instead of running it. A resumed search gives exactly the result of an uninterrupted one, because every strategy is
/// deterministic given the seed and the scores, and scores are stored so that they read back bit for bit.
/// </summary>
/// <remarks>
/// <see cref="Settings"/> are the caller's description of the search (strategy, ranges, folds, seed, model options):
/// compare them before resuming (<see cref="SettingsDifferences"/>). Adding is thread-safe; the JSON lists
/// evaluations in (trial, budget, fold) order, so the same search writes the same file.
/// </remarks>
public sealed class TrialLog
{
    /// <summary>The format name in the JSON (<c>"Format"</c>).</summary>
    public const string FormatName = "regularization-tune-log";

    /// <summary>The format version in the JSON (<c>"Version"</c>).</summary>
    public const int FormatVersion = 1;

    private readonly Dictionary<(int Trial, int Budget, int Fold), TrialEvaluation> _entries = new();
    private readonly Lock _gate = new();

    /// <summary>Creates an empty log.</summary>
    /// <param name="settings">The search's settings (copied); null for none.</param>
    public TrialLog(IReadOnlyDictionary<string, string>? settings = null)
    {
        Settings = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(settings ?? new Dictionary<string, string>(), StringComparer.Ordinal));
    }

    /// <summary>The search's settings, as given.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The number of evaluations recorded.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The evaluations in (trial, budget, fold) order.</summary>
    public IReadOnlyList<TrialEvaluation> Evaluations
    {
        get
        {
            lock (_gate)
            {
                return _entries.OrderBy(e => e.Key).Select(e => e.Value).ToList();
            }
        }
    }

    /// <summary>Reads a log written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The log.</returns>
    /// <exception cref="TrialLogException">The text is not a trial log, or holds an impossible entry (the message says which).</exception>
    public static TrialLog FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new TrialLogException("it is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new TrialLogException($"it is not valid JSON ({e.Message}).", e);
        }

        try
        {
            if ((string?)root["Format"] != FormatName)
            {
                throw new TrialLogException($"it is not a trial log (Format is not \"{FormatName}\").");
            }

            if ((int?)root["Version"] != FormatVersion)
            {
                throw new TrialLogException($"it has version {root["Version"]?.ToJsonString() ?? "none"}; this program reads version {FormatVersion}.");
            }

            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in root["Settings"] as JsonObject ?? throw new TrialLogException("it has no Settings object."))
            {
                settings[key] = (string?)value ?? throw new TrialLogException($"the setting {key} is not a string.");
            }

            var log = new TrialLog(settings);
            var index = 0;
            foreach (var node in root["Evaluations"] as JsonArray ?? throw new TrialLogException("it has no Evaluations array."))
            {
                var entry = node as JsonObject ?? throw new TrialLogException($"evaluation {index} is not an object.");
                var trial = (int?)entry["Trial"] ?? -1;
                var budget = (int?)entry["Budget"] ?? -1;
                var fold = (int?)entry["Fold"] ?? -1;
                var score = (double?)entry["Score"] ?? double.NaN;
                if (trial < 0 || budget < 1 || fold < 0 || !double.IsFinite(score))
                {
                    throw new TrialLogException($"evaluation {index} needs Trial >= 0, Budget >= 1, Fold >= 0 and a finite Score.");
                }

                var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (name, value) in entry["Parameters"] as JsonObject ?? throw new TrialLogException($"evaluation {index} has no Parameters object."))
                {
                    var x = (double?)value ?? double.NaN;
                    if (!double.IsFinite(x))
                    {
                        throw new TrialLogException($"evaluation {index}: the parameter {name} is not a finite number.");
                    }

                    parameters[name] = x;
                }

                if (!log.TryAdd(new TrialEvaluation(trial, budget, fold, parameters.AsReadOnly(), score)))
                {
                    throw new TrialLogException($"evaluation {index} repeats trial {trial}, budget {budget}, fold {fold}.");
                }

                index++;
            }

            return log;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new TrialLogException($"a field has the wrong type ({e.Message}).", e);
        }
    }

    /// <summary>The settings that differ between this log and <paramref name="settings"/>, as <c>name: logged, not given</c>.</summary>
    /// <param name="settings">The settings of the search that wants to resume.</param>
    /// <returns>One line per difference; empty when they agree.</returns>
    public IReadOnlyList<string> SettingsDifferences(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var names = Settings.Keys.Union(settings.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var a = Settings.GetValueOrDefault(name, "(none)");
            var b = settings.GetValueOrDefault(name, "(none)");
            if (a != b)
            {
                result.Add($"{name} {a}, not {b}");
            }
        }

        return result;
    }

    /// <summary>The recorded evaluation for (trial, budget, fold), if any.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="budget">The budget.</param>
    /// <param name="fold">The fold.</param>
    /// <param name="evaluation">The evaluation, or null.</param>
    /// <returns>True when recorded.</returns>
    public bool TryGet(int trial, int budget, int fold, out TrialEvaluation? evaluation)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((trial, budget, fold), out evaluation);
        }
    }

    /// <summary>Records an evaluation unless one with the same (trial, budget, fold) is recorded.</summary>
    /// <param name="evaluation">The evaluation.</param>
    /// <returns>True when added.</returns>
    public bool TryAdd(TrialEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        lock (_gate)
        {
            return _entries.TryAdd((evaluation.Trial, evaluation.Budget, evaluation.Fold), evaluation);
        }
    }

    /// <summary>The log as indented JSON: <c>Format</c>, <c>Version</c>, <c>Settings</c>, <c>Evaluations</c> (scores round-trip exactly).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var settings = new JsonObject();
        foreach (var (key, value) in Settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            settings[key] = value;
        }

        var evaluations = new JsonArray();
        foreach (var e in Evaluations)
        {
            var parameters = new JsonObject();
            foreach (var (name, value) in e.Parameters)
            {
                parameters[name] = value;
            }

            evaluations.Add(new JsonObject
            {
                ["Trial"] = e.Trial,
                ["Budget"] = e.Budget,
                ["Fold"] = e.Fold,
                ["Parameters"] = parameters,
                ["Score"] = e.Score,
            });
        }

        var root = new JsonObject
        {
            ["Format"] = FormatName,
            ["Version"] = FormatVersion,
            ["Settings"] = settings,
            ["Evaluations"] = evaluations,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    /// <summary>For example <c>TrialLog[12 evaluations]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TrialLog[{Count} evaluations]");
}
