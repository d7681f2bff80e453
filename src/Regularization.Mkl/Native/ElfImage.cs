using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Regularization.Mkl.Native;

/// <summary>
/// Checks that a file is a complete ELF shared library for this process before it is handed to <c>dlopen</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>dlopen</c> maps a library's <c>PT_LOAD</c> segments straight from the file. When the file is shorter than a
/// segment (a truncated copy or an interrupted install), the pages past the end are mapped anyway and the first
/// touch of one, during relocation or at the first call, raises <c>SIGBUS</c>: the process dies, no .NET handler
/// can catch it. Checking the magic number alone does not see this; this check reads the ELF header and the program
/// headers (a few kilobytes, whatever the library's size) and refuses the file when:
/// </para>
/// <list type="bullet">
/// <item>it is shorter than an ELF header, or the magic, class (<c>ELFCLASS64</c>), byte order (little-endian),
/// version or type (<c>ET_DYN</c>) is wrong;</item>
/// <item>its machine is not this process's (<c>EM_X86_64</c> for x64, <c>EM_AARCH64</c> for Arm64);</item>
/// <item>the program or section header table lies outside the file, or an entry size is not the ELF64 one;</item>
/// <item>the file is shorter than the end (<c>p_offset + p_filesz</c>) of any <c>PT_LOAD</c> or <c>PT_DYNAMIC</c> segment;</item>
/// <item>there is no <c>PT_DYNAMIC</c> segment, or (when a name is expected) its <c>DT_SONAME</c> differs.</item>
/// </list>
/// <para>Only Linux is checked; elsewhere every file passes (the providers load nothing there by path).</para>
/// </remarks>
internal static class ElfImage
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const int MaxProgramHeaders = 512;
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const long DtNull = 0;
    private const long DtStrtab = 5;
    private const long DtSoname = 14;

    /// <summary>The ELF machine number of this process (<c>EM_X86_64</c> = 62, <c>EM_AARCH64</c> = 183), or -1 when not checked.</summary>
    public static int ExpectedMachine => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 62,
        Architecture.Arm64 => 183,
        _ => -1,
    };

    /// <summary>Says what is wrong with <paramref name="path"/> as a shared library for this process, or null when it is sound.</summary>
    /// <param name="path">The file, after symbolic links (it is opened, and its size read, as it is).</param>
    /// <param name="expectedSoname">
    /// The library's base name (<c>libmkl_core</c>): its <c>DT_SONAME</c> must be <c>base.so</c> or <c>base.so.N</c>
    /// (MKL loads its parts by these names), or null for any.
    /// </param>
    /// <returns>Null, or a sentence that names the file and the defect.</returns>
    public static string? Problem(string path, string? expectedSoname = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var problem = Check(file, ExpectedMachine, expectedSoname);
            return problem is null ? null : $"'{path}' {problem}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"'{path}' cannot be read ({e.Message})";
        }
    }

    /// <summary>The check itself, on an open stream (the tests feed it crafted headers).</summary>
    /// <param name="file">The library, positioned anywhere; it must be seekable.</param>
    /// <param name="machine">The required <c>e_machine</c>, or -1 for any.</param>
    /// <param name="expectedSoname">The required <c>DT_SONAME</c> base name, or null.</param>
    /// <returns>Null, or what is wrong (without the file name), e.g. <c>is truncated: ...</c>.</returns>
    internal static string? Check(Stream file, int machine, string? expectedSoname)
    {
        var size = file.Length;
        Span<byte> h = stackalloc byte[HeaderSize];
        if (size < HeaderSize || !ReadAt(file, 0, h))
        {
            return $"is not an ELF library: {size} bytes, shorter than an ELF64 header";
        }

        if (h[0] != 0x7F || h[1] != (byte)'E' || h[2] != (byte)'L' || h[3] != (byte)'F')
        {
            return "is not an ELF file (no ELF magic number)";
        }

        if (h[4] != 2)
        {
            return $"is not a 64-bit ELF library (ELF class {h[4]}; this process needs ELFCLASS64)";
        }

        if (h[5] != 1)
        {
            return $"is not a little-endian ELF library (data encoding {h[5]})";
        }

        if (h[6] != 1)
        {
            return $"has an unknown ELF version {h[6]}";
        }

        var type = U16(h, 16);
        if (type != 3)
        {
            return $"is not a shared library (ELF type {type}; a shared library is ET_DYN = 3)";
        }

        var elfMachine = U16(h, 18);
        if (machine >= 0 && elfMachine != machine)
        {
            return $"is built for another machine (ELF machine {elfMachine}; this {RuntimeInformation.ProcessArchitecture} process needs {machine})";
        }

        var phoff = U64(h, 32);
        var shoff = U64(h, 40);
        var phentsize = U16(h, 54);
        var phnum = U16(h, 56);
        var shentsize = U16(h, 58);
        var shnum = U16(h, 60);
        if (phnum == 0 || phnum > MaxProgramHeaders || phentsize != ProgramHeaderSize)
        {
            return $"has an unusable program header table ({phnum} entries of {phentsize} bytes)";
        }

        if (!Within(phoff, (ulong)phnum * ProgramHeaderSize, size))
        {
            return Truncated($"the program header table ends at byte {phoff + ((ulong)phnum * ProgramHeaderSize)}", size);
        }

        if (shnum > 0 && (shentsize != SectionHeaderSize || !Within(shoff, (ulong)shnum * SectionHeaderSize, size)))
        {
            return shentsize != SectionHeaderSize
                ? $"has section header entries of {shentsize} bytes (ELF64 uses {SectionHeaderSize})"
                : Truncated($"the section header table ends at byte {shoff + ((ulong)shnum * SectionHeaderSize)}", size);
        }

        var table = new byte[phnum * ProgramHeaderSize];
        if (!ReadAt(file, (long)phoff, table))
        {
            return Truncated("the program header table cannot be read", size);
        }

        var loads = new List<(ulong VirtualAddress, ulong Offset, ulong FileSize)>();
        (ulong Offset, ulong Size)? dynamic = null;
        for (var i = 0; i < phnum; i++)
        {
            var p = table.AsSpan(i * ProgramHeaderSize, ProgramHeaderSize);
            var ptype = BinaryPrimitives.ReadUInt32LittleEndian(p);
            if (ptype is not (PtLoad or PtDynamic))
            {
                continue;
            }

            var offset = U64(p, 8);
            var vaddr = U64(p, 16);
            var filesz = U64(p, 32);
            if (!Within(offset, filesz, size))
            {
                var kind = ptype == PtLoad ? "loadable segment" : "dynamic segment";
                return Truncated($"its {kind} {i} ends at byte {offset + filesz}", size);
            }

            if (ptype == PtLoad)
            {
                loads.Add((vaddr, offset, filesz));
            }
            else
            {
                dynamic = (offset, filesz);
            }
        }

        if (loads.Count == 0)
        {
            return "has no loadable segment";
        }

        if (dynamic is not { } dyn || dyn.Size < 16)
        {
            return "has no dynamic section (PT_DYNAMIC): it is not a shared library";
        }

        return expectedSoname is null ? null : CheckSoname(file, dyn, loads, expectedSoname);
    }

    private static string? CheckSoname(Stream file, (ulong Offset, ulong Size) dyn, List<(ulong VirtualAddress, ulong Offset, ulong FileSize)> loads, string expected)
    {
        var entries = new byte[(int)Math.Min(dyn.Size, 64 * 1024)];
        if (!ReadAt(file, (long)dyn.Offset, entries))
        {
            return "has an unreadable dynamic section";
        }

        ulong? strtab = null, soname = null;
        for (var i = 0; i + 16 <= entries.Length; i += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(i));
            var value = U64(entries, i + 8);
            if (tag == DtNull)
            {
                break;
            }

            if (tag == DtStrtab)
            {
                strtab = value;
            }
            else if (tag == DtSoname)
            {
                soname = value;
            }
        }

        if (soname is null || strtab is null)
        {
            return $"has no DT_SONAME (expected {expected}.so): it is not that library";
        }

        // DT_STRTAB is a virtual address: map it to a file offset through the loadable segment that holds it.
        var offset = loads.Where(l => strtab.Value >= l.VirtualAddress && strtab.Value < l.VirtualAddress + l.FileSize)
            .Select(l => (ulong?)(strtab.Value - l.VirtualAddress + l.Offset)).FirstOrDefault();
        var at = offset is null ? ulong.MaxValue : offset.Value + soname.Value;
        if (at >= (ulong)file.Length)
        {
            return "has a DT_SONAME outside the file";
        }

        Span<byte> name = stackalloc byte[(int)Math.Min(256, file.Length - (long)at)];
        if (!ReadAt(file, (long)at, name))
        {
            return "has an unreadable DT_SONAME";
        }

        var end = name.IndexOf((byte)0);
        var actual = Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
        return actual == expected + ".so" || actual.StartsWith(expected + ".so.", StringComparison.Ordinal)
            ? null
            : $"is another library: its DT_SONAME is '{actual}', not {expected}.so";
    }

    private static string Truncated(string what, long size) =>
        string.Create(CultureInfo.InvariantCulture, $"is truncated or damaged: {what}, but the file has {size} bytes (loading it would end the process with SIGBUS)");

    private static bool Within(ulong offset, ulong length, long size) =>
        offset <= (ulong)size && length <= (ulong)size - offset;

    private static bool ReadAt(Stream file, long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset > file.Length)
        {
            return false;
        }

        file.Seek(offset, SeekOrigin.Begin);
        return file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
}
