using System.Text;

namespace Regularization;

/// <summary>
/// A group of parameters with its own transform: PyTorch's <c>param_groups</c> entry (per-group learning rate, decay,
/// momentum...). See <see cref="Transforms.Partition"/>.
/// </summary>
public sealed record ParamGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="name">A name for messages and decay plans.</param>
    /// <param name="selector">Which parameters belong to the group (a parameter goes to the first group that includes it).</param>
    /// <param name="transform">The group's transform, for example <c>Optimizers.Sgd(0.1, weightDecay: 0)</c>.</param>
    public ParamGroup(string name, Mask selector, IGradientTransform transform)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A group name must not be empty.", nameof(name)) : name;
        Selector = selector ?? throw new ArgumentNullException(nameof(selector));
        Transform = transform ?? throw new ArgumentNullException(nameof(transform));
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>Which parameters belong to the group.</summary>
    public Mask Selector { get; }

    /// <summary>The group's transform.</summary>
    public IGradientTransform Transform { get; }
}

/// <summary>
/// Splits the parameters into groups, each updated by its own transform (Optax's <c>partition</c>, PyTorch's
/// <c>param_groups</c>). Each parameter belongs to the first group whose selector includes it; a parameter in no group
/// is an error. State: one state per group (<see cref="PartitionState"/>).
/// </summary>
public sealed record PartitionTransform : IGradientTransform
{
    private readonly ParamGroup[] _groups;

    /// <summary>Creates a partition.</summary>
    /// <param name="groups">The groups, in priority order; names must be unique.</param>
    public PartitionTransform(IEnumerable<ParamGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToArray();
        if (_groups.Length == 0)
        {
            throw new ArgumentException("A partition needs at least one group.", nameof(groups));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in _groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            if (!names.Add(g.Name))
            {
                throw new ArgumentException($"Group names must be unique: '{g.Name}' appears twice.", nameof(groups));
            }
        }
    }

    /// <summary>The groups, in priority order.</summary>
    public IReadOnlyList<ParamGroup> Groups => _groups;

    /// <summary>For each parameter, the index of its group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <exception cref="ArgumentException">A parameter belongs to no group.</exception>
    public int[] Assign(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new int[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            result[i] = Array.FindIndex(_groups, g => g.Selector.Includes(p));
            if (result[i] < 0)
            {
                throw new ArgumentException(
                    $"Parameter '{p.Name}' ({p.Shape}) belongs to no group ({string.Join(", ", _groups.Select(g => $"'{g.Name}': {g.Selector.Description}"))}). " +
                    "Add a last group with Mask.All to catch the rest.",
                    nameof(parameters));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        var assignment = Assign(parameters);
        return new PartitionState(_groups.Select((g, k) => g.Transform.Init(Subset(parameters, assignment, k))));
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        var assignment = Assign(parameters);
        var u = Internal.Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var partition = Internal.Validate.State<PartitionState>(state, this);
        if (partition.Groups.Count != _groups.Length)
        {
            throw new ArgumentException(
                $"'state' holds {partition.Groups.Count} group states but the partition has {_groups.Length} groups.", nameof(state));
        }

        var result = new Param[parameters.Count];
        var states = new TransformState[_groups.Length];
        var updateSet = new ParamSet(u);
        for (var k = 0; k < _groups.Length; k++)
        {
            var subParams = Subset(parameters, assignment, k);
            var step = _groups[k].Transform.Update(Subset(updateSet, assignment, k), partition.Groups[k], subParams);
            states[k] = step.State;
            var outputs = Internal.Validate.Aligned(subParams, $"updates returned by group '{_groups[k].Name}'", step.Updates, "parameters");
            var j = 0;
            for (var i = 0; i < result.Length; i++)
            {
                if (assignment[i] == k)
                {
                    result[i] = outputs[j++];
                }
            }
        }

        return new Step(new ParamSet(result), new PartitionState(states));
    }

    private static ParamSet Subset(ParamSet set, int[] assignment, int group) =>
        new(set.Where((_, i) => assignment[i] == group));

    /// <summary>Value equality, group by group.</summary>
    /// <param name="other">The other partition.</param>
    public bool Equals(PartitionTransform? other) => other is not null && _groups.AsSpan().SequenceEqual(other._groups);

    /// <inheritdoc />
    public override int GetHashCode() => _groups.Length;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Groups = [").Append(string.Join(", ", _groups.Select(g => g.ToString()))).Append(']');
        return true;
    }
}
