namespace Regularization.Training;

/// <summary>
/// The element type a run trains in: the type of the weights, gradients, activations and optimizer state. PyTorch's
/// default dtype is float32, and so is this library's (<see cref="TrainingOptions.ElementType"/>).
/// </summary>
/// <example>
/// <code>
/// var options = new TrainingOptions { ElementType = ElementType.Float64 };   // train as torch.float64
/// </code>
/// </example>
public enum ElementType
{
    /// <summary>IEEE 754 single precision (<see cref="float"/>, <c>torch.float32</c>); the default.</summary>
    Float32 = 0,

    /// <summary>IEEE 754 double precision (<see cref="double"/>, <c>torch.float64</c>).</summary>
    Float64 = 1,
}

/// <summary>Maps <see cref="ElementType"/> to and from the CLR types.</summary>
internal static class ElementTypes
{
    /// <summary>The element type of <typeparamref name="T"/> (float or double; anything else throws).</summary>
    public static ElementType Of<T>() =>
        typeof(T) == typeof(float) ? ElementType.Float32
        : typeof(T) == typeof(double) ? ElementType.Float64
        : throw new NotSupportedException($"Element type {typeof(T).Name} is not supported; models train in float (Float32) or double (Float64).");

    /// <summary>Throws <see cref="NotSupportedException"/> unless <typeparamref name="T"/> is float or double.</summary>
    public static void Check<T>() => _ = Of<T>();

    /// <summary>The lower-case name the command line and reports use: <c>float32</c> or <c>float64</c>.</summary>
    public static string Name(ElementType type) => type switch
    {
        ElementType.Float32 => "float32",
        ElementType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an element type."),
    };
}
