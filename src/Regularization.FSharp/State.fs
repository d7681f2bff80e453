namespace Regularization.FSharp

open System
open Regularization

/// <summary>The counters of a non-finite guard: what it did with gradients that held NaN or infinities.</summary>
/// <example><code lang="fsharp">match State.nonFinite state with Some c -> c.SkippedSteps | None -> 0L</code></example>
type NonFiniteCounts =
    {
        /// <summary>Steps skipped (<c>NonFinitePolicy.Skip</c>).</summary>
        SkippedSteps: int64
        /// <summary>Gradient entries replaced by zero (<c>NonFinitePolicy.Zero</c>).</summary>
        ZeroedEntries: int64
        /// <summary>Steps in which at least one entry was zeroed.</summary>
        ZeroedSteps: int64
    }

/// <summary>
/// An optimizer state as an F# tree to match on, over element type <c>'T</c> (<c>float</c> or <c>float32</c>). It mirrors
/// the core's state records: a chain holds one state per transform, a partition one per group, a guard its counters
/// and the inner state; a primitive's state is a step count and named slots (PyTorch's names: <c>momentum_buffer</c>,
/// <c>exp_avg</c>, <c>exp_avg_sq</c>, ...). A masked transform's state is its inner state over the included parameters.
/// </summary>
/// <example>
/// <code lang="fsharp">
/// match State.view&lt;float&gt; state with
/// | StateNode.Guarded(_, StateNode.Chain(StateNode.Slots(count, slots) :: _)) -> printfn "Adam after %d steps" count
/// | other -> printfn "%A" other
/// </code>
/// </example>
[<RequireQualifiedAccess; NoComparison>]
type StateNode<'T when 'T: struct and 'T :> IEquatable<'T> and 'T :> IFormattable and 'T: (new: unit -> 'T) and 'T :> ValueType> =
    /// <summary>A stateless transform (<c>EmptyState</c>).</summary>
    | Empty
    /// <summary>A primitive's state: its step count and its slots, each a parameter set shaped like the parameters it covers.</summary>
    | Slots of count: int64 * slots: (string * ParamSet<'T>) list
    /// <summary>A chain's states, one per transform, in order.</summary>
    | Chain of StateNode<'T> list
    /// <summary>A partition's states (parameter groups), one per group, in order.</summary>
    | Groups of StateNode<'T> list
    /// <summary>A non-finite guard's counters and the state inside it.</summary>
    | Guarded of counts: NonFiniteCounts * inner: StateNode<'T>
    /// <summary>A state this view does not know (a user transform's own record), or slots of the other element type.</summary>
    | Custom of TransformState

/// <summary>Reading optimizer states: the <c>StateNode</c> view, slots by name, step counts and guard counters.</summary>
/// <example><code lang="fsharp">let firstMoments = State.slot&lt;float&gt; "exp_avg" state</code></example>
[<RequireQualifiedAccess>]
module State =

    /// <summary>The state as a <c>StateNode</c> tree for element type <c>'T</c>.</summary>
    /// <param name="state">The state (from <c>Optimizer.init</c>, <c>update</c>, <c>step</c> or a checkpoint).</param>
    /// <returns>The tree.</returns>
    /// <example><code lang="fsharp">match State.view&lt;float32&gt; state with StateNode.Guarded(c, _) -> c.SkippedSteps | _ -> 0L</code></example>
    let rec view<'T when 'T: struct and 'T :> IEquatable<'T> and 'T :> IFormattable and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (state: TransformState)
        : StateNode<'T> =
        match state with
        | :? EmptyState -> StateNode.Empty
        | :? SlotState<'T> as s -> StateNode.Slots(s.Count, List.zip (List.ofSeq s.SlotNames) (List.ofSeq s.Slots))
        | :? ChainState as c -> StateNode.Chain [ for inner in c.Inner -> view<'T> inner ]
        | :? PartitionState as p -> StateNode.Groups [ for inner in p.Groups -> view<'T> inner ]
        | :? NonFiniteState as g ->
            let counts =
                { SkippedSteps = g.SkippedSteps
                  ZeroedEntries = g.ZeroedEntries
                  ZeroedSteps = g.ZeroedSteps }

            StateNode.Guarded(counts, view<'T> g.Inner)
        | other -> StateNode.Custom other

    /// Walks the tree in order and concatenates what <c>pick</c> gives for each primitive (its count and slots).
    let private collectPrimitives (pick: int64 -> (string * ParamSet<'T>) list -> 'R list) (root: StateNode<'T>) : 'R list =
        let rec walk node =
            match node with
            | StateNode.Slots(count, slots) -> pick count slots
            | StateNode.Chain nodes
            | StateNode.Groups nodes -> nodes |> List.collect walk
            | StateNode.Guarded(_, inner) -> walk inner
            | StateNode.Empty
            | StateNode.Custom _ -> []

        walk root

    /// <summary>Every slot named <paramref name="name"/> in the state, in tree order (one per primitive that has it).</summary>
    /// <param name="name">The slot's name, for example <c>exp_avg</c> or <c>momentum_buffer</c>.</param>
    /// <param name="state">The state.</param>
    /// <returns>The slots, possibly none.</returns>
    /// <example><code lang="fsharp">let momentum = State.slot&lt;float&gt; "momentum_buffer" state |> List.exactlyOne</code></example>
    let slot<'T when 'T: struct and 'T :> IEquatable<'T> and 'T :> IFormattable and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (name: string)
        (state: TransformState)
        : ParamSet<'T> list =
        view<'T> state |> collectPrimitives (fun _ slots -> slots |> List.filter (fun (n, _) -> n = name) |> List.map snd)

    /// <summary>The step counts of the state's primitives, in tree order (stateless ones have none).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The counts.</returns>
    /// <example><code lang="fsharp">State.counts&lt;float&gt; state   // [ 10L ] for Adam after ten steps</code></example>
    let counts<'T when 'T: struct and 'T :> IEquatable<'T> and 'T :> IFormattable and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (state: TransformState)
        : int64 list =
        view<'T> state |> collectPrimitives (fun count _ -> [ count ])

    /// <summary>The counters of the outermost non-finite guard, or <c>None</c> when the state has no guard at its top.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The counters.</returns>
    /// <example><code lang="fsharp">State.nonFinite state |> Option.map (fun c -> c.SkippedSteps)</code></example>
    let nonFinite (state: TransformState) : NonFiniteCounts option =
        match state with
        | :? NonFiniteState as g ->
            Some
                { SkippedSteps = g.SkippedSteps
                  ZeroedEntries = g.ZeroedEntries
                  ZeroedSteps = g.ZeroedSteps }
        | _ -> None
