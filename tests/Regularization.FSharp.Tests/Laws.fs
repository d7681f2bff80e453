/// Three laws written with FsCheck's F# API (FsCheck.FSharp), run from xUnit with Check.One.
module Regularization.FSharp.Tests.Laws

open System
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Regularization
open Xunit

let private count =
    match Environment.GetEnvironmentVariable "REGULARIZATION_PROPERTY_COUNT" |> Int32.TryParse with
    | true, n when n > 0 -> n
    | _ -> 200

let private check name property =
    Check.One(Config.QuickThrowOnFailure.WithMaxTest(count).WithName(name).WithQuietOnSuccess(true), property)

/// Finite values over wide magnitudes, with exact zeros.
let private value =
    Gen.frequency
        [ 1, Gen.constant 0.0
          6,
          gen {
              let! sign = Gen.elements [ 1.0; -1.0 ]
              let! e = Gen.choose (-100, 100)
              let! f = Gen.choose (0, Int32.MaxValue)
              return sign * (1.0 + float f / float Int32.MaxValue) * Math.Pow(2.0, float e)
          } ]

let private matrix =
    gen {
        let! rows = Gen.choose (1, 6)
        let! cols = Gen.choose (1, 6)
        let! data = Gen.arrayOfLength (rows * cols) value
        return Matrix<float>.Build.Dense(rows, cols, data)
    }

let private paramSet = matrix |> Gen.map (fun m -> ParamSet.Of [ Param.Of("w", m) ])

let private values (p: ParamSet<float>) = p["w"].Value.ToColumnMajorArray()

[<Fact>]
let ``soft thresholding is zero exactly where |w| <= t`` () =
    let arb = Arb.fromGen (Gen.zip paramSet (value |> Gen.map abs))
    Prop.forAll arb (fun (p, t) ->
        Array.zip (values p) (values (Proximal.SoftThreshold(p, t)))
        |> Array.forall (fun (w, z) -> (z = 0.0) = (abs w <= t)))
    |> check "soft thresholding zeros"

[<Fact>]
let ``AdamW without decay is Adam without decay, bit for bit`` () =
    let arb = Arb.fromGen (Gen.zip paramSet (Gen.choose (1, 4)))
    Prop.forAll arb (fun (p, steps) ->
        let gradient = p.Map(fun q -> q.Value * 0.5)
        let run (opt: IGradientTransform) =
            seq { 1 .. steps }
            |> Seq.fold (fun (ps: ParamSet<float>, s) _ -> let r = opt.Update(gradient, s, ps) in Updates.Apply(ps, r.Updates), r.State) (p, opt.Init p)
            |> fst
            |> values
        let a = run (Optimizers.Adam(learningRate = 0.01))
        let b = run (Optimizers.AdamW(learningRate = 0.01, weightDecay = 0.0))
        Array.forall2 (fun (x: float) y -> BitConverter.DoubleToInt64Bits x = BitConverter.DoubleToInt64Bits y) a b)
    |> check "adamw without decay is adam"

[<Fact>]
let ``the L2 penalty is homogeneous of degree two for powers of two`` () =
    let arb = Arb.fromGen (Gen.zip paramSet (Gen.choose (-30, 30)))
    Prop.forAll arb (fun (p, k) ->
        let c = Math.Pow(2.0, float k)
        let l2 = Penalties.L2 0.25
        l2.Value(p.Map(fun q -> q.Value * c)) = c * c * l2.Value p)
    |> check "l2 homogeneity"
