/// The README's F# quick start, compiled and run by ReadmeTests.fs. The code between the snippet markers is exactly
/// what README.md shows, and what it prints is exactly README's output block (tests compare both).
module Regularization.FSharp.Tests.ReadmeQuickStart

/// What the snippet printed: its printfn is this one, which keeps the formatted lines instead of writing them out.
let printed = System.Text.StringBuilder()

let private printfn (format: Printf.StringFormat<'a, unit>) =
    Printf.kprintf (fun line -> printed.Append(line).Append('\n') |> ignore) format

// begin-snippet: fsharp-quickstart
open MathNet.Numerics.LinearAlgebra
open Regularization
open Regularization.FSharp

// Least squares with a weight matrix and a bias: minimize mean((X W + 1 b - Y)^2).
let X = Matrix<float>.Build.Random(200, 3, 42)
let Y = X * Matrix<float>.Build.DenseOfArray(array2D [ [ 1.0; -2.0 ]; [ 0.5; 0.5 ]; [ 0.0; 1.0 ] ]) + 0.3
let ones = Matrix<float>.Build.Dense(200, 1, 1.0)

let gradient (p: ParamSet<float>) =
    let residual = X * Params.value "W" p + ones * Params.value "b" p - Y
    Params.ofList
        [ Params.matrix "W" (X.TransposeThisAndMultiply residual * (2.0 / 200.0))
          Params.vector "b" (ones.TransposeThisAndMultiply residual * (2.0 / 200.0)) ]

// AdamW as a value: a warm-up then cosine learning rate, decoupled decay on the weights only.
let adamw =
    Optim.adamW
        { AdamW.defaults with
            LearningRate = Schedule.cosine 0.05 450 |> Schedule.withWarmup 50
            WeightDecay = Schedule.constant 0.01
            DecayMask = Mask.excludeBiases }

let initial =
    Params.ofList [ Params.matrix "W" (Matrix<float>.Build.Dense(3, 2)); Params.vector "b" (Matrix<float>.Build.Dense(1, 2)) ]

// 250 steps, a checkpoint as bytes, then 250 more from the checkpoint: the bits of 500 steps in one go.
let halfway, state = Optimizer.start adamw initial |> Optimizer.run adamw gradient 250
let checkpoint = Checkpoint.save adamw halfway state
let fitted, _ = (halfway, Checkpoint.load adamw halfway checkpoint) |> Optimizer.run adamw gradient 250

for p in fitted do
    printfn "%s = [%s]" p.Name (p.Value.ToRowMajorArray() |> Array.map (sprintf "%.3f") |> String.concat "; ")

// Which parameter is decayed, and by how much, at step 250.
for entry in (Plan.describeAt 250L adamw initial).Entries do
    match entry.Kind, entry.Shrink with
    | Regularizer.Decoupled, Shrink factor -> printfn "%s: decoupled decay, x%.8f per step" entry.Parameter factor
    | Regularizer.Unregularized, _ -> printfn "%s: not decayed" entry.Parameter
    | kind, _ -> printfn "%s: %A" entry.Parameter kind
// end-snippet
