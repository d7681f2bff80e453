/// `Transform` from F#: each primitive, chained by hand the way the C# factories document their chains, is the
/// factory's optimizer as a value (so every argument lands in the right place), and the combinators behave.
module Regularization.FSharp.Tests.TransformTests

open MathNet.Numerics.LinearAlgebra
open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private c = Schedule.constant
let private guarded = Transform.guardNonFinite NonFinitePolicy.Throw
let private lr = c 0.05

/// (name, chain written with Transform, the factory's optimizer).
let private chains : (string * IGradientTransform * IGradientTransform) list =
    [ "sgd coupled decay and momentum",
      Transform.chain [ Transform.addDecayedWeights (c 1e-3); Transform.trace 0.9; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Sgd(0.05, momentum = 0.9, weightDecay = 1e-3)
      "sgd nesterov", Transform.chain [ Transform.nesterov 0.9; Transform.scaleByLearningRate lr ] |> guarded, Optimizers.Sgd(0.05, momentum = 0.9, nesterov = true)
      "sgd dampening maximize",
      Transform.chain [ Transform.scale -1.0; Transform.traceDampened 0.25 0.5; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Sgd(0.05, momentum = 0.5, dampening = 0.25, maximize = true)
      "sgdW",
      Transform.chain [ Transform.trace 0.9; Transform.scaleByLearningRate lr; Transform.addDecoupledWeightDecay DecayScaling.LearningRate lr (c 0.01) ] |> guarded,
      Optimizers.SgdW(0.05, 0.01, momentum = 0.9)
      "amsgrad", Transform.chain [ Transform.scaleByAmsGrad 0.8 0.99 1e-7; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Adam(0.05, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7, amsgrad = true)
      "rmsprop", Transform.chain [ Transform.scaleByRmsProp 0.9 1e-6; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.RmsProp(0.05, alpha = 0.9, epsilon = 1e-6)
      "adamax", Transform.chain [ Transform.scaleByAdamax 0.8 0.99 1e-7; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Adamax(0.05, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7)
      "adadelta", Transform.chain [ Transform.scaleByAdadelta 0.8 1e-5; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Adadelta(0.05, rho = 0.8, epsilon = 1e-5)
      "nadam", Transform.chain [ Transform.scaleByNAdam 0.8 0.99 1e-7 1e-3; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.NAdam(0.05, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7, momentumDecay = 1e-3)
      "radam", Transform.chain [ Transform.scaleByRAdam 0.8 0.99 1e-7; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.RAdam(0.05, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7)
      "lion", Transform.chain [ Transform.scaleByLion 0.8 0.95; Transform.scaleByLearningRate lr ] |> guarded, Optimizers.Lion(0.05, beta1 = 0.8, beta2 = 0.95)
      "lamb",
      Transform.chain [ Transform.scaleByAdam 0.9 0.999 1e-6; Transform.scaleByTrustRatio 1.0 0.0; Transform.scaleByLearningRate lr ] |> guarded,
      Optimizers.Lamb(0.05)
      "proximal L1",
      Transform.chain [ Transform.scaleByLearningRate lr; Transform.proximalL1 DecayScaling.LearningRate lr (c 0.02) ] |> guarded,
      Optimizers.WithProximalL1(Optimizers.Sgd(0.05), 0.02)
      "proximal elastic net",
      Transform.chain [ Transform.scaleByLearningRate lr; Transform.proximalElasticNet DecayScaling.ScheduleMultiplier lr 0.02 0.5 ] |> guarded,
      Optimizers.WithProximalElasticNet(Optimizers.Sgd(0.05), 0.02, 0.5, scaling = DecayScaling.ScheduleMultiplier) ]

let transformChains () : seq<obj[]> = chains |> Seq.map (fun (name, _, _) -> [| name :> obj |])

[<Theory; MemberData(nameof transformChains)>]
let ``A chain written with Transform is the factory's optimizer`` (name: string) =
    let _, byHand, factory = chains |> List.find (fun (n, _, _) -> n = name)
    Assert.Equal<IGradientTransform>(factory, byHand)
    let p = problem64
    let a, _ = Optimizer.start byHand p.Initial |> Optimizer.run byHand (gradient p) 10
    let b, _ = Optimizer.start factory p.Initial |> Optimizer.run factory (gradient p) 10
    assertBits name b a

[<Fact>]
let ``Identity passes updates through and scale multiplies them`` () =
    let p = problem64.Initial
    let g = gradient problem64 p
    let same, state = Optimizer.update Transform.identity p (Optimizer.init Transform.identity p) g
    Assert.Same(g, same)
    Assert.Equal(EmptyState.Instance :> TransformState, state)
    let doubled, _ = Optimizer.update (Transform.scale 2.0) p (Optimizer.init (Transform.scale 2.0) p) g
    Assert.Equal<float[]>(elements "W" g |> Array.map (fun v -> 2.0 * v), elements "W" doubled)

[<Fact>]
let ``A masked transform leaves the excluded parameters' updates as they came`` () =
    let p = problem64.Initial
    let g = gradient problem64 p
    let decay = Transform.addDecayedWeights (c 0.5) |> Transform.masked Mask.excludeBiases
    let u, _ = Optimizer.update decay p (Optimizer.init decay p) g
    Assert.Equal<float[]>(elements "b" g, elements "b" u)
    Assert.Equal<float[]>(Array.map2 (fun gw pw -> gw + 0.5 * pw) (elements "W" g) (elements "W" p), elements "W" u)

[<Fact>]
let ``Transform.partition keeps each group's own guard, Optim.groups replaces them with one`` () =
    let sgd = Optim.sgd lr Sgd.defaults
    let groups = [ Group.create "w" Mask.excludeBiases sgd; Group.create "rest" Mask.all sgd ]
    Assert.Equal<IGradientTransform>(Transforms.Partition(List.toArray groups), Transform.partition groups)
    Assert.NotEqual<IGradientTransform>(Transform.partition groups, Optim.groups groups)
    let p = problem64
    let a, _ = Optimizer.start (Transform.partition groups) p.Initial |> Optimizer.run (Transform.partition groups) (gradient p) 5
    let b, _ = Optimizer.start (Optim.groups groups) p.Initial |> Optimizer.run (Optim.groups groups) (gradient p) 5
    assertBits "5 steps" a b

[<Fact>]
let ``A non-finite gradient is skipped under Skip and refused under Throw`` () =
    let p = problem64.Initial
    let bad = gradient problem64 p |> Params.map (fun q -> q.Value.Map(fun v -> if q.Name = "b" then nan else v))
    let skipping = Optim.adam Adam.defaults |> Optim.withNonFinitePolicy NonFinitePolicy.Skip
    let p1, s1 = Optimizer.step skipping p (Optimizer.init skipping p) bad
    assertBits "skipped" p p1
    Assert.Equal(Some 1L, State.nonFinite s1 |> Option.map (fun counts -> counts.SkippedSteps))
    let throwing = Optim.adam Adam.defaults
    Assert.Throws<NonFiniteGradientException>(fun () -> Optimizer.step throwing p (Optimizer.init throwing p) bad |> ignore) |> ignore
    // Without the guard the NaN flows into the parameters, as in PyTorch.
    let unguarded = throwing |> Optim.withoutNonFiniteGuard
    let p2, _ = Optimizer.step unguarded p (Optimizer.init unguarded p) bad
    Assert.True(elements "b" p2 |> Array.forall System.Double.IsNaN)

[<Fact>]
let ``Params functions build, read and map parameter sets without mutating them`` () =
    let w = Matrix<float>.Build.Dense(2, 2, [| 1.0; 2.0; 3.0; 4.0 |])
    let p = Params.ofList [ Params.matrix "W" w; Params.ofVector "b" (Vector<float>.Build.Dense [| 5.0; 6.0 |]) ]
    Assert.Equal<string list>([ "W"; "b" ], Params.names p)
    Assert.Equal<int list>([ 2; 1 ], Params.toList p |> List.map (fun q -> q.Rank))
    Assert.Same(w, Params.value "W" p)
    Assert.True((Params.tryFind "b" p).IsSome)
    Assert.True((Params.tryFind "c" p).IsNone)
    let doubled = p |> Params.map (fun q -> q.Value * 2.0)
    Assert.Equal<float[]>([| 2.0; 4.0; 6.0; 8.0 |], elements "W" doubled)
    Assert.Equal<float[]>([| 1.0; 2.0; 3.0; 4.0 |], elements "W" p)
    let summed = Params.map2 (fun a b -> a.Value + b.Value) p doubled
    Assert.Equal<float[]>([| 15.0; 18.0 |], elements "b" summed)
    Assert.Equal<float[]>([| 0.0; 0.0 |], elements "b" (Params.zerosLike p))
    let applied = p |> Params.apply doubled
    Assert.Equal<float[]>([| 3.0; 6.0; 9.0; 12.0 |], elements "W" applied)
    let copy = Params.copy p
    Assert.NotSame(Params.value "W" p, Params.value "W" copy)
    Assert.True(Params.bitwiseEquals p copy)
    Assert.Equal(1, (Params.vector "bias" (Matrix<float>.Build.Dense(1, 3))).Rank)
    Assert.ThrowsAny<System.ArgumentException>(fun () -> Params.ofList [ Params.matrix "W" w; Params.matrix "W" w ] |> ignore) |> ignore
