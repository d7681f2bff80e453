/// Parameter groups from F#: each group's optimizer on its own parameters, checked against running the two optimizers
/// separately on the two subsets, and the decay plan and state of the result.
module Regularization.FSharp.Tests.GroupTests

open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private c = Schedule.constant
let private weightsOpt = Optim.sgd (c 0.05) { Sgd.defaults with Momentum = 0.9; WeightDecay = c 5e-3 }
let private biasesOpt = Optim.adam { Adam.defaults with LearningRate = c 0.01 }

let private grouped =
    Optim.groups [ Group.create "weights" Mask.excludeBiases weightsOpt; Group.create "biases" Mask.all biasesOpt ]

let private sameAsSeparate (problem: Problem<'T>) =
    // The reference: split the parameters and gradients by hand, step each optimizer on its subset, put them back.
    let pick (names: string list) (set: ParamSet<'T>) = Params.ofList [ for (n: string) in names -> set[n] ]
    let w, b = [ "W" ], [ "b" ]
    let start = problem.Initial
    let mutable sw = Optimizer.init weightsOpt (pick w start)
    let mutable sb = Optimizer.init biasesOpt (pick b start)
    let mutable reference = start

    Optimizer.start grouped start
    |> Optimizer.trajectory grouped (gradient problem)
    |> Seq.take 30
    |> Seq.iteri (fun k (actual, _) ->
        let g = gradient problem reference
        let pw, sw' = Optimizer.step weightsOpt (pick w reference) sw (pick w g)
        let pb, sb' = Optimizer.step biasesOpt (pick b reference) sb (pick b g)
        sw <- sw'
        sb <- sb'
        reference <- Params.ofList [ pw["W"]; pb["b"] ]
        assertBits (sprintf "step %d" (k + 1)) reference actual)

[<Fact>]
let ``Groups give each group's optimizer on its own parameters, bit for bit, in both element types`` () =
    sameAsSeparate problem64
    sameAsSeparate problem32

[<Fact>]
let ``Optim.groups equals Optimizers.Groups`` () =
    let cs = Optimizers.Groups([ ParamGroup("weights", Mask.ExcludeVectors, weightsOpt); ParamGroup("biases", Mask.All, biasesOpt) ])
    Assert.Equal<IGradientTransform>(cs, grouped)
    Assert.Equal("weights", Group.name (Group.create "weights" Mask.all weightsOpt))

[<Fact>]
let ``A grouped optimizer's plan and state read as unions`` () =
    let plan = Plan.describe grouped problem64.Initial

    match plan |> Plan.entriesFor "W", plan |> Plan.entriesFor "b" with
    | [ { Kind = Regularizer.Coupled; Shrink = Shrink w } ], [ { Kind = Regularizer.Unregularized; Shrink = Shrink b } ] ->
        Assert.Equal(1.0 - 0.05 * 5e-3, w)
        Assert.Equal(1.0, b)
    | other -> failwithf "unexpected plan %A" other

    let _, state = Optimizer.start grouped problem64.Initial |> Optimizer.run grouped (gradient problem64) 3

    match State.view<float> state with
    | StateNode.Guarded({ SkippedSteps = 0L }, StateNode.Groups [ weights; biases ]) ->
        Assert.Equal<string list>([ "momentum_buffer" ], State.slot<float> "momentum_buffer" state |> List.map (fun _ -> "momentum_buffer"))
        Assert.Equal<string list>([ "W" ], State.slot<float> "momentum_buffer" state |> List.exactlyOne |> Params.names)
        Assert.Equal<string list>([ "b" ], State.slot<float> "exp_avg" state |> List.exactlyOne |> Params.names)

        match weights, biases with
        | StateNode.Chain _, StateNode.Chain _ -> ()
        | other -> failwithf "unexpected group states %A" other
    | other -> failwithf "unexpected state %A" other

    Assert.Equal(Some { SkippedSteps = 0L; ZeroedEntries = 0L; ZeroedSteps = 0L }, State.nonFinite state)
    Assert.Equal(None, State.nonFinite (Optimizer.init (Optim.withoutNonFiniteGuard grouped) problem64.Initial))

[<Fact>]
let ``Duplicate group names are refused`` () =
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Optim.groups [ Group.create "g" Mask.all weightsOpt; Group.create "g" Mask.all biasesOpt ] |> ignore)
    Assert.Equal("groups", e.ParamName)
