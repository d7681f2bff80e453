using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>
/// Finds the file that <c>dlopen</c> (through <see cref="System.Runtime.InteropServices.NativeLibrary.TryLoad(string, out nint)"/>)
/// will map for a library name, so that <see cref="ElfImage"/> can check it first.
/// </summary>
/// <remarks>
/// A name with a slash is that file. A bare name is looked up as .NET and glibc do on Linux: the application and
/// assembly directories (.NET tries them first), <c>LD_LIBRARY_PATH</c>, the directories of <c>/etc/ld.so.conf</c>
/// (and the files it includes, which is what <c>ld.so.cache</c> is built from), then the default
/// <c>/lib</c>, <c>/usr/lib</c> (and their multiarch and 64-bit twins). A file that this search misses and the loader
/// finds anyway is checked right after the load, through <c>dladdr</c>, before any of its code runs.
/// </remarks>
internal static unsafe class NativeFiles
{
    private static readonly string[] DefaultDirectories =
    [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    ];

    /// <summary>The file a load of <paramref name="name"/> will map, or null when none is found (the load will then fail or find one later).</summary>
    /// <param name="name">A path or a bare file name such as <c>libmkl_rt.so.2</c>.</param>
    /// <param name="assembly">The assembly whose P/Invokes load it (its directory is searched first).</param>
    /// <returns>An existing file, or null.</returns>
    public static string? Locate(string name, Assembly assembly)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        var first = new List<string> { AppContext.BaseDirectory };
        if (Path.GetDirectoryName(assembly.Location) is { Length: > 0 } assemblyDirectory)
        {
            first.Add(assemblyDirectory);
        }

        return first.Concat(LoaderDirectories()).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>The dynamic loader's search path in order: <c>LD_LIBRARY_PATH</c>, <c>/etc/ld.so.conf</c>'s directories, the defaults.</summary>
    /// <returns>Directories (some may not exist), without duplicates.</returns>
    public static IReadOnlyList<string> LoaderDirectories()
    {
        var result = new List<string>();
        result.AddRange((Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        ReadLdConf("/etc/ld.so.conf", result, depth: 0);
        result.AddRange(DefaultDirectories);
        return result.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static void ReadLdConf(string file, List<string> into, int depth)
    {
        if (depth > 4 || !File.Exists(file))
        {
            return;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith("include ", StringComparison.Ordinal))
            {
                var pattern = line["include ".Length..].Trim();
                var directory = Path.GetDirectoryName(Path.IsPathRooted(pattern) ? pattern : Path.Combine(Path.GetDirectoryName(file)!, pattern));
                if (directory is not null && Directory.Exists(directory))
                {
                    foreach (var included in Directory.GetFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
                    {
                        ReadLdConf(included, into, depth + 1);
                    }
                }
            }
            else if (line.StartsWith('/'))
            {
                into.Add(line);
            }
        }
    }

    /// <summary>The file a loaded library was mapped from (<c>dladdr</c> of one of its exports), or null where that cannot be told.</summary>
    /// <param name="handle">The library handle.</param>
    /// <param name="symbol">An export of that library.</param>
    /// <returns>The path, as the loader opened it.</returns>
    public static string? LoadedPath(nint handle, string symbol)
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryGetExport(handle, symbol, out var address))
        {
            return null;
        }

        try
        {
            MklNative.DlInfo info;
            return MklNative.DlAddr(address, &info) != 0 && info.FileName is not null
                ? Marshal.PtrToStringUTF8((nint)info.FileName)
                : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Loads the first of <paramref name="candidates"/> that loads, checking it before and after: the file the loader
    /// will map must pass <see cref="ElfImage.Problem"/> before <c>dlopen</c> sees it (a truncated library would end the
    /// process with SIGBUS), the loaded library must export every name in <paramref name="requiredExports"/>, and the
    /// file it was actually mapped from (<see cref="LoadedPath"/>) must pass the ELF check too. A damaged or foreign
    /// library stops the search: it is refused, not skipped for the next name.
    /// </summary>
    /// <param name="library">The library's name for messages (<c>Intel MKL's runtime library</c>, <c>OpenBLAS</c>).</param>
    /// <param name="candidates">Paths or bare names, in order.</param>
    /// <param name="requiredExports">Exports the library must have.</param>
    /// <param name="notThatLibrary">What a library without them is not (the end of the message).</param>
    /// <param name="handle">The loaded library.</param>
    /// <param name="loadedFrom">The file it was mapped from, or the candidate when that cannot be told.</param>
    /// <param name="failure">Why it was refused, or null when no candidate loaded at all (the caller says what was tried).</param>
    /// <returns>True when a candidate loaded and passed.</returns>
    public static bool TryLoadChecked(
        string library,
        IReadOnlyList<string> candidates,
        IReadOnlyList<string> requiredExports,
        string notThatLibrary,
        out nint handle,
        [NotNullWhen(true)] out string? loadedFrom,
        out string? failure)
    {
        handle = 0;
        loadedFrom = null;
        failure = null;
        foreach (var candidate in candidates)
        {
            var file = Locate(candidate, typeof(NativeFiles).Assembly);
            if (file is not null && ElfImage.Problem(file) is { } damaged)
            {
                failure = $"{library} {damaged}.";
                return false;
            }

            if (!NativeLibrary.TryLoad(candidate, out var loaded))
            {
                continue;
            }

            var missing = requiredExports.Where(e => !NativeLibrary.TryGetExport(loaded, e, out _)).ToArray();
            if (missing.Length > 0)
            {
                NativeLibrary.Free(loaded);
                failure = $"'{candidate}' loaded but lacks {string.Join(", ", missing)}: {notThatLibrary}.";
                return false;
            }

            var path = LoadedPath(loaded, requiredExports[0]);
            if (path is not null && path != file && ElfImage.Problem(path) is { } damagedLoaded)
            {
                // Mapped from a place the search above did not predict: still refused before any of its code runs.
                NativeLibrary.Free(loaded);
                failure = $"{library} {damagedLoaded}.";
                return false;
            }

            handle = loaded;
            loadedFrom = path ?? candidate;
            return true;
        }

        return false;
    }
}
