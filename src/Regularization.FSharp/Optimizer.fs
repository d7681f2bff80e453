namespace Regularization.FSharp

open Regularization

/// <summary>
/// Running an optimizer, Optax's way: the state is a value passed in and returned, nothing is mutated. A step is
/// <c>(updates, state') = update g</c>, then <c>p' = p + updates</c>. Works in float32 (<c>float32</c>) and float64
/// (<c>float</c>) with the same optimizer value.
/// </summary>
/// <example>
/// <code lang="fsharp">
/// let adamw = Optim.adamW AdamW.defaults
/// let fitted, state = Optimizer.start adamw initial |> Optimizer.run adamw gradient 500
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Optimizer =

    /// <summary>The optimizer's initial state for these parameters (zeros in every slot, step count 0).</summary>
    /// <param name="transform">The optimizer or transform.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The state.</returns>
    /// <example><code lang="fsharp">let state = Optimizer.init adamw parameters</code></example>
    let init (transform: IGradientTransform) (parameters: ParamSet<'T>) : TransformState = transform.Init parameters

    /// <summary>
    /// One pure update: from the gradients to the updates to add (<c>p' = p + updates</c>) and the next state. Nothing
    /// is mutated.
    /// </summary>
    /// <param name="transform">The optimizer or transform.</param>
    /// <param name="parameters">The current parameters.</param>
    /// <param name="state">The current state.</param>
    /// <param name="gradients">The gradients, with the parameters' names and shapes.</param>
    /// <returns>The updates and the next state.</returns>
    /// <exception cref="T:System.ArgumentException">Names or shapes differ, or the state is not this transform's.</exception>
    /// <example><code lang="fsharp">let updates, state' = Optimizer.update adamw parameters state gradients</code></example>
    let update (transform: IGradientTransform) (parameters: ParamSet<'T>) (state: TransformState) (gradients: ParamSet<'T>) : ParamSet<'T> * TransformState =
        let result = transform.Update(gradients, state, parameters)
        result.Updates, result.State

    /// <summary>One step: <c>update</c> then <c>p' = p + updates</c>; returns the new parameters and state.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The current parameters.</param>
    /// <param name="state">The current state.</param>
    /// <param name="gradients">The gradients at <paramref name="parameters"/>.</param>
    /// <returns>The new parameters and the new state.</returns>
    /// <example><code lang="fsharp">let p1, s1 = Optimizer.step adamw p0 s0 (gradient p0)</code></example>
    let step (transform: IGradientTransform) (parameters: ParamSet<'T>) (state: TransformState) (gradients: ParamSet<'T>) : ParamSet<'T> * TransformState =
        let updates, next = update transform parameters state gradients
        Updates.Apply(parameters, updates), next

    /// <summary>The parameters paired with the optimizer's initial state: where <c>run</c> starts.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The initial parameters.</param>
    /// <returns><c>(parameters, init transform parameters)</c>.</returns>
    /// <example><code lang="fsharp">let start = Optimizer.start adamw initial</code></example>
    let start (transform: IGradientTransform) (parameters: ParamSet<'T>) : ParamSet<'T> * TransformState =
        parameters, transform.Init parameters

    /// <summary>
    /// The steps from a starting point as a lazy sequence: element <c>k</c> is the parameters and state after <c>k + 1</c>
    /// steps, each taking the gradient at the current parameters. The sequence is infinite; take what you need.
    /// </summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="gradient">The gradient at given parameters (the loss's derivative).</param>
    /// <param name="start">The parameters and state to start from (<c>Optimizer.start</c>, or a loaded checkpoint).</param>
    /// <returns>The trajectory.</returns>
    /// <example><code lang="fsharp">let losses = Optimizer.trajectory adamw gradient start |> Seq.take 100 |> Seq.map (fst >> loss) |> List.ofSeq</code></example>
    let trajectory (transform: IGradientTransform) (gradient: ParamSet<'T> -> ParamSet<'T>) (start: ParamSet<'T> * TransformState) : seq<ParamSet<'T> * TransformState> =
        start
        |> Seq.unfold (fun (p, s) ->
            let next = step transform p s (gradient p)
            Some(next, next))

    /// <summary><paramref name="steps"/> steps from a starting point (a fold of <c>step</c>); returns the final parameters and state.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="gradient">The gradient at given parameters.</param>
    /// <param name="steps">How many steps, &gt;= 0.</param>
    /// <param name="start">The parameters and state to start from.</param>
    /// <returns>The parameters and state after the steps.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    /// <example><code lang="fsharp">let fitted, state = Optimizer.start adamw initial |> Optimizer.run adamw gradient 500</code></example>
    let run (transform: IGradientTransform) (gradient: ParamSet<'T> -> ParamSet<'T>) (steps: int) (start: ParamSet<'T> * TransformState) : ParamSet<'T> * TransformState =
        if steps < 0 then
            raise (System.ArgumentOutOfRangeException(nameof steps, steps, "'steps' must be >= 0."))

        let mutable current = start

        for _ in 1..steps do
            let p, s = current
            current <- step transform p s (gradient p)

        current

    /// <summary>
    /// The C# facade over a transform (what the C# builder's <c>Build</c> gives): it owns its state and updates the
    /// parameters' matrices in place, one fused pass per parameter, with the bits of the pure <c>step</c>.
    /// </summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The parameters; their matrices change at each <c>Step</c>.</param>
    /// <returns>The in-place optimizer.</returns>
    /// <example>
    /// <code lang="fsharp">
    /// let live = Optimizer.inPlace adamw (Params.copy initial)
    /// for _ in 1 .. 500 do live.Step(gradient live.Parameters)
    /// </code>
    /// </example>
    let inPlace (transform: IGradientTransform) (parameters: ParamSet<'T>) : Optimizer<'T> = Regularization.Optimizer.Create(transform, parameters)

    /// <summary>The C# facade resumed from a state (for example a loaded checkpoint); the state is checked and deep-copied.</summary>
    /// <param name="transform">The optimizer.</param>
    /// <param name="parameters">The parameters; their matrices change at each <c>Step</c>.</param>
    /// <param name="state">The state to resume from.</param>
    /// <returns>The in-place optimizer.</returns>
    /// <example><code lang="fsharp">let live = Optimizer.inPlaceFrom adamw parameters (Checkpoint.load adamw parameters bytes)</code></example>
    let inPlaceFrom (transform: IGradientTransform) (parameters: ParamSet<'T>) (state: TransformState) : Optimizer<'T> =
        Regularization.Optimizer.Create(transform, parameters, state)
