/// Schedules as F# values: each constructor against an independent closed form written here, warm-up and cosine
/// composed with the pipe, and a schedule driving AdamW's decoupled decay step by step.
module Regularization.FSharp.Tests.ScheduleTests

open System
open Regularization
open Regularization.FSharp
open Regularization.FSharp.Tests.Support
open Xunit

/// |a - b| <= tol * scale: errors measured against the schedule's base value (near the end of a cosine the value itself
/// goes to zero, and a one-ulp difference in the cosine's argument is a large relative error of a tiny value).
let private close tol scale (what: string) (expected: float) (actual: float) =
    Assert.True(abs (expected - actual) <= tol * scale, sprintf "%s: expected %.17g, got %.17g (|diff|/scale %.3g)" what expected actual (abs (expected - actual) / scale))

[<Fact>]
let ``Warm-up then cosine matches its closed form at every step`` () =
    // Optax's warmup_cosine_decay_schedule written out: linear from 0 to the peak over the warm-up, then half a cosine
    // period down to 0 over the decay steps, then 0. The closed form here rounds the cosine's argument differently
    // (pi * (s / T) against the core's (pi * s) / T). Observed largest |difference| / peak over 0..700: 2.8e-16; the
    // tolerance is 2 ulps of the peak.
    let peak, warmup, decay = 0.05, 50, 450
    let lr = Schedule.cosine peak decay |> Schedule.withWarmup warmup

    let expected t =
        if t < warmup then
            peak * float t / float warmup
        else
            let s = float (min (t - warmup) decay) / float decay
            0.5 * peak * (1.0 + cos (Math.PI * s))

    let values = lr |> Schedule.values 701
    Assert.Equal(701, values.Length)

    for t in 0..700 do
        close 4.4e-16 peak (sprintf "t=%d" t) (expected t) values[t]
        Assert.Equal(values[t], Schedule.at (int64 t) lr)

    Assert.Equal(0.0, values[0])
    Assert.Equal(peak, values[warmup])
    Assert.Equal(0.0, values[warmup + decay])
    Assert.Equal(0.0, values[700])

[<Fact>]
let ``Warm-up from a fraction and cosine to a final value`` () =
    let lr = Schedule.cosineTo 0.1 0.01 100 |> Schedule.withWarmupFrom 0.2 10

    for t in 0..200 do
        let expected =
            if t < 10 then
                0.1 * (0.2 + 0.8 * float t / 10.0)
            else
                let s = float (min (t - 10) 100) / 100.0
                0.01 + 0.5 * (0.1 - 0.01) * (1.0 + cos (Math.PI * s))

        // Observed largest |difference| / 0.1 over 0..200: 2.1e-16; tolerance 2 ulps.
        close 4.4e-16 0.1 (sprintf "t=%d" t) expected (Schedule.at (int64 t) lr)

    // The multiplier is the value over the base (the paper's eta(t)).
    close 2.2e-16 1.0 "multiplier" (Schedule.at 60L lr / 0.1) (Schedule.multiplier 60L lr)
    Assert.Equal(Schedule.multiplier 60L lr, lr |> Schedule.multiplierOf |> Schedule.at 60L)

[<Fact>]
let ``Step, milestones, exponential and linear decays follow PyTorch's closed forms`` () =
    let stepped = Schedule.step 0.1 30 0.5
    let milestones = Schedule.multiStep 0.1 [ 100; 150 ] 0.1
    let exponential = Schedule.exponential 0.1 0.99
    let linear = Schedule.linear 0.1 1.0 0.1 1000

    for t in [ 0; 1; 29; 30; 59; 60; 99; 100; 149; 150; 999; 1000; 5000 ] do
        let tt = int64 t
        close 1e-15 0.1 "StepLR" (0.1 * Math.Pow(0.5, float (t / 30))) (Schedule.at tt stepped)
        close 1e-15 0.1 "MultiStepLR" (0.1 * Math.Pow(0.1, float ((if t >= 100 then 1 else 0) + (if t >= 150 then 1 else 0)))) (Schedule.at tt milestones)
        close 1e-15 0.1 "ExponentialLR" (0.1 * Math.Pow(0.99, float t)) (Schedule.at tt exponential)
        close 1e-15 0.1 "LinearLR" (0.1 * (1.0 + (0.1 - 1.0) * float (min t 1000) / 1000.0)) (Schedule.at tt linear)

[<Fact>]
let ``A schedule from an F# function, products and constant factors`` () =
    let inverseSqrt = Schedule.ofFunction "1/sqrt(t+1)" 0.2 (fun t -> 1.0 / sqrt (float (t + 1L)))
    Assert.Equal(0.2 / 3.0, Schedule.at 8L inverseSqrt, 1e-17)
    Assert.Equal("0.2 * 1/sqrt(t+1)", Schedule.describe inverseSqrt)
    let scaled = Schedule.cosine 1.0 10 |> Schedule.times 1e-4
    Assert.Equal(0.5e-4, Schedule.at 5L scaled, 1e-19)
    let product = Schedule.product (Schedule.exponential 1.0 0.5) (Schedule.constant 0.1)
    Assert.Equal(0.025, Schedule.at 2L product, 1e-18)
    Assert.True(Schedule.isConstant (Schedule.constant 3.0))
    Assert.False(Schedule.isConstant scaled)
    Assert.Equal<float[]>([| 1.0; 1.0; 0.5; 0.5 |], Schedule.step 1.0 2 0.5 |> Schedule.values 4)
    Assert.Equal("0.1 * 0.5^floor(t/30)", Schedule.step 0.1 30 0.5 |> Schedule.describe)

[<Fact>]
let ``Bad schedule arguments are refused with their names`` () =
    let name (f: unit -> Schedule) = (Assert.ThrowsAny<ArgumentException>(fun () -> f () |> ignore)).ParamName
    Assert.Equal("totalSteps", name (fun () -> Schedule.cosine 0.1 0))
    Assert.Equal("final", name (fun () -> Schedule.cosineTo 0.1 0.2 10))
    Assert.Equal("stepSize", name (fun () -> Schedule.step 0.1 0 0.5))
    Assert.Equal("milestones", name (fun () -> Schedule.multiStep 0.1 [ 10; 5 ] 0.1))
    Assert.Equal("warmupSteps", name (fun () -> Schedule.constant 0.1 |> Schedule.withWarmup 0))
    Assert.Equal("gamma", name (fun () -> Schedule.exponential 0.1 1.5))
    Assert.Equal("value", name (fun () -> Schedule.constant nan))
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Schedule.constant 0.1 |> Schedule.values -1 |> ignore)
    Assert.Equal("count", e.ParamName)

[<Fact>]
let ``A warm-up cosine learning rate scales AdamW's decoupled decay at every step`` () =
    // With zero gradients Adam's step is 0 (m = v = 0), so each step only shrinks: p' = p - (lr(t) * wd) * p.
    // The expected value is computed here with the same operations, so the match is exact.
    let lr = Schedule.cosine 0.05 30 |> Schedule.withWarmup 10
    let wd = 0.1
    let adamw = Optim.adamW { AdamW.defaults with LearningRate = lr; WeightDecay = Schedule.constant wd }
    let p = problem64
    let zeros (q: ParamSet<float>) = Params.zerosLike q

    Optimizer.start adamw p.Initial
    |> Optimizer.trajectory adamw zeros
    |> Seq.take 45
    |> Seq.fold
        (fun (expected: float[], t) (actual, _) ->
            let c = Schedule.at t lr * wd
            let next = expected |> Array.map (fun v -> v + (-(c * v)))
            Assert.Equal<float[]>(next, elements "W" actual)
            next, t + 1L)
        (elements "W" p.Initial, 0L)
    |> ignore
