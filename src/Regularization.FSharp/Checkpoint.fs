namespace Regularization.FSharp

open System.IO
open Regularization

/// <summary>
/// Checkpoints of optimizer states as bytes, through the core's <see cref="T:Regularization.StateCodec"/> (format
/// <c>RGSTATE1</c>, element type, then each transform's own payload; float32 slots stored as 4-byte floats). Loading
/// checks the bytes against the transform and the parameters; resuming from a loaded state gives the bits of an
/// uninterrupted run.
/// </summary>
/// <example>
/// <code lang="fsharp">
/// let bytes = state |> Checkpoint.save adamw parameters
/// let again = bytes |> Checkpoint.load adamw parameters
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Checkpoint =

    /// <summary>Encodes a state of <paramref name="transform"/> over <paramref name="parameters"/>.</summary>
    /// <param name="transform">The optimizer the state belongs to.</param>
    /// <param name="parameters">The parameters (for the element type and layout).</param>
    /// <param name="state">The state.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="T:System.ArgumentException">The state is not this transform's.</exception>
    /// <example><code lang="fsharp">File.WriteAllBytes("opt.state", Checkpoint.save adamw parameters state)</code></example>
    let save (transform: IGradientTransform) (parameters: ParamSet<'T>) (state: TransformState) : byte[] =
        StateCodec.Encode(transform, state, parameters)

    /// <summary>Decodes what <c>save</c> wrote; throws on bytes that are not a state of this transform for these parameters.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The parameters the state belongs to (names, shapes and element type are checked).</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="T:System.IO.InvalidDataException">The bytes are malformed, truncated, of the other element type or of another transform.</exception>
    /// <example><code lang="fsharp">let state = File.ReadAllBytes "opt.state" |> Checkpoint.load adamw parameters</code></example>
    let load (transform: IGradientTransform) (parameters: ParamSet<'T>) (bytes: byte[]) : TransformState =
        StateCodec.Decode(transform, bytes, parameters)

    /// <summary>Decodes what <c>save</c> wrote: <c>Ok state</c>, or <c>Error message</c> when the bytes do not fit.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The parameters the state belongs to.</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The state or the reason it could not be read.</returns>
    /// <example>
    /// <code lang="fsharp">
    /// match Checkpoint.tryLoad adamw parameters bytes with
    /// | Ok state -> Optimizer.run adamw gradient 100 (parameters, state)
    /// | Error why -> failwith why
    /// </code>
    /// </example>
    let tryLoad (transform: IGradientTransform) (parameters: ParamSet<'T>) (bytes: byte[]) : Result<TransformState, string> =
        try
            Ok(StateCodec.Decode(transform, bytes, parameters))
        with :? InvalidDataException as e ->
            Error e.Message
