using System.Diagnostics.Contracts;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Regularization.Properties;

/// <summary>Design rules of the library, checked by reflection over its assembly.</summary>
public sealed class DesignRules
{
    private static readonly Assembly Library = typeof(ParamSet<double>).Assembly;

    private static IEnumerable<Type> PublicTypes => Library.GetExportedTypes();

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null;

    private static bool IsCompilerGenerated(MemberInfo m) => m.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;

    [Fact]
    public void PublicRecordsAreSealedOrAbstract()
    {
        var records = PublicTypes.Where(IsRecord).ToList();
        Assert.True(records.Count > 20, $"{records.Count} public records");
        Assert.Empty(records.Where(t => !t.IsSealed && !t.IsAbstract).Select(t => t.FullName));
    }

    [Fact]
    public void PublicTypesHaveNoPublicSetters()
    {
        var setters = PublicTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");
        Assert.Empty(setters);
    }

    [Fact]
    public void PublicTypesHaveNoPublicFields()
    {
        var fields = PublicTypes
            .Where(t => !t.IsEnum)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}");
        Assert.Empty(fields);
    }

    /// <summary>No static field in the library is mutable: transforms and penalties cannot touch mutable global state.</summary>
    [Fact]
    public void TheLibraryHasNoMutableStaticState()
    {
        var mutable = Library.GetTypes()
            .Where(t => !t.IsEnum)
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsInitOnly && !f.IsLiteral && !IsCompilerGenerated(f) && !IsCompilerGenerated(f.DeclaringType!))
            .Select(f => $"{f.DeclaringType!.FullName}.{f.Name}");
        Assert.Empty(mutable);
    }

    /// <summary>
    /// Transforms, penalties, schedules and masks are immutable: every instance field is readonly, except one listed
    /// memo: NAdam's running product <c>mu_1 * ... * mu_t</c> keeps its last value (under a lock) so that consecutive
    /// steps cost one multiplication; it is a function of the step alone, so results do not depend on it
    /// (<c>NAdamMemoTests</c> runs NAdam's steps out of order from 8 threads against the sequential bits).
    /// </summary>
    [Fact]
    public void TransformsPenaltiesSchedulesAndMasksAreImmutable()
    {
        string[] memos = ["ScaleByNAdamPrimitive._cachedStep", "ScaleByNAdamPrimitive._cachedProduct"];
        var kinds = new[] { typeof(IGradientTransform), typeof(Penalty), typeof(Schedule), typeof(Mask), typeof(TransformState) };
        var types = Library.GetTypes().Where(t => kinds.Any(k => k.IsAssignableFrom(t))).ToList();
        Assert.Contains(typeof(ScaleByAdamPrimitive), types);
        var mutable = types
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsInitOnly)
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}")
            .Except(memos);
        Assert.Empty(mutable);
    }

    /// <summary>The functional surface is marked [Pure].</summary>
    [Fact]
    public void StaticFunctionsOfTheFunctionalCoreAreMarkedPure()
    {
        var classes = new[] { typeof(Transforms), typeof(Optimizers), typeof(Penalties), typeof(Proximal), typeof(Conventions), typeof(Updates) };
        var unmarked = classes
            .SelectMany(c => c.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<PureAttribute>() is null)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Empty(unmarked);
    }

    /// <summary>
    /// No concrete transform is public (factories are the way in); every library transform is sealed and has value
    /// equality: a sealed record, or a sealed primitive whose equality is its configuration.
    /// </summary>
    [Fact]
    public void TransformsAreSealedValuesBehindFactories()
    {
        Assert.DoesNotContain(PublicTypes, t => typeof(IGradientTransform).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract);
        var transforms = typeof(IGradientTransform).Assembly.GetTypes()
            .Where(t => typeof(IGradientTransform).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract).ToList();
        Assert.True(transforms.Count >= 12);
        Assert.All(transforms, t => Assert.True(t.IsSealed && (IsRecord(t) || typeof(ElementwiseTransform).IsAssignableFrom(t)), t.Name));
        Assert.Equal(Optimizers.Sgd(0.1, momentum: 0.9), Optimizers.Sgd(0.1, momentum: 0.9));
        Assert.NotEqual(Optimizers.Sgd(0.1, momentum: 0.9), Optimizers.Sgd(0.1, momentum: 0.8));
    }
}
