/// Decay plans and optimizer states as F# unions: each regularizer kind matched with its shrink, the mapping from the
/// core's enum is total, and state trees show the slots PyTorch names.
module Regularization.FSharp.Tests.PlanAndStateTests

open System
open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private c = Schedule.constant
let private parameters = problem64.Initial

let private only name plan =
    match plan |> Plan.entriesFor name with
    | [ entry ] -> entry
    | entries -> failwithf "expected one entry for %s, got %A" name entries

[<Fact>]
let ``Each kind of regularization matches its union case and shrink`` () =
    let describe (t: IGradientTransform) = Plan.describe t parameters

    // Decoupled decay scaled by the learning rate: a fixed shrink 1 - lr*lambda; the excluded bias is untouched.
    let adamw = describe (Optim.adamW { AdamW.defaults with LearningRate = c 0.05; WeightDecay = c 0.01; DecayMask = Mask.excludeBiases })

    match only "W" adamw, only "b" adamw with
    | { Kind = Regularizer.Decoupled; Shrink = Shrink w; Shape = "3x2" }, { Kind = Regularizer.Unregularized; Shrink = Shrink b; Shape = "2" } ->
        Assert.Equal(1.0 - 0.05 * 0.01, w)
        Assert.Equal(1.0, b)
        Assert.Contains("excluded by mask", (only "b" adamw).Description)
    | other -> failwithf "unexpected AdamW plan %A" other

    // Coupled decay through Adam's normalization has no fixed shrink; through plain SGD it does.
    match (only "W" (describe (Optim.adam { Adam.defaults with WeightDecay = c 0.01 }))).Shrink with
    | NoFixedShrink -> ()
    | Shrink s -> failwithf "Adam's coupled decay reported a fixed shrink %g" s

    match only "W" (describe (Optim.sgd (c 0.1) { Sgd.defaults with WeightDecay = c 1e-3 })) with
    | { Kind = Regularizer.Coupled; Shrink = Shrink s } -> Assert.Equal(1.0 - 0.1 * 1e-3, s)
    | other -> failwithf "unexpected SGD entry %A" other

    // A proximal L1 step: soft thresholding, no fixed factor.
    match only "W" (describe (Optim.sgd (c 0.1) Sgd.defaults |> Optim.withProximalL1 0.01)) with
    | { Kind = Regularizer.Proximal; Shrink = NoFixedShrink } -> ()
    | other -> failwithf "unexpected proximal entry %A" other

    // A penalty's gradient in the chain before plain SGD: L2 lambda*sum(w^2) shrinks by 1 - lr*2*lambda.
    let penalized = Transform.chain [ Transform.addPenaltyGradient (Penalties.L2 0.01); Transform.scaleByLearningRate (c 0.1) ]

    match only "W" (describe penalized) with
    | { Kind = Regularizer.Penalty; Shrink = Shrink s } -> Assert.Equal(1.0 - 0.1 * 0.02, s, 15)
    | other -> failwithf "unexpected penalty entry %A" other

    // Nothing at all.
    match only "W" (describe (Optim.adam Adam.defaults)) with
    | { Kind = Regularizer.Unregularized; Shrink = Shrink 1.0 } -> ()
    | other -> failwithf "unexpected entry %A" other

[<Fact>]
let ``The plan follows the schedules to the step it describes`` () =
    let lr = Schedule.cosine 0.05 100 |> Schedule.withWarmup 10
    let adamw = Optim.adamW { AdamW.defaults with LearningRate = lr; WeightDecay = c 0.01 }

    for step in [ 0L; 5L; 10L; 60L; 110L ] do
        let plan = Plan.describeAt step adamw parameters
        Assert.Equal(step, plan.Step)

        match (only "W" plan).Shrink with
        | Shrink s -> Assert.Equal(1.0 - Schedule.at step lr * 0.01, s)
        | NoFixedShrink -> failwith "no fixed shrink"

    Assert.Equal((DecayPlan.Of(adamw, parameters, 7L)).ToString(), Plan.table 7L adamw parameters)

[<Fact>]
let ``Every DecayKind maps to a union case, and nothing else does`` () =
    let mapped = Enum.GetValues<DecayKind>() |> Array.map Plan.regularizer |> List.ofArray
    Assert.Equal<Regularizer list>(
        [ Regularizer.Unregularized; Regularizer.Coupled; Regularizer.Decoupled; Regularizer.Proximal; Regularizer.Penalty ],
        mapped
    )
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Plan.regularizer (enum<DecayKind> 99) |> ignore)
    Assert.Equal("kind", e.ParamName)
    Assert.Equal(NoFixedShrink, Plan.shrink nan)
    Assert.Equal(Shrink 0.5, Plan.shrink 0.5)

[<Fact>]
let ``An Adam state reads as a guarded chain with PyTorch's slot names and step counts`` () =
    let adam = Optim.adam { Adam.defaults with LearningRate = c 0.01 }
    let _, state = Optimizer.start adam parameters |> Optimizer.run adam (gradient problem64) 3

    match State.view<float> state with
    | StateNode.Guarded(_, StateNode.Chain(StateNode.Slots(3L, slots) :: _)) ->
        Assert.Equal<string list>([ "exp_avg"; "exp_avg_sq" ], slots |> List.map fst |> List.truncate 2)
    | other -> failwithf "unexpected state %A" other

    Assert.Contains(3L, State.counts<float> state)
    let m = State.slot<float> "exp_avg" state |> List.exactlyOne
    Assert.Equal<string list>([ "W"; "b" ], Params.names m)
    // The wrong element type is not a slot state of that type: the view says Custom rather than guessing.
    match State.view<float32> state with
    | StateNode.Guarded(_, StateNode.Chain(StateNode.Custom _ :: _)) -> ()
    | other -> failwithf "unexpected float32 view %A" other
