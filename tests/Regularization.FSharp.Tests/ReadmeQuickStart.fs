/// The README's F# quick start, compiled and run by ReadmeTests.fs. The code between the snippet markers is exactly
/// what README.md shows (a test compares them).
module Regularization.FSharp.Tests.ReadmeQuickStart

// begin-snippet: fsharp-quickstart
open MathNet.Numerics.LinearAlgebra
open Regularization

// Least squares, minimize mean((X w - y)^2), as an F# user writes it: values, pipelines, no mutation.
let X = Matrix<float>.Build.Random(200, 3, 42)
let y = X * Matrix<float>.Build.Dense(3, 1, [| 1.0; -2.0; 0.5 |])

let gradient (p: ParamSet<float>) =
    let residual = X * p["w"].Value - y
    ParamSet.Of [ Param.Of("w", X.TransposeThisAndMultiply(residual) * (2.0 / float X.RowCount)) ]

// PyTorch's AdamW(lr=0.05, weight_decay=0.01): a pure transform, a value like any other.
let adamw = Optimizers.AdamW(learningRate = 0.05, weightDecay = 0.01)

let train steps (p0: ParamSet<float>) =
    let step (p: ParamSet<float>, s: TransformState) _ =
        let next = adamw.Update(gradient p, s, p)
        Updates.Apply(p, next.Updates), next.State
    Seq.fold step (p0, adamw.Init p0) (seq { 1 .. steps }) |> fst

let fitted = ParamSet.Of [ Param.Of("w", Matrix<float>.Build.Dense(3, 1)) ] |> train 500
printfn "%A" (fitted["w"].Value.ToColumnMajorArray())
// end-snippet
