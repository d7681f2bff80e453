/// The F# equivalent of the C# builder: an options record, piped through `Optim.withProximal` and
/// `Optim.withNonFinitePolicy`, is the builder's `ToTransform()` as a value, and its pure steps give the bits of the
/// builder's in-place `Build(...)` optimizer.
module Regularization.FSharp.Tests.BuilderTests

open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private lr = Schedule.cosine 0.05 40 |> Schedule.withWarmup 5

let private fsharpAdamW =
    Optim.adamW
        { AdamW.defaults with
            LearningRate = lr
            WeightDecay = Schedule.constant 0.05
            DecayScaling = DecayScaling.ScheduleMultiplier
            AmsGrad = true
            DecayMask = Mask.excludeBiases }
    |> Optim.withProximal { ProximalStep.l1 1e-3 with LearningRate = Some lr; Scaling = DecayScaling.ScheduleMultiplier; Mask = Mask.excludeBiases }
    |> Optim.withNonFinitePolicy NonFinitePolicy.Skip

let private builderAdamW =
    Optimizer
        .AdamW(0.05)
        .LearningRate(lr)
        .WeightDecay(Regularization.Schedule.Constant 0.05)
        .DecayScaling(DecayScaling.ScheduleMultiplier)
        .AmsGrad()
        .ExcludeBiases()
        .ProximalL1(1e-3)
        .OnNonFinite(NonFinitePolicy.Skip)

let private fsharpSgd =
    Optim.sgd (Schedule.constant 0.1) { Sgd.defaults with Momentum = 0.9; Nesterov = true; WeightDecay = Schedule.constant 5e-4; DecayMask = Mask.excludeBiases }
    |> Optim.withProximal { ProximalStep.elasticNet 1e-3 0.5 with Mask = Mask.excludeBiases }

let private builderSgd =
    Optimizer.Sgd(0.1).Momentum(0.9, nesterov = true).WeightDecay(Regularization.Schedule.Constant 5e-4).ExcludeBiases().ProximalElasticNet(1e-3, 0.5)

[<Fact>]
let ``The options record and pipeline equal the C# builder's transform`` () =
    Assert.Equal<IGradientTransform>(builderAdamW.ToTransform(), fsharpAdamW)
    Assert.Equal<IGradientTransform>(builderSgd.ToTransform(), fsharpSgd)
    // README's example of the builder and its F# equivalent.
    Assert.Equal<IGradientTransform>(
        Optimizer.AdamW(1e-3).WeightDecay(Regularization.Schedule.Constant 0.05).ExcludeBiases().ProximalL1(1e-3).ToTransform(),
        Optim.adamW { AdamW.defaults with WeightDecay = Schedule.constant 0.05; DecayMask = Mask.excludeBiases }
        |> Optim.withProximal { ProximalStep.l1 1e-3 with Mask = Mask.excludeBiases }
    )
    // Without a learning rate the proximal step finds the optimizer's own, the same schedule.
    let found = Optim.sgd (Schedule.constant 0.1) Sgd.defaults |> Optim.withProximalL1 0.01
    Assert.Equal<IGradientTransform>(Optimizer.Sgd(0.1).ProximalL1(0.01).ToTransform(), found)

let private sameAsBuilt (problem: Problem<'T>) (fs: IGradientTransform) (builder: OptimizerBuilder) =
    let built = builder.Build(Params.copy problem.Initial)
    Assert.True(built.IsFused)

    Optimizer.start fs problem.Initial
    |> Optimizer.trajectory fs (gradient problem)
    |> Seq.take 60
    |> Seq.iteri (fun k (pure', state) ->
        built.Step(gradient problem built.Parameters)
        assertBits (sprintf "step %d" (k + 1)) pure' built.Parameters
        Assert.Equal(state, built.State)
        Assert.Equal(Plan.describeAt built.StepCount fs problem.Initial, Plan.ofCore (built.DescribeDecay())))

[<Fact>]
let ``Pure F# steps give the bits of the builder's in-place optimizer, in both element types`` () =
    sameAsBuilt problem64 fsharpAdamW builderAdamW
    sameAsBuilt problem32 fsharpAdamW builderAdamW
    sameAsBuilt problem64 fsharpSgd builderSgd
    sameAsBuilt problem32 fsharpSgd builderSgd

[<Fact>]
let ``Optimizer.inPlace is the facade over an F# optimizer`` () =
    let p = problem64
    let live = Optimizer.inPlace fsharpSgd (Params.copy p.Initial)

    for _ in 1..20 do
        live.Step(gradient p live.Parameters)

    let pure', state = Optimizer.start fsharpSgd p.Initial |> Optimizer.run fsharpSgd (gradient p) 20
    assertBits "20 steps" pure' live.Parameters
    Assert.Equal(state, live.State)
    Assert.Equal(20L, live.StepCount)
