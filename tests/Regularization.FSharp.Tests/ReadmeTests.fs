module Regularization.FSharp.Tests.ReadmeTests

open System
open System.IO
open Regularization.FSharp.Tests.Support
open Xunit

let private snippetFromSource (source: string) name =
    let lines = source.Replace("\r\n", "\n").Split('\n')
    let start = lines |> Array.findIndex (fun l -> l.Trim() = sprintf "// begin-snippet: %s" name)
    let stop = lines |> Array.findIndexBack (fun l -> l.Trim() = "// end-snippet")
    String.Join("\n", lines.[start + 1 .. stop - 1]).Trim()

/// The body of the first fenced block after the marker `<!-- kind: name -->`.
let private blockFromReadme (readme: string) kind name =
    let text = readme.Replace("\r\n", "\n")
    let marker = sprintf "<!-- %s: %s -->" kind name
    let at = text.IndexOf(marker, StringComparison.Ordinal)
    Assert.True(at >= 0, sprintf "README has no %s" marker)
    let bodyStart = text.IndexOf('\n', text.IndexOf("```", at, StringComparison.Ordinal)) + 1
    let close = text.IndexOf("\n```", bodyStart, StringComparison.Ordinal)
    text.Substring(bodyStart, close - bodyStart).Trim()

let private readme () = File.ReadAllText(Path.Combine(repositoryRoot (), "README.md"))

[<Fact>]
let ``F# quick start in README is the compiled snippet`` () =
    let source = File.ReadAllText(Path.Combine(__SOURCE_DIRECTORY__, "ReadmeQuickStart.fs"))
    Assert.Equal(snippetFromSource source "fsharp-quickstart", blockFromReadme (readme ()) "snippet" "fsharp-quickstart")

[<Fact>]
let ``F# quick start's output in README is what the snippet prints`` () =
    Assert.Equal(blockFromReadme (readme ()) "output" "fsharp-quickstart", ReadmeQuickStart.printed.ToString().Trim())

[<Fact>]
let ``F# quick start fits the least-squares problem, decays W only, and resumes from its checkpoint exactly`` () =
    let w = Regularization.FSharp.Params.value "W" ReadmeQuickStart.fitted
    let b = Regularization.FSharp.Params.value "b" ReadmeQuickStart.fitted
    let truth = array2D [ [ 1.0; -2.0 ]; [ 0.5; 0.5 ]; [ 0.0; 1.0 ] ]

    for i in 0..2 do
        for j in 0..1 do
            Assert.Equal(truth[i, j], w[i, j], 1)

    Assert.Equal(0.3, b[0, 0], 1)
    Assert.Equal(0.3, b[0, 1], 1)
    let a = ReadmeQuickStart.adamw
    let straight, _ = Regularization.FSharp.Optimizer.start a ReadmeQuickStart.initial |> Regularization.FSharp.Optimizer.run a ReadmeQuickStart.gradient 500
    assertBits "500 steps in one go" straight ReadmeQuickStart.fitted
