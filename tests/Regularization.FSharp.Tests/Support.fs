/// Shared pieces of the Regularization.FSharp tests: a least-squares problem with a weight matrix and a bias in both
/// element types, bit-level comparisons, and the repository's root.
module Regularization.FSharp.Tests.Support

open System
open System.IO
open MathNet.Numerics.LinearAlgebra
open Regularization
open Regularization.FSharp
open Xunit

/// min mean((X W + 1 b - Y)^2) with W 3x2 (rank 2) and b 1x2 (rank 1, a bias), in element type 'T.
type Problem<'T when 'T: struct and 'T :> IEquatable<'T> and 'T :> IFormattable and 'T: (new: unit -> 'T) and 'T :> ValueType> =
    { X: Matrix<'T>
      Y: Matrix<'T>
      Ones: Matrix<'T>
      Scale: 'T
      Initial: ParamSet<'T> }

let private data () =
    let x = Matrix<float>.Build.Random(64, 3, 7)
    let trueW = Matrix<float>.Build.DenseOfArray(array2D [ [ 1.0; -2.0 ]; [ 0.5; 0.5 ]; [ 0.0; 1.0 ] ])
    let y = x * trueW + 0.3
    let w0 = Matrix<float>.Build.Random(3, 2, 11) * 0.1
    let b0 = Matrix<float>.Build.Dense(1, 2, [| 0.2; -0.1 |])
    x, y, w0, b0

let problem64 : Problem<float> =
    let x, y, w0, b0 = data ()
    { X = x
      Y = y
      Ones = Matrix<float>.Build.Dense(x.RowCount, 1, 1.0)
      Scale = 2.0 / float x.RowCount
      Initial = Params.ofList [ Params.matrix "W" w0; Params.vector "b" b0 ] }

let problem32 : Problem<float32> =
    let x, y, w0, b0 = data ()
    let single (m: Matrix<float>) = m.Map(fun v -> float32 v)
    { X = single x
      Y = single y
      Ones = Matrix<float32>.Build.Dense(x.RowCount, 1, 1.0f)
      Scale = 2.0f / float32 x.RowCount
      Initial = Params.ofList [ Params.matrix "W" (single w0); Params.vector "b" (single b0) ] }

/// The gradient of the mean squared error: (2/N) X^T r and (2/N) 1^T r with r = X W + 1 b - Y.
let gradient (problem: Problem<'T>) (p: ParamSet<'T>) : ParamSet<'T> =
    let residual = (problem.X.Multiply(Params.value "W" p) + problem.Ones.Multiply(Params.value "b" p)).Subtract(problem.Y)
    Params.ofList
        [ Params.matrix "W" (problem.X.TransposeThisAndMultiply(residual).Multiply(problem.Scale))
          Params.vector "b" (problem.Ones.TransposeThisAndMultiply(residual).Multiply(problem.Scale)) ]

/// The elements of a parameter, column-major.
let elements name (p: ParamSet<'T>) = (Params.value name p).ToColumnMajorArray()

/// Asserts two sets are equal bit for bit, naming the step.
let assertBits (what: string) (expected: ParamSet<'T>) (actual: ParamSet<'T>) =
    Assert.True(Params.bitwiseEquals expected actual, sprintf "%s: %O <> %O" what expected actual)

/// Runs a transform the way a C# user writes it (Update, then Updates.Apply), for comparison with the F# functions.
let csharpTrajectory (transform: IGradientTransform) (gradientOf: ParamSet<'T> -> ParamSet<'T>) (steps: int) (p0: ParamSet<'T>) =
    let mutable p = p0
    let mutable s = transform.Init p0

    [ for _ in 1..steps do
          let result = transform.Update(gradientOf p, s, p)
          p <- Updates.Apply(p, result.Updates)
          s <- result.State
          yield p, s ]

/// The directory of the repository (the one holding Regularization.sln).
let repositoryRoot () =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "Regularization.sln not found above the test sources"
        | dir when File.Exists(Path.Combine(dir.FullName, "Regularization.sln")) -> dir.FullName
        | dir -> up dir.Parent

    up (DirectoryInfo(__SOURCE_DIRECTORY__))
