namespace Regularization.FSharp

open System
open Regularization

/// <summary>
/// Masks choose parameters: which ones a decay, a penalty, a proximal step or a group applies to. A mask is a pure
/// predicate over a parameter's name, shape and rank (never its values) with a description that decay plans print.
/// Every function returns the core's <see cref="T:Regularization.Mask"/>; combinators take the mask last, so they pipe.
/// </summary>
/// <example>
/// <code lang="fsharp">
/// let decayed = Mask.excludeBiases |> Mask.andAlso (Mask.excludeNames [ "norm" ])
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Mask =

    /// <summary>Includes every parameter.</summary>
    /// <example><code lang="fsharp">let m = Mask.all</code></example>
    let all : Regularization.Mask = Regularization.Mask.All

    /// <summary>Includes no parameter (a transform masked by it is the identity).</summary>
    /// <example><code lang="fsharp">let m = Mask.none</code></example>
    let none : Regularization.Mask = Regularization.Mask.None

    /// <summary>
    /// Includes parameters of rank 2 and more; excludes biases and every other rank-1 parameter (PyTorch's
    /// <c>p.ndim &lt; 2</c> rule). The same mask as <c>Mask.excludeVectors</c>.
    /// </summary>
    /// <example><code lang="fsharp">let adamw = Optim.adamW { AdamW.defaults with DecayMask = Mask.excludeBiases }</code></example>
    let excludeBiases : Regularization.Mask = Regularization.Mask.ExcludeVectors

    /// <summary>Includes parameters of rank 2 and more (<c>ndim &gt;= 2</c>); excludes vectors such as biases.</summary>
    /// <example><code lang="fsharp">let m = Mask.excludeVectors</code></example>
    let excludeVectors : Regularization.Mask = Regularization.Mask.ExcludeVectors

    /// <summary>Includes the parameters whose name matches one of the regular expressions.</summary>
    /// <param name="patterns">.NET regular expressions, at least one.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="T:System.ArgumentException">No pattern, or an invalid one (parameter <c>patterns</c>).</exception>
    /// <example><code lang="fsharp">let convs = Mask.names [ "^conv" ]</code></example>
    let names (patterns: string list) : Regularization.Mask = Regularization.Mask.Names(List.toArray patterns)

    /// <summary>Excludes the parameters whose name matches one of the regular expressions (Keras' <c>exclude_from_weight_decay</c>).</summary>
    /// <param name="patterns">.NET regular expressions, at least one.</param>
    /// <returns>The mask.</returns>
    /// <example><code lang="fsharp">let m = Mask.excludeNames [ "bias$"; "norm" ]</code></example>
    let excludeNames (patterns: string list) : Regularization.Mask = Regularization.Mask.ExcludeNames(List.toArray patterns)

    /// <summary>Includes exactly the named parameters.</summary>
    /// <param name="parameterNames">The names (compared ordinally).</param>
    /// <returns>The mask.</returns>
    /// <example><code lang="fsharp">let m = Mask.only [ "W" ]</code></example>
    let only (parameterNames: string list) : Regularization.Mask = Regularization.Mask.Only(List.toArray parameterNames)

    /// <summary>Includes the parameters for which an F# predicate over <see cref="T:Regularization.ParamInfo"/> holds.</summary>
    /// <param name="description">What the mask includes, in words; not empty.</param>
    /// <param name="predicate">A pure predicate over the name, shape and rank.</param>
    /// <returns>The mask.</returns>
    /// <example><code lang="fsharp">let wide = Mask.where "more than one row" (fun p -> p.Rows > 1)</code></example>
    let where (description: string) (predicate: ParamInfo -> bool) : Regularization.Mask =
        Regularization.Mask.Where(Func<ParamInfo, bool>(predicate), description)

    /// <summary>Includes what both masks include: <c>a(p) &amp;&amp; b(p)</c>.</summary>
    /// <param name="other">The second mask.</param>
    /// <param name="mask">The first mask.</param>
    /// <returns>The intersection.</returns>
    /// <example><code lang="fsharp">let m = Mask.excludeBiases |> Mask.andAlso (Mask.excludeNames [ "norm" ])</code></example>
    let andAlso (other: Regularization.Mask) (mask: Regularization.Mask) : Regularization.Mask = mask.And other

    /// <summary>Includes what either mask includes: <c>a(p) || b(p)</c>.</summary>
    /// <param name="other">The second mask.</param>
    /// <param name="mask">The first mask.</param>
    /// <returns>The union.</returns>
    /// <example><code lang="fsharp">let m = Mask.only [ "W" ] |> Mask.orElse (Mask.names [ "^emb" ])</code></example>
    let orElse (other: Regularization.Mask) (mask: Regularization.Mask) : Regularization.Mask = mask.Or other

    /// <summary>Includes what the mask excludes: <c>not (m p)</c>.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The complement.</returns>
    /// <example><code lang="fsharp">let biasesOnly = Mask.excludeBiases |> Mask.negate</code></example>
    let negate (mask: Regularization.Mask) : Regularization.Mask = mask.Not()

    /// <summary>True when the mask includes the parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="mask">The mask.</param>
    /// <returns>Whether it is included.</returns>
    /// <example><code lang="fsharp">Mask.excludeBiases |> Mask.contains (Param.Vector("b", Matrix&lt;float&gt;.Build.Dense(1, 2)))   // false</code></example>
    let contains (parameter: Param<'T>) (mask: Regularization.Mask) : bool = mask.Contains parameter

    /// <summary>The included parameters, in order.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="mask">The mask.</param>
    /// <returns>The subset the mask includes.</returns>
    /// <example><code lang="fsharp">let decayed = Mask.excludeBiases |> Mask.select parameters</code></example>
    let select (parameters: ParamSet<'T>) (mask: Regularization.Mask) : ParamSet<'T> = mask.Select parameters

    /// <summary>The names of the included parameters, in order.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="mask">The mask.</param>
    /// <returns>The included names.</returns>
    /// <example><code lang="fsharp">Mask.excludeBiases |> Mask.selectNames parameters   // [ "W" ]</code></example>
    let selectNames (parameters: ParamSet<'T>) (mask: Regularization.Mask) : string list =
        [ for p in parameters do
              if mask.Contains p then
                  p.Name ]

    /// <summary>The mask's description, in words.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The description.</returns>
    /// <example><code lang="fsharp">Mask.excludeBiases |> Mask.describe   // "matrices only (vectors such as biases excluded)"</code></example>
    let describe (mask: Regularization.Mask) : string = mask.Description
