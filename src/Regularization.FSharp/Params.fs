namespace Regularization.FSharp

open System
open MathNet.Numerics.LinearAlgebra
open Regularization

/// <summary>
/// Parameters, gradients and updates as F# values: all three are <see cref="T:Regularization.ParamSet`1"/>s (ordered,
/// unique names). Functions take the set last, so they pipe. Nothing here mutates a matrix.
/// </summary>
/// <remarks>
/// Ranks follow PyTorch: <c>Params.matrix</c> is rank 2 whatever its shape (the 1x128 weight of
/// <c>nn.Linear(128, 1)</c> is a matrix); <c>Params.vector</c> is rank 1 (a bias stored as one row or one column), and
/// <c>Mask.excludeBiases</c> excludes exactly the rank-1 parameters.
/// </remarks>
/// <example>
/// <code lang="fsharp">
/// let parameters =
///     Params.ofList [ Params.matrix "W" (Matrix&lt;float&gt;.Build.Dense(3, 2))
///                     Params.vector "b" (Matrix&lt;float&gt;.Build.Dense(1, 2)) ]
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Params =

    /// <summary>A rank-2 parameter (a weight matrix) named <paramref name="name"/>.</summary>
    /// <param name="name">The name, not empty.</param>
    /// <param name="value">The matrix (held, not copied).</param>
    /// <returns>The parameter.</returns>
    /// <example><code lang="fsharp">let w = Params.matrix "W" (Matrix&lt;float&gt;.Build.Dense(3, 2))</code></example>
    let matrix (name: string) (value: Matrix<'T>) : Param<'T> = Param.Of(name, value)

    /// <summary>A rank-1 parameter (a bias) stored as a one-row or one-column matrix.</summary>
    /// <param name="name">The name, not empty.</param>
    /// <param name="value">A 1xN or Nx1 matrix (held, not copied).</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="T:System.ArgumentException">The matrix has more than one row and more than one column.</exception>
    /// <example><code lang="fsharp">let b = Params.vector "b" (Matrix&lt;float&gt;.Build.Dense(1, 2))</code></example>
    let vector (name: string) (value: Matrix<'T>) : Param<'T> = Param.Vector(name, value)

    /// <summary>A rank-1 parameter from a MathNet vector (stored as one column).</summary>
    /// <param name="name">The name, not empty.</param>
    /// <param name="value">The vector.</param>
    /// <returns>The parameter.</returns>
    /// <example><code lang="fsharp">let b = Params.ofVector "b" (Vector&lt;float&gt;.Build.Dense 10)</code></example>
    let ofVector (name: string) (value: Vector<'T>) : Param<'T> = Param.Of(name, value)

    /// <summary>A parameter set from a list, in order.</summary>
    /// <param name="parameters">The parameters; names must be unique.</param>
    /// <returns>The set.</returns>
    /// <exception cref="T:System.ArgumentException">Two parameters share a name.</exception>
    /// <example><code lang="fsharp">let p = Params.ofList [ Params.matrix "W" w; Params.vector "b" b ]</code></example>
    let ofList (parameters: Param<'T> list) : ParamSet<'T> = ParamSet.Of(parameters :> seq<_>)

    /// <summary>The parameters as a list, in order.</summary>
    /// <param name="parameters">The set.</param>
    /// <returns>The list.</returns>
    /// <example><code lang="fsharp">Params.toList p |> List.map (fun q -> q.Name)   // [ "W"; "b" ]</code></example>
    let toList (parameters: ParamSet<'T>) : Param<'T> list = List.ofSeq parameters

    /// <summary>The names, in order.</summary>
    /// <param name="parameters">The set.</param>
    /// <returns>The names.</returns>
    /// <example><code lang="fsharp">Params.names p   // [ "W"; "b" ]</code></example>
    let names (parameters: ParamSet<'T>) : string list = List.ofSeq parameters.Names

    /// <summary>The matrix of the named parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parameters">The set.</param>
    /// <returns>Its matrix.</returns>
    /// <exception cref="T:System.Collections.Generic.KeyNotFoundException">No parameter has that name.</exception>
    /// <example><code lang="fsharp">let w = p |> Params.value "W"</code></example>
    let value (name: string) (parameters: ParamSet<'T>) : Matrix<'T> = parameters[name].Value

    /// <summary>The named parameter, or <c>None</c>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parameters">The set.</param>
    /// <returns><c>Some</c> parameter, or <c>None</c> when no parameter has that name.</returns>
    /// <example><code lang="fsharp">match p |> Params.tryFind "b" with Some b -> b.Shape | None -> "no bias"</code></example>
    let tryFind (name: string) (parameters: ParamSet<'T>) : Param<'T> option =
        match parameters.TryGet name with
        | true, p -> Some p
        | _ -> None

    /// <summary>A new set with each matrix mapped: names and ranks are kept, <c>f</c> must return the same shape.</summary>
    /// <param name="f">From a parameter to its new matrix.</param>
    /// <param name="parameters">The set.</param>
    /// <returns>The mapped set.</returns>
    /// <example><code lang="fsharp">let halved = p |> Params.map (fun q -> q.Value * 0.5)</code></example>
    let map (f: Param<'T> -> Matrix<'T>) (parameters: ParamSet<'T>) : ParamSet<'T> =
        parameters.Map(Func<Param<'T>, Matrix<'T>>(f))

    /// <summary>A new set from two sets of the same layout, parameter by parameter: <c>f a_i b_i</c>.</summary>
    /// <param name="f">From the two parameters to the new matrix.</param>
    /// <param name="a">The first set (its names and ranks are kept).</param>
    /// <param name="b">The second set, with the same names and shapes.</param>
    /// <returns>The combined set.</returns>
    /// <exception cref="T:System.ArgumentException">The layouts differ.</exception>
    /// <example><code lang="fsharp">let total = Params.map2 (fun g r -> g.Value + r.Value) gradient penaltyGradient</code></example>
    let map2 (f: Param<'T> -> Param<'T> -> Matrix<'T>) (a: ParamSet<'T>) (b: ParamSet<'T>) : ParamSet<'T> =
        a.Zip(b, Func<Param<'T>, Param<'T>, Matrix<'T>>(f))

    /// <summary>Zeros with the layout of a set (names, ranks and shapes).</summary>
    /// <param name="parameters">The set to copy the layout of.</param>
    /// <returns>A set of zeros.</returns>
    /// <example><code lang="fsharp">let noGradient = Params.zerosLike p</code></example>
    let zerosLike (parameters: ParamSet<'T>) : ParamSet<'T> = ParamSet.ZerosLike parameters

    /// <summary>A deep copy (new matrices).</summary>
    /// <param name="parameters">The set.</param>
    /// <returns>The copy.</returns>
    /// <example><code lang="fsharp">let mine = Params.copy p</code></example>
    let copy (parameters: ParamSet<'T>) : ParamSet<'T> = parameters.Copy()

    /// <summary>Applies updates: <c>p' = p + u</c>, parameter by parameter (Optax's <c>apply_updates</c>; updates are added).</summary>
    /// <param name="updates">The updates an optimizer returned.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>New parameters.</returns>
    /// <exception cref="T:System.ArgumentException">The layouts differ.</exception>
    /// <example><code lang="fsharp">let next = p |> Params.apply updates</code></example>
    let apply (updates: ParamSet<'T>) (parameters: ParamSet<'T>) : ParamSet<'T> = Updates.Apply(parameters, updates)

    /// <summary>True when both sets have the same names, ranks, shapes and the same bits in every element (NaNs included).</summary>
    /// <param name="a">One set.</param>
    /// <param name="b">The other.</param>
    /// <returns>Whether they are bit for bit equal.</returns>
    /// <example><code lang="fsharp">Params.bitwiseEquals p (Params.copy p)   // true</code></example>
    let bitwiseEquals (a: ParamSet<'T>) (b: ParamSet<'T>) : bool = a.BitwiseEquals b
