module Regularization.FSharp.Tests.ReadmeTests

open System
open System.IO
open Xunit

let private sourceDir () = __SOURCE_DIRECTORY__

let private repositoryRoot () =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then failwith "Regularization.sln not found"
        elif File.Exists(Path.Combine(dir.FullName, "Regularization.sln")) then dir.FullName
        else up dir.Parent
    up (DirectoryInfo(sourceDir ()))

let private snippetFromSource (source: string) name =
    let lines = source.Replace("\r\n", "\n").Split('\n')
    let start = lines |> Array.findIndex (fun l -> l.Trim() = sprintf "// begin-snippet: %s" name)
    let stop = lines |> Array.findIndexBack (fun l -> l.Trim() = "// end-snippet")
    String.Join("\n", lines.[start + 1 .. stop - 1]).Trim()

let private snippetFromReadme (readme: string) name =
    let text = readme.Replace("\r\n", "\n")
    let at = text.IndexOf(sprintf "<!-- snippet: %s -->" name, StringComparison.Ordinal)
    Assert.True(at >= 0, sprintf "README has no snippet %s" name)
    let bodyStart = text.IndexOf('\n', text.IndexOf("```", at, StringComparison.Ordinal)) + 1
    let close = text.IndexOf("\n```", bodyStart, StringComparison.Ordinal)
    text.Substring(bodyStart, close - bodyStart).Trim()

[<Fact>]
let ``F# quick start in README is the compiled snippet`` () =
    let readme = File.ReadAllText(Path.Combine(repositoryRoot (), "README.md"))
    let source = File.ReadAllText(Path.Combine(sourceDir (), "ReadmeQuickStart.fs"))
    Assert.Equal(snippetFromSource source "fsharp-quickstart", snippetFromReadme readme "fsharp-quickstart")

[<Fact>]
let ``F# quick start fits the least-squares problem`` () =
    let w = ReadmeQuickStart.fitted.["w"].Value
    Assert.Equal(1.0, w.[0, 0], 1)
    Assert.Equal(-2.0, w.[1, 0], 1)
    Assert.Equal(0.5, w.[2, 0], 1)
