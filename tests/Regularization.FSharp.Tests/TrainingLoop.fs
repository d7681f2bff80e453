/// A small training loop on a toy least-squares problem, written as an F# user would: records for the
/// configuration, pipelines, no mutation. It uses the functional core only.
module Regularization.FSharp.Tests.TrainingLoop

open MathNet.Numerics.LinearAlgebra
open Regularization
open Xunit

type Problem = { X: Matrix<float>; Y: Matrix<float> }

type Config =
    { Optimizer: IGradientTransform
      LossTerm: Penalty option
      Steps: int }

type Progress =
    { Parameters: ParamSet<float>
      State: TransformState
      Losses: float list }

/// y = X w_true with w_true sparse: three informative features out of eight.
let problem =
    let x = Matrix<float>.Build.Random(120, 8, 3)
    let truth = Matrix<float>.Build.Dense(8, 1, [| 2.0; -1.0; 0.5; 0.0; 0.0; 0.0; 0.0; 0.0 |])
    { X = x; Y = x * truth }

let start = ParamSet.Of [ Param.Of("w", Matrix<float>.Build.Dense(8, 1)) ]

let residual problem (p: ParamSet<float>) = problem.X * p["w"].Value - problem.Y

let mse problem p =
    let r = residual problem p
    r.PointwisePower(2.0).ColumnSums().[0] / float problem.X.RowCount

let gradient problem (p: ParamSet<float>) =
    let g = problem.X.TransposeThisAndMultiply(residual problem p) * (2.0 / float problem.X.RowCount)
    ParamSet.Of [ Param.Of("w", g) ]

/// The loss gradient plus the penalty's, as autograd would give for loss + penalty.
let totalGradient problem config (p: ParamSet<float>) =
    match config.LossTerm with
    | None -> gradient problem p
    | Some term -> (gradient problem p).Zip(term.Gradient p, fun g r -> g.Value + r.Value)

let loss problem config p =
    mse problem p + (config.LossTerm |> Option.map (fun t -> t.Value p) |> Option.defaultValue 0.0)

let step problem config progress _ =
    let next = config.Optimizer.Update(totalGradient problem config progress.Parameters, progress.State, progress.Parameters)
    let parameters = Updates.Apply(progress.Parameters, next.Updates)
    { Parameters = parameters
      State = next.State
      Losses = loss problem config parameters :: progress.Losses }

let train problem config =
    let initial = { Parameters = start; State = config.Optimizer.Init start; Losses = [] }
    seq { 1 .. config.Steps } |> Seq.fold (step problem config) initial

let weights progress = progress.Parameters["w"].Value.ToColumnMajorArray()

[<Fact>]
let ``SGD with momentum fits the toy problem`` () =
    let result = train problem { Optimizer = Optimizers.Sgd(learningRate = 0.05, momentum = 0.9); LossTerm = None; Steps = 400 }
    Assert.True(mse problem result.Parameters < 1e-10)
    Assert.Equal(2.0, (weights result).[0], 6)

[<Fact>]
let ``L2 in the loss equals SGD weight decay of twice lambda, step for step`` () =
    let lambda = 0.01
    let inLoss = train problem { Optimizer = Optimizers.Sgd(learningRate = 0.05); LossTerm = Some(Penalties.L2 lambda); Steps = 200 }
    let decay =
        train problem { Optimizer = Optimizers.Sgd(learningRate = 0.05, weightDecay = Conventions.TorchWeightDecayFromL2 lambda); LossTerm = None; Steps = 200 }
    Array.zip (weights inLoss) (weights decay)
    |> Array.iter (fun (a, b) -> Assert.True(abs (a - b) <= 1e-13 * (1.0 + abs a), sprintf "%g vs %g" a b))
    // L2 shrinks the weights but leaves none exactly zero (the uninformative ones end small, not zero).
    Assert.DoesNotContain(0.0, weights decay)
    Assert.True(weights decay |> Array.skip 3 |> Array.forall (fun v -> abs v < 0.05))
    Assert.True(List.head inLoss.Losses < List.last inLoss.Losses)

[<Fact>]
let ``Proximal L1 after SGD finds the sparse solution with exact zeros`` () =
    let sgd = Optimizers.Sgd(learningRate = 0.05, momentum = 0.5)
    let config = { Optimizer = Optimizers.WithProximalL1(sgd, l1 = 0.02); LossTerm = None; Steps = 1500 }
    let w = train problem config |> weights
    Assert.Equal<float>([| 0.0; 0.0; 0.0; 0.0; 0.0 |], w.[3..])
    Assert.True(abs (w.[0] - 2.0) < 0.05)

[<Fact>]
let ``The decay plan reads naturally from F#`` () =
    let opt = Optimizers.AdamW(learningRate = 0.01, weightDecay = 0.1)
    let plan = DecayPlan.Of(opt, start)
    let entry = plan.For "w" |> Seq.exactlyOne
    Assert.Equal(DecayKind.Decoupled, entry.Kind)
    Assert.Equal(1.0 - 0.001, entry.Shrink, 15)
