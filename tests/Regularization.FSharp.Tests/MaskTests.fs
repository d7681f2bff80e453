/// Masks from F#: which parameters they select, and that an excluded bias is left bit for bit unchanged by decay while
/// the weights shrink.
module Regularization.FSharp.Tests.MaskTests

open MathNet.Numerics.LinearAlgebra
open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private net =
    Params.ofList
        [ Params.matrix "fc1.weight" (Matrix<float>.Build.Dense(4, 3, 1.0))
          Params.vector "fc1.bias" (Matrix<float>.Build.Dense(1, 4, 1.0))
          Params.matrix "fc2.weight" (Matrix<float>.Build.Dense(2, 4, 1.0))
          Params.vector "fc2.bias" (Matrix<float>.Build.Dense(2, 1, 1.0))
          Params.matrix "norm.scale" (Matrix<float>.Build.Dense(1, 4, 1.0)) ]

[<Fact>]
let ``Masks select by rank, by name and by predicate, and combine`` () =
    let names mask = mask |> Mask.selectNames net
    Assert.Equal<string list>([ "fc1.weight"; "fc2.weight"; "norm.scale" ], names Mask.excludeBiases)
    Assert.Equal<string list>(names Mask.excludeBiases, names Mask.excludeVectors)
    Assert.Equal<string list>([ "fc1.bias"; "fc2.bias" ], Mask.excludeBiases |> Mask.negate |> names)
    Assert.Equal<string list>([ "fc1.weight"; "fc1.bias" ], names (Mask.names [ "^fc1" ]))
    Assert.Equal<string list>([ "fc1.weight"; "fc2.weight" ], Mask.excludeBiases |> Mask.andAlso (Mask.excludeNames [ "norm" ]) |> names)
    Assert.Equal<string list>([ "fc2.weight"; "fc2.bias" ], Mask.only [ "fc2.weight" ] |> Mask.orElse (Mask.names [ "fc2" ]) |> names)
    Assert.Equal<string list>([ "fc1.weight"; "fc2.weight" ], names (Mask.where "more than one row" (fun p -> p.Rows > 1 && not p.IsVector)))
    Assert.Empty(names Mask.none)
    Assert.Equal(5, (Mask.all |> Mask.select net).Count)
    Assert.True(Mask.excludeBiases |> Mask.contains net["fc1.weight"])
    Assert.False(Mask.excludeBiases |> Mask.contains net["fc1.bias"])
    Assert.Equal("matrices only (vectors such as biases excluded)", Mask.describe Mask.excludeBiases)

[<Fact>]
let ``Bad masks are refused with their names`` () =
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Mask.names [] |> ignore)
    Assert.Equal("patterns", e.ParamName)
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Mask.excludeNames [ "(" ] |> ignore)
    Assert.Equal("patterns", e.ParamName)
    let e = Assert.ThrowsAny<System.ArgumentException>(fun () -> Mask.where " " (fun _ -> true) |> ignore)
    Assert.Equal("description", e.ParamName)

let private decayOnly (problem: Problem<'T>) (mask: Mask) =
    // Zero gradients: Adam's step is 0, so only the decay moves the parameters.
    let adamw = Optim.adamW { AdamW.defaults with LearningRate = Schedule.constant 0.1; WeightDecay = Schedule.constant 0.5; DecayMask = mask }
    Optimizer.start adamw problem.Initial |> Optimizer.run adamw Params.zerosLike 10 |> fst

[<Fact>]
let ``Excluded biases are left unchanged by decay, bit for bit, in both element types`` () =
    let check (problem: Problem<'T>) (toFloat: 'T -> float) =
        let masked = decayOnly problem Mask.excludeBiases
        let unmasked = decayOnly problem Mask.all
        let b0 = elements "b" problem.Initial
        Assert.Equal<'T[]>(b0, elements "b" masked)
        // The weights shrink by (1 - 0.1 * 0.5) per step, masked or not; the unmasked bias shrinks the same way.
        let expected = 0.95 ** 10.0

        for w0, w in Array.zip (elements "W" problem.Initial) (elements "W" masked) do
            Assert.True(abs (toFloat w - expected * toFloat w0) <= 1e-6 * abs (toFloat w0), sprintf "%g vs %g" (toFloat w) (expected * toFloat w0))

        Assert.Equal<'T[]>(elements "W" masked, elements "W" unmasked)

        for b0, b in Array.zip b0 (elements "b" unmasked) do
            Assert.True(abs (toFloat b - expected * toFloat b0) <= 1e-6 * abs (toFloat b0))

    check problem64 id
    check problem32 float

[<Fact>]
let ``Transform.masked in a hand-written chain is the optimizer's DecayMask`` () =
    let lr = Schedule.constant 0.05
    let byHand =
        Transform.chain
            [ Transform.scaleByAdam 0.9 0.999 1e-8
              Transform.scaleByLearningRate lr
              Transform.addDecoupledWeightDecay DecayScaling.LearningRate lr (Schedule.constant 0.01)
              |> Transform.masked Mask.excludeBiases ]
        |> Transform.guardNonFinite NonFinitePolicy.Throw

    let option = Optim.adamW { AdamW.defaults with LearningRate = lr; WeightDecay = Schedule.constant 0.01; DecayMask = Mask.excludeBiases }
    Assert.Equal<IGradientTransform>(option, byHand)
    let p = problem64
    let a, _ = Optimizer.start byHand p.Initial |> Optimizer.run byHand (gradient p) 25
    let b, _ = Optimizer.start option p.Initial |> Optimizer.run option (gradient p) 25
    assertBits "25 steps" a b
