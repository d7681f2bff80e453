namespace Regularization.FSharp

open Regularization

/// <summary>What regularizes a parameter in a decay plan: the core's <see cref="T:Regularization.DecayKind"/> as a union.</summary>
/// <example>
/// <code lang="fsharp">
/// match entry.Kind with
/// | Regularizer.Decoupled -> "shrunk outside Adam"
/// | Regularizer.Unregularized -> "left alone"
/// | _ -> "something else"
/// </code>
/// </example>
[<RequireQualifiedAccess>]
type Regularizer =
    /// <summary>Nothing: no decay, penalty or proximal step, or a mask excludes the parameter (<c>DecayKind.None</c>).</summary>
    | Unregularized
    /// <summary>Coupled decay: <c>lambda * p</c> added to the gradient (PyTorch's <c>weight_decay</c> on SGD and Adam).</summary>
    | Coupled
    /// <summary>Decoupled decay: a shrink of the weights outside the gradient statistics (AdamW, SGDW).</summary>
    | Decoupled
    /// <summary>A proximal step after the update (soft threshold, exact zeros).</summary>
    | Proximal
    /// <summary>A penalty's gradient added to the loss gradient.</summary>
    | Penalty

/// <summary>
/// The per-step multiplicative shrink of one regularizing transform on one parameter: <c>Shrink c</c> multiplies the
/// weight by <c>c</c> each step (<c>1 - lr*lambda</c>, <c>1 - c(t)</c>, <c>1/(1 + 2*eta*l2)</c>); <c>NoFixedShrink</c>
/// where no fixed factor exists (decay through Adam's normalization, soft thresholding, a trust ratio).
/// </summary>
/// <example><code lang="fsharp">match entry.Shrink with Shrink c -> sprintf "x%.6f per step" c | NoFixedShrink -> "no fixed shrink"</code></example>
type Shrink =
    /// <summary>A fixed factor per step.</summary>
    | Shrink of factor: float
    /// <summary>No fixed factor (the core reports NaN).</summary>
    | NoFixedShrink

/// <summary>One line of a decay plan: what one regularizing transform does to one parameter.</summary>
/// <example><code lang="fsharp">let e = plan.Entries |> List.find (fun e -> e.Parameter = "W")</code></example>
type PlanEntry =
    {
        /// <summary>The parameter's name.</summary>
        Parameter: string
        /// <summary>Its shape, for example <c>3x2</c> (a matrix) or <c>2</c> (a vector).</summary>
        Shape: string
        /// <summary>What regularizes it.</summary>
        Kind: Regularizer
        /// <summary>The per-step shrink of this transform alone.</summary>
        Shrink: Shrink
        /// <summary>The coefficients and where they come from, in words.</summary>
        Description: string
    }

/// <summary>
/// A decay plan: which parameter receives which decay, penalty or proximal step from an optimizer, with the per-step
/// shrink, at a step (schedules are evaluated there). Every parameter has at least one entry.
/// </summary>
/// <example><code lang="fsharp">let plan = Plan.describe adamw parameters</code></example>
type Plan =
    {
        /// <summary>The step the plan describes.</summary>
        Step: int64
        /// <summary>The entries, in parameter order.</summary>
        Entries: PlanEntry list
    }

/// <summary>Decay plans as F# values (records and unions), from the core's <see cref="T:Regularization.DecayPlan"/>.</summary>
/// <example>
/// <code lang="fsharp">
/// for e in (Plan.describe adamw parameters).Entries do
///     match e.Kind, e.Shrink with
///     | Regularizer.Decoupled, Shrink c -> printfn "%s: x%.6f per step" e.Parameter c
///     | kind, _ -> printfn "%s: %A" e.Parameter kind
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Plan =

    /// <summary>The union case of a core <see cref="T:Regularization.DecayKind"/> (<c>None</c> is <c>Unregularized</c>).</summary>
    /// <param name="kind">The core's kind.</param>
    /// <returns>The union case.</returns>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The value is not a defined <c>DecayKind</c>.</exception>
    /// <example><code lang="fsharp">Plan.regularizer DecayKind.Decoupled   // Regularizer.Decoupled</code></example>
    let regularizer (kind: DecayKind) : Regularizer =
        match kind with
        | DecayKind.None -> Regularizer.Unregularized
        | DecayKind.Coupled -> Regularizer.Coupled
        | DecayKind.Decoupled -> Regularizer.Decoupled
        | DecayKind.Proximal -> Regularizer.Proximal
        | DecayKind.Penalty -> Regularizer.Penalty
        | other -> raise (System.ArgumentOutOfRangeException(nameof kind, other, "Not a defined DecayKind."))

    /// <summary>The shrink of a core plan entry: NaN is <c>NoFixedShrink</c>, any other value <c>Shrink value</c>.</summary>
    /// <param name="value">The core's <c>DecayPlanEntry.Shrink</c>.</param>
    /// <returns>The union case.</returns>
    /// <example><code lang="fsharp">Plan.shrink nan   // NoFixedShrink</code></example>
    let shrink (value: float) : Shrink = if System.Double.IsNaN value then NoFixedShrink else Shrink value

    /// <summary>A core plan as an F# record.</summary>
    /// <param name="plan">The core's plan (for example from <c>Optimizer&lt;T&gt;.DescribeDecay()</c>).</param>
    /// <returns>The plan.</returns>
    /// <example><code lang="fsharp">let plan = Plan.ofCore (live.DescribeDecay())</code></example>
    let ofCore (plan: DecayPlan) : Plan =
        { Step = plan.Step
          Entries =
            [ for e in plan.Entries ->
                  { Parameter = e.Parameter
                    Shape = e.Shape
                    Kind = regularizer e.Kind
                    Shrink = shrink e.Shrink
                    Description = e.Description } ] }

    /// <summary>How an optimizer regularizes each parameter at step <paramref name="step"/>.</summary>
    /// <param name="step">The step, &gt;= 0 (schedules are evaluated there).</param>
    /// <param name="transform">The optimizer or transform.</param>
    /// <param name="parameters">The parameters (names, shapes and ranks are used, not values).</param>
    /// <returns>The plan.</returns>
    /// <example><code lang="fsharp">let late = Plan.describeAt 9_000L adamw parameters</code></example>
    let describeAt (step: int64) (transform: IGradientTransform) (parameters: ParamSet<'T>) : Plan =
        ofCore (DecayPlan.Of(transform, parameters, step))

    /// <summary>How an optimizer regularizes each parameter at step 0.</summary>
    /// <param name="transform">The optimizer or transform.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The plan.</returns>
    /// <example><code lang="fsharp">let plan = Plan.describe adamw parameters</code></example>
    let describe (transform: IGradientTransform) (parameters: ParamSet<'T>) : Plan = describeAt 0L transform parameters

    /// <summary>The entries of one parameter.</summary>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="plan">The plan.</param>
    /// <returns>Its entries (none when no parameter has that name).</returns>
    /// <example><code lang="fsharp">plan |> Plan.entriesFor "b" |> List.map (fun e -> e.Kind)   // [ Regularizer.Unregularized ]</code></example>
    let entriesFor (parameter: string) (plan: Plan) : PlanEntry list =
        plan.Entries |> List.filter (fun e -> e.Parameter = parameter)

    /// <summary>The core's text table of the plan at <paramref name="step"/> (parameter, shape, kind, per-step shrink, description).</summary>
    /// <param name="step">The step, &gt;= 0.</param>
    /// <param name="transform">The optimizer or transform.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The table.</returns>
    /// <example><code lang="fsharp">printfn "%s" (Plan.table 0L adamw parameters)</code></example>
    let table (step: int64) (transform: IGradientTransform) (parameters: ParamSet<'T>) : string =
        (DecayPlan.Of(transform, parameters, step)).ToString()
