/// Checkpoints from F#: a state saved as bytes and loaded again resumes to the bits of an uninterrupted run, pure and
/// in place, in both element types; bytes that do not fit are an `Error` (tryLoad) or an InvalidDataException (load).
module Regularization.FSharp.Tests.CheckpointTests

open System.IO
open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

let private c = Schedule.constant

/// Several kinds of state at once: groups, AdamW's moments, SGD's momentum, a warm-up schedule's count, a guard.
let private optimizer =
    Optim.groupsWith
        NonFinitePolicy.Skip
        [ Group.create
              "weights"
              Mask.excludeBiases
              (Optim.adamW { AdamW.defaults with LearningRate = Schedule.cosine 0.05 40 |> Schedule.withWarmup 5; WeightDecay = c 0.01 })
          Group.create "biases" Mask.all (Optim.sgd (c 0.05) { Sgd.defaults with Momentum = 0.9 }) ]

let private resumeEqualsUninterrupted (problem: Problem<'T>) =
    let start = Optimizer.start optimizer problem.Initial
    let uninterrupted, finalState = start |> Optimizer.run optimizer (gradient problem) 20
    let halfway, halfState = start |> Optimizer.run optimizer (gradient problem) 10
    let bytes = halfState |> Checkpoint.save optimizer halfway
    let loaded = bytes |> Checkpoint.load optimizer halfway
    Assert.Equal(halfState, loaded)
    let resumed, resumedState = (halfway, loaded) |> Optimizer.run optimizer (gradient problem) 10
    assertBits "resumed after 10 + 10 steps" uninterrupted resumed
    Assert.Equal(finalState, resumedState)
    Assert.Equal<byte[]>(Checkpoint.save optimizer uninterrupted finalState, Checkpoint.save optimizer resumed resumedState)
    // The in-place facade resumed from the same bytes gives the same bits too.
    let live = Optimizer.inPlaceFrom optimizer (Params.copy halfway) (Checkpoint.load optimizer halfway bytes)

    for _ in 1..10 do
        live.Step(gradient problem live.Parameters)

    assertBits "in place, resumed" uninterrupted live.Parameters
    bytes

[<Fact>]
let ``A checkpoint resumes to the bits of the uninterrupted run, in float64 and float32`` () =
    let bytes64 = resumeEqualsUninterrupted problem64
    let bytes32 = resumeEqualsUninterrupted problem32
    // float32 slots are stored as 4-byte floats.
    Assert.True(bytes32.Length < bytes64.Length, sprintf "%d vs %d bytes" bytes32.Length bytes64.Length)

[<Fact>]
let ``Bytes that are not this optimizer's state are an Error or an InvalidDataException`` () =
    let p64 = problem64.Initial
    let p32 = problem32.Initial

    match Checkpoint.tryLoad optimizer p64 [| 1uy; 2uy; 3uy |] with
    | Error why -> Assert.Contains("RGSTATE1", why)
    | Ok state -> failwithf "garbage loaded as %O" state

    let bytes32 = Optimizer.init optimizer p32 |> Checkpoint.save optimizer p32

    match Checkpoint.tryLoad optimizer p64 bytes32 with
    | Error why -> Assert.Contains("float32", why)
    | Ok state -> failwithf "float32 state loaded as float64: %O" state

    let other = Optim.adam Adam.defaults
    let bytes = Optimizer.init optimizer p64 |> Checkpoint.save optimizer p64
    Assert.True(Checkpoint.tryLoad other p64 bytes |> Result.isError)
    Assert.Throws<InvalidDataException>(fun () -> Checkpoint.load optimizer p64 bytes[.. bytes.Length - 2] |> ignore) |> ignore

    match Checkpoint.tryLoad optimizer p64 bytes with
    | Ok state -> Assert.Equal(Optimizer.init optimizer p64, state)
    | Error why -> failwith why
