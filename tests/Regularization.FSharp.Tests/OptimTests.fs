/// Every `Optim` function against the C# factory it wraps: the same transform value, and the same bits at every step in
/// float64 and float32. The C# side uses the factories' double overloads, which carry PyTorch's defaults, so a wrong
/// default in an F# `defaults` record fails here; the schedule-and-mask cases use the C# schedule overloads.
module Regularization.FSharp.Tests.OptimTests

open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private c = Schedule.constant

/// (name, F# optimizer, C# optimizer built with the double overload).
let private cases : (string * IGradientTransform * IGradientTransform) list =
    [ "sgd", Optim.sgd (c 0.05) Sgd.defaults, Optimizers.Sgd(0.05)
      "sgd momentum nesterov decay",
      Optim.sgd (c 0.05) { Sgd.defaults with Momentum = 0.9; Nesterov = true; WeightDecay = c 1e-3 },
      Optimizers.Sgd(0.05, momentum = 0.9, nesterov = true, weightDecay = 1e-3)
      "sgd dampening maximize",
      Optim.sgd (c 0.05) { Sgd.defaults with Momentum = 0.5; Dampening = 0.25; Maximize = true },
      Optimizers.Sgd(0.05, momentum = 0.5, dampening = 0.25, maximize = true)
      "sgdW", Optim.sgdW (c 0.05) (c 0.01) SgdW.defaults, Optimizers.SgdW(0.05, 0.01)
      "sgdW momentum", Optim.sgdW (c 0.05) (c 0.01) { SgdW.defaults with Momentum = 0.9 }, Optimizers.SgdW(0.05, 0.01, momentum = 0.9)
      "adam", Optim.adam Adam.defaults, Optimizers.Adam()
      "adam amsgrad decay",
      Optim.adam { Adam.defaults with LearningRate = c 0.01; AmsGrad = true; WeightDecay = c 0.01; Beta1 = 0.8 },
      Optimizers.Adam(0.01, beta1 = 0.8, weightDecay = 0.01, amsgrad = true)
      "adamW", Optim.adamW AdamW.defaults, Optimizers.AdamW()
      "adamW lr wd",
      Optim.adamW { AdamW.defaults with LearningRate = c 0.05; WeightDecay = c 0.1 },
      Optimizers.AdamW(learningRate = 0.05, weightDecay = 0.1)
      "adamW amsgrad maximize eps",
      Optim.adamW { AdamW.defaults with AmsGrad = true; Maximize = true; Epsilon = 1e-6; Beta2 = 0.99 },
      Optimizers.AdamW(beta2 = 0.99, epsilon = 1e-6, amsgrad = true, maximize = true)
      "rmsProp", Optim.rmsProp RmsProp.defaults, Optimizers.RmsProp()
      "rmsProp centered momentum decay",
      Optim.rmsProp { RmsProp.defaults with Centered = true; Momentum = 0.9; WeightDecay = c 1e-3 },
      Optimizers.RmsProp(weightDecay = 1e-3, momentum = 0.9, centered = true)
      "adagrad", Optim.adagrad Adagrad.defaults, Optimizers.Adagrad()
      "adagrad lrDecay accumulator",
      Optim.adagrad { Adagrad.defaults with LrDecay = 1e-2; InitialAccumulatorValue = 0.1 },
      Optimizers.Adagrad(lrDecay = 1e-2, initialAccumulatorValue = 0.1)
      "adadelta", Optim.adadelta Adadelta.defaults, Optimizers.Adadelta()
      "adamax", Optim.adamax Adamax.defaults, Optimizers.Adamax()
      "nAdam", Optim.nAdam NAdam.defaults, Optimizers.NAdam()
      "nAdamW", Optim.nAdamW NAdamW.defaults, Optimizers.NAdamW()
      "rAdam", Optim.rAdam RAdam.defaults, Optimizers.RAdam()
      "rAdamW", Optim.rAdamW RAdamW.defaults, Optimizers.RAdamW()
      "asgd", Optim.asgd Asgd.defaults, Optimizers.Asgd()
      "asgd t0", Optim.asgd { Asgd.defaults with T0 = 3.0; WeightDecay = c 1e-3 }, Optimizers.Asgd(t0 = 3.0, weightDecay = 1e-3)
      // The schedule overloads, against the C# schedule overload (the double overload takes no schedule or mask).
      "asgd schedule mask",
      Optim.asgd { Asgd.defaults with LearningRate = Schedule.step 0.05 4 0.5; T0 = 3.0; WeightDecay = c 1e-3; DecayMask = Mask.excludeBiases },
      Optimizers.Asgd(Regularization.Schedule.Step(0.05, 4, 0.5), t0 = 3.0, weightDecay = Regularization.Schedule.Constant 1e-3, decayMask = Regularization.Mask.ExcludeVectors)
      "rprop", Optim.rprop Rprop.defaults, Optimizers.Rprop()
      "rprop schedule maximize",
      Optim.rprop { Rprop.defaults with LearningRate = Schedule.cosine 0.02 10; Maximize = true },
      Optimizers.Rprop(Regularization.Schedule.Cosine(0.02, 10), maximize = true)
      "lion", Optim.lion Lion.defaults, Optimizers.Lion()
      "lion decay", Optim.lion { Lion.defaults with WeightDecay = c 0.5 }, Optimizers.Lion(weightDecay = 0.5)
      "lamb", Optim.lamb Lamb.defaults, Optimizers.Lamb()
      "lamb decay", Optim.lamb { Lamb.defaults with WeightDecay = c 0.01 }, Optimizers.Lamb(weightDecay = 0.01)
      "lars", Optim.lars (c 0.1) Lars.defaults, Optimizers.Lars(0.1)
      "lars decay nesterov", Optim.lars (c 0.1) { Lars.defaults with WeightDecay = c 1e-3; Nesterov = true }, Optimizers.Lars(0.1, weightDecay = 1e-3, nesterov = true) ]

let optimizers () : seq<obj[]> = cases |> Seq.map (fun (name, _, _) -> [| name :> obj |])

let private find name =
    let _, fs, cs = cases |> List.find (fun (n, _, _) -> n = name)
    fs, cs

[<Theory; MemberData(nameof optimizers)>]
let ``Optim function equals the C# factory as a value`` (name: string) =
    let fs, cs = find name
    Assert.Equal<IGradientTransform>(cs, fs)

let private sameTrajectory (problem: Problem<'T>) name =
    let fs, cs = find name
    let expected = csharpTrajectory cs (gradient problem) 12 problem.Initial
    let actual = Optimizer.start fs problem.Initial |> Optimizer.trajectory fs (gradient problem) |> Seq.take 12 |> List.ofSeq

    List.zip expected actual
    |> List.iteri (fun k ((pc, sc), (pf, sf)) ->
        assertBits (sprintf "%s, step %d" name (k + 1)) pc pf
        Assert.Equal(sc, sf))

[<Theory; MemberData(nameof optimizers)>]
let ``Optim function gives the C# factory's bits at every step in float64`` (name: string) = sameTrajectory problem64 name

[<Theory; MemberData(nameof optimizers)>]
let ``Optim function gives the C# factory's bits at every step in float32`` (name: string) = sameTrajectory problem32 name

[<Fact>]
let ``The F# AdamW pipeline equals Optimizers.AdamW step for step, pure and in place`` () =
    // The issue's example: F# options record and pipeline against the C# factory, 50 steps, bit for bit.
    let fs = Optim.adamW { AdamW.defaults with LearningRate = c 0.05; WeightDecay = c 0.01 }
    let cs = Optimizers.AdamW(learningRate = 0.05, weightDecay = 0.01)
    let p = problem64
    let expected = csharpTrajectory cs (gradient p) 50 p.Initial
    let live = Optimizer.inPlace cs (Params.copy p.Initial)

    Optimizer.start fs p.Initial
    |> Optimizer.trajectory fs (gradient p)
    |> Seq.take 50
    |> Seq.iteri (fun k (pf, sf) ->
        let pc, sc = expected[k]
        live.Step(gradient p live.Parameters)
        assertBits (sprintf "pure, step %d" (k + 1)) pc pf
        assertBits (sprintf "in place, step %d" (k + 1)) pf live.Parameters
        Assert.Equal(sc, sf))

[<Fact>]
let ``Optimizer.step, update and run agree`` () =
    let opt = Optim.sgd (c 0.05) { Sgd.defaults with Momentum = 0.9 }
    let p = problem64
    let p0, s0 = Optimizer.start opt p.Initial
    let updates, s1 = Optimizer.update opt p0 s0 (gradient p p0)
    let p1, s1' = Optimizer.step opt p0 s0 (gradient p p0)
    assertBits "step = update + apply" (p0 |> Params.apply updates) p1
    Assert.Equal(s1, s1')
    let pr, sr = Optimizer.run opt (gradient p) 1 (p0, s0)
    assertBits "run 1 = step" p1 pr
    Assert.Equal(s1, sr)
    let p20, _ = Optimizer.run opt (gradient p) 20 (p0, s0)
    let t20, _ = Optimizer.trajectory opt (gradient p) (p0, s0) |> Seq.item 19
    assertBits "run 20 = trajectory item 19" p20 t20
    let same, _ = Optimizer.run opt (gradient p) 0 (p0, s0)
    Assert.Same(p0, same)
    let e = Assert.Throws<System.ArgumentOutOfRangeException>(fun () -> Optimizer.run opt (gradient p) -1 (p0, s0) |> ignore)
    Assert.Equal("steps", e.ParamName)

[<Fact>]
let ``An option that breaks PyTorch's rules is refused with its name`` () =
    let e = Assert.Throws<System.ArgumentException>(fun () -> Optim.sgd (c 0.1) { Sgd.defaults with Nesterov = true } |> ignore)
    Assert.Contains("nesterov", e.Message)
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Optim.adamW { AdamW.defaults with Beta1 = 1.0 } |> ignore)
    Assert.Equal("beta1", e.ParamName)
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Schedule.constant -0.1 |> ignore)
    Assert.Equal("value", e.ParamName)
