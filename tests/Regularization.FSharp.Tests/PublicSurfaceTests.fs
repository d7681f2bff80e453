/// Regularization.FSharp's public surface, tracked in src/Regularization.FSharp/PublicSurface.txt (PublicApiAnalyzers
/// does not read F#): every public type and member, found by reflection, must be listed there, and every listed line
/// must exist. Set REGULARIZATION_UPDATE_PUBLIC_SURFACE=1 to rewrite the file after an intended change, then review
/// its diff. A second test requires XML documentation, with an example on every function and value of a module.
module Regularization.FSharp.Tests.PublicSurfaceTests

open System
open System.IO
open System.Reflection
open System.Xml.Linq
open Microsoft.FSharp.Core
open Microsoft.FSharp.Reflection
open Regularization.FSharp.Tests.Support
open Xunit

let private assembly = typeof<Regularization.FSharp.Shrink>.Assembly

let private surfaceFile () =
    Path.Combine(repositoryRoot (), "src", "Regularization.FSharp", "PublicSurface.txt")

let rec private typeName (t: Type) : string =
    if t.IsGenericParameter then
        t.Name
    elif t.IsArray then
        typeName (t.GetElementType() |> nonNull) + "[" + String(',', t.GetArrayRank() - 1) + "]"
    elif t.IsByRef then
        typeName (t.GetElementType() |> nonNull) + "&"
    else
        let definition = if t.IsGenericType then t.GetGenericTypeDefinition() else t
        let rawName = definition.FullName |> Option.ofObj |> Option.defaultValue definition.Name
        // Strip the arity suffixes (`1) of every nesting level; the arguments follow in <...>.
        let name = rawName.Split('+') |> Array.map (fun part -> part.Split('`')[0]) |> String.concat "+"

        if t.IsGenericType then
            name + "<" + (t.GetGenericArguments() |> Array.map typeName |> String.concat ", ") + ">"
        else
            name

let private parameters (ps: ParameterInfo[]) =
    ps |> Array.map (fun p -> sprintf "%s %s" (typeName p.ParameterType) (p.Name |> Option.ofObj |> Option.defaultValue "_")) |> String.concat ", "

let private genericSuffix (m: MethodInfo) =
    if m.IsGenericMethodDefinition then
        "<" + (m.GetGenericArguments() |> Array.map (fun a -> a.Name) |> String.concat ", ") + ">"
    else
        ""

let private visible (m: MethodBase) = m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly
let private access (m: MethodBase) = if m.IsPublic then "" else "protected "

let private modifiers (m: MethodBase) =
    (if m.IsStatic then "static " else "")
    + (if m.IsAbstract then "abstract "
       elif m.IsVirtual && not m.IsFinal then "virtual "
       else "")

let private memberLines (t: Type) : string list =
    let flags = BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly

    let constructors =
        t.GetConstructors flags |> Array.filter visible |> Array.map (fun c -> sprintf "  %s%sctor(%s)" (access c) (modifiers c) (parameters (c.GetParameters())))

    let methods =
        t.GetMethods flags
        |> Array.filter (fun m -> visible m && not m.IsSpecialName)
        |> Array.map (fun m ->
            sprintf "  %s%smethod %s%s(%s) : %s" (access m) (modifiers m) m.Name (genericSuffix m) (parameters (m.GetParameters())) (typeName m.ReturnType))

    let properties =
        t.GetProperties flags
        |> Array.choose (fun p ->
            let accessors = p.GetAccessors true |> Array.filter visible

            if accessors.Length = 0 then
                None
            else
                let kinds = accessors |> Array.map (fun a -> if a.Name.StartsWith "get_" then "get;" else "set;") |> Array.sort |> String.concat " "
                let index = p.GetIndexParameters()
                let indexText = if index.Length = 0 then "" else sprintf "[%s]" (parameters index)
                Some(sprintf "  %s%sproperty %s%s : %s { %s }" (access accessors[0]) (modifiers accessors[0]) p.Name indexText (typeName p.PropertyType) kinds))

    let fields =
        t.GetFields flags
        |> Array.filter (fun f -> f.IsPublic || f.IsFamily)
        |> Array.map (fun f ->
            let value = if f.IsLiteral then sprintf " = %O" (f.GetRawConstantValue()) else ""
            sprintf "  %sfield %s : %s%s" (if f.IsStatic then "static " else "") f.Name (typeName f.FieldType) value)

    let events =
        t.GetEvents flags |> Array.map (fun e -> sprintf "  event %s : %s" e.Name (e.EventHandlerType |> Option.ofObj |> Option.map typeName |> Option.defaultValue "?"))

    Array.concat [ constructors; methods; properties; fields; events ] |> Array.sort |> List.ofArray

let private typeLine (t: Type) =
    let kind =
        if t.IsInterface then "interface"
        elif t.IsEnum then "enum"
        elif t.IsValueType then "struct"
        elif typeof<Delegate>.IsAssignableFrom t then "delegate"
        elif t.IsAbstract && t.IsSealed then "static class"
        elif t.IsAbstract then "abstract class"
        elif t.IsSealed then "sealed class"
        else "class"

    let bases =
        [ match t.BaseType with
          | null -> ()
          | b when b = typeof<obj> || b = typeof<ValueType> || b = typeof<Enum> -> ()
          | b -> typeName b
          yield! t.GetInterfaces() |> Array.map typeName |> Array.sort ]

    sprintf "%s %s%s" kind (typeName t) (if bases.IsEmpty then "" else " : " + String.concat ", " bases)

/// The surface as text lines: each exported type, then its members, types in name order.
let surface () : string list =
    assembly.GetExportedTypes()
    |> Array.sortBy (fun t -> typeName t)
    |> Array.toList
    |> List.collect (fun t -> typeLine t :: memberLines t)

let private header =
    [ "# The public surface of Regularization.FSharp, by reflection (tests/Regularization.FSharp.Tests/PublicSurfaceTests.fs)."
      "# Rewrite with REGULARIZATION_UPDATE_PUBLIC_SURFACE=1 dotnet test tests/Regularization.FSharp.Tests -c Release, then review the diff." ]

[<Fact>]
let ``The public surface is the one recorded in PublicSurface.txt`` () =
    let actual = surface ()
    let path = surfaceFile ()

    if Environment.GetEnvironmentVariable "REGULARIZATION_UPDATE_PUBLIC_SURFACE" = "1" then
        File.WriteAllText(path, String.Join("\n", header @ actual) + "\n")

    let recorded =
        File.ReadAllText(path).Replace("\r\n", "\n").Split('\n')
        |> Array.filter (fun l -> l <> "" && not (l.StartsWith "#"))
        |> List.ofArray

    if recorded <> actual then
        let added = actual |> List.filter (fun l -> not (List.contains l recorded))
        let removed = recorded |> List.filter (fun l -> not (List.contains l actual))

        let diff =
            [ yield sprintf "The public surface differs from %s:" path
              for l in removed -> "- " + l
              for l in added -> "+ " + l
              if added.IsEmpty && removed.IsEmpty then
                  yield "(the same lines in another order)"
              yield "If the change is intended, rerun with REGULARIZATION_UPDATE_PUBLIC_SURFACE=1 and commit the file." ]

        Assert.Fail(String.concat "\n" diff)

/// The XML documentation id of a type: T:Namespace.Outer.Inner`1.
let private docName (t: Type) = (t.FullName |> nonNull).Replace('+', '.')

let private isModule (t: Type) =
    match t.GetCustomAttribute<CompilationMappingAttribute>() with
    | null -> false
    | a -> a.SourceConstructFlags = SourceConstructFlags.Module

[<Fact>]
let ``Every public type, record field, union case, function and value is documented, with an example on functions and values`` () =
    let xml = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml") |> nonNull)

    let docs =
        xml.Descendants(XName.Get "member")
        |> Seq.map (fun m -> (m.Attribute(XName.Get "name") |> nonNull).Value, m)
        |> List.ofSeq

    let find (predicate: string -> bool) = docs |> List.tryFind (fun (name, _) -> predicate name) |> Option.map snd
    let missing = Collections.Generic.List<string>()

    let require what (predicate: string -> bool) (needExample: bool) =
        match find predicate with
        | None -> missing.Add(sprintf "%s: no documentation" what)
        | Some m when needExample && Seq.isEmpty (m.Descendants(XName.Get "example")) -> missing.Add(sprintf "%s: no <example>" what)
        | Some m when Seq.isEmpty (m.Descendants(XName.Get "summary")) -> missing.Add(sprintf "%s: no <summary>" what)
        | Some _ -> ()

    for t in assembly.GetExportedTypes() do
        let name = docName t
        let compiled = t.GetCustomAttribute<CompilationMappingAttribute>()
        // Union case classes and the Tags class are compiler-generated; the cases are checked below.
        let generated =
            t.DeclaringType |> Option.ofObj |> Option.exists FSharpType.IsUnion
            && (match compiled with
                | null -> true
                | a -> a.SourceConstructFlags <> SourceConstructFlags.Module)

        if not generated then
            require ("type " + name) (fun n -> n = "T:" + name) (isModule t)

        if isModule t then
            for m in t.GetMethods(BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly) do
                if not m.IsSpecialName then
                    require
                        (sprintf "function %s.%s" name m.Name)
                        (fun n -> n.StartsWith(sprintf "M:%s.%s(" name m.Name) || n.StartsWith(sprintf "M:%s.%s``" name m.Name))
                        true

            for p in t.GetProperties(BindingFlags.Public ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly) do
                require (sprintf "value %s.%s" name p.Name) (fun n -> n = sprintf "P:%s.%s" name p.Name) true

        if FSharpType.IsRecord(t, BindingFlags.Public) then
            for field in FSharpType.GetRecordFields(t, BindingFlags.Public) do
                require (sprintf "field %s.%s" name field.Name) (fun n -> n = sprintf "P:%s.%s" name field.Name) false

        if FSharpType.IsUnion(t, BindingFlags.Public) && not generated then
            for case in FSharpType.GetUnionCases(t, BindingFlags.Public) do
                require (sprintf "case %s.%s" name case.Name) (fun n -> n = sprintf "T:%s.%s" name case.Name) false

    Assert.True(missing.Count = 0, String.Join("\n", missing))
