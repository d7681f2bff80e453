using System.Buffers.Binary;
using System.Text;
using Regularization.Mkl.Native;

namespace Regularization.Mkl.Tests;

/// <summary>
/// The ELF check that runs before <c>dlopen</c> (issue 10 item 1): crafted headers for each defect, and the real MKL
/// files, whole and truncated.
/// </summary>
public sealed class ElfImageTests
{
    private const int X64 = 62;

    [Fact]
    public void SoundLibrary_Passes_WithItsSoname()
    {
        Assert.Null(Check(Elf.Build()));
        Assert.Null(Check(Elf.Build(), "libmkl_core"));
        Assert.Null(Check(Elf.Build(soname: "libmkl_core.so.2"), "libmkl_core"));
    }

    [Fact]
    public void FileShorterThanALoadableSegment_IsTruncated()
    {
        var problem = Check(Elf.Build(loadSize: 4096));
        Assert.NotNull(problem);
        Assert.Contains("is truncated or damaged: its loadable segment 0 ends at byte 4096, but the file has 240 bytes", problem, StringComparison.Ordinal);
        Assert.Contains("SIGBUS", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(63)]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(239)]
    public void EveryTruncationOfASoundLibrary_IsRefused(int keep)
    {
        Assert.NotNull(Check(Elf.Build().AsSpan(0, keep).ToArray()));
    }

    [Fact]
    public void ThirtyTwoBitClass_BigEndian_WrongType_WrongMachine_AreRefused()
    {
        Assert.Contains("not a 64-bit ELF library (ELF class 1", Check(Elf.Build(patch: b => b[4] = 1)), StringComparison.Ordinal);
        Assert.Contains("not a little-endian", Check(Elf.Build(patch: b => b[5] = 2)), StringComparison.Ordinal);
        Assert.Contains("not a shared library (ELF type 2", Check(Elf.Build(patch: b => b[16] = 2)), StringComparison.Ordinal);
        Assert.Contains("built for another machine (ELF machine 183", Check(Elf.Build(patch: b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 183))), StringComparison.Ordinal);
        Assert.Contains("not an ELF file", Check(Encoding.ASCII.GetBytes(new string('x', 300))), StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderTablesOutsideTheFile_AreRefused()
    {
        Assert.Contains("program header table ends at byte", Check(Elf.Build(patch: b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(32), 200))), StringComparison.Ordinal);
        Assert.Contains(
            "section header table ends at byte 2064",
            Check(Elf.Build(patch: b => { BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(40), 16); BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(60), 32); })),
            StringComparison.Ordinal);
        Assert.Contains("unusable program header table (0 entries", Check(Elf.Build(patch: b => b[56] = 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void NoDynamicSection_OrAnotherSoname_IsRefused()
    {
        Assert.Contains("no dynamic section", Check(Elf.Build(dynamic: false)), StringComparison.Ordinal);
        Assert.Contains("its DT_SONAME is 'libSystem.Native.so', not libmkl_core.so", Check(Elf.Build(soname: "libSystem.Native.so"), "libmkl_core"), StringComparison.Ordinal);
        Assert.Contains("its DT_SONAME is 'libmkl_core_x.so'", Check(Elf.Build(soname: "libmkl_core_x.so"), "libmkl_core"), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NamesTheFile_AndReportsUnreadableFiles()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, Elf.Build(loadSize: 4096));
            Assert.StartsWith($"'{file}' is truncated", ElfImage.Problem(file), StringComparison.Ordinal);
            Assert.Contains("cannot be read", ElfImage.Problem(file + ".missing"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [MklFact]
    public void RealMklFiles_Pass_AndTheirTruncationsAreRefused()
    {
        var rt = MklRuntime.LoadedFrom!;
        Assert.Null(ElfImage.Problem(rt));
        var directory = Path.GetDirectoryName(rt)!;
        Assert.Empty(MklRuntime.ComponentProblems(directory, NativeFiles.LoaderDirectories(), MklThreading.Sequential));
        var bytes = File.ReadAllBytes(rt);
        // MKL 2020.4's libmkl_rt ends with 1.6 MB that no segment maps; cut inside the mapped part.
        foreach (var keep in new[] { 4096, 1_000_000, bytes.Length / 2 })
        {
            using var stream = new MemoryStream(bytes, 0, keep);
            Assert.Contains("truncated", ElfImage.Check(stream, X64, null), StringComparison.Ordinal);
        }
    }

    private static string? Check(byte[] image, string? soname = null)
    {
        using var stream = new MemoryStream(image);
        return ElfImage.Check(stream, X64, soname);
    }
}

/// <summary>A minimal ELF64 x86-64 shared object: header, PT_LOAD over the file, PT_DYNAMIC with DT_STRTAB and DT_SONAME.</summary>
internal static class Elf
{
    /// <summary>Builds the image (240 bytes unless <paramref name="loadSize"/> claims more).</summary>
    public static byte[] Build(string soname = "libmkl_core.so", long loadSize = -1, bool dynamic = true, Action<byte[]>? patch = null)
    {
        var name = Encoding.ASCII.GetBytes(soname);
        const int phoff = 64, dynoff = phoff + (2 * 56), stroff = dynoff + 48;
        var total = stroff + 1 + name.Length + 1;
        total = Math.Max(total, 240);
        var b = new byte[total];
        "\x7F"u8.CopyTo(b);
        "ELF"u8.CopyTo(b.AsSpan(1));
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // little-endian
        b[6] = 1; // EV_CURRENT
        W16(b, 16, 3); // ET_DYN
        W16(b, 18, 62); // EM_X86_64
        W32(b, 20, 1);
        W64(b, 32, phoff);
        W16(b, 52, 64);
        W16(b, 54, 56);
        W16(b, 56, 2);
        W16(b, 58, 64);

        // PT_LOAD: the whole file at address 0.
        W32(b, phoff, 1);
        W64(b, phoff + 8, 0);
        W64(b, phoff + 16, 0);
        W64(b, phoff + 32, loadSize >= 0 ? loadSize : total);
        W64(b, phoff + 40, loadSize >= 0 ? loadSize : total);

        // PT_DYNAMIC (or PT_NOTE when there is none).
        W32(b, phoff + 56, dynamic ? 2u : 4u);
        W64(b, phoff + 56 + 8, dynoff);
        W64(b, phoff + 56 + 16, dynoff);
        W64(b, phoff + 56 + 32, 48);
        W64(b, dynoff, 5); // DT_STRTAB
        W64(b, dynoff + 8, stroff);
        W64(b, dynoff + 16, 14); // DT_SONAME
        W64(b, dynoff + 24, 1);
        name.CopyTo(b.AsSpan(stroff + 1));
        patch?.Invoke(b);
        return b;
    }

    private static void W16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    private static void W32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);

    private static void W64(byte[] b, int at, long v) => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(at), v);
}
