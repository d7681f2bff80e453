using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Regularization.Training.Internal;

/// <summary>
/// What the readers and the checkpoint writer need from the file system beyond <see cref="File"/>: the kind of a path
/// (a regular file, a folder, or a device, FIFO or socket that would hang or never end when read) checked before it is
/// opened, and <c>fsync</c> of a folder so that a rename in it survives a power loss.
/// </summary>
internal static partial class FileSystem
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int StatxBufferLength = 256;
    private const int TypeMask = 0xF000;

    /// <summary>The kind of an existing path, or null when it does not exist (or the kind cannot be told on this system).</summary>
    public static PathKind? KindOf(string path)
    {
        if (Directory.Exists(path))
        {
            return PathKind.Directory;
        }

        if (!File.Exists(path))
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            // Windows has no FIFOs or devices in the file namespace that File.Exists reports; elsewhere the kind is not checked.
            return PathKind.RegularFile;
        }

        Span<byte> buffer = stackalloc byte[StatxBufferLength];
        buffer.Clear();
        int result;
        try
        {
            result = Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer));
        }
        catch (EntryPointNotFoundException)
        {
            return PathKind.RegularFile; // glibc before 2.28: no statx; the reader's length checks still apply.
        }

        if (result != 0)
        {
            return PathKind.RegularFile; // Let the open that follows report the error in .NET's words.
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer[StatxModeOffset..]) & TypeMask) switch
        {
            0x8000 => PathKind.RegularFile,
            0x4000 => PathKind.Directory,
            0x2000 => PathKind.CharacterDevice,
            0x6000 => PathKind.BlockDevice,
            0x1000 => PathKind.Fifo,
            0xC000 => PathKind.Socket,
            _ => PathKind.Other,
        };
    }

    /// <summary>How a kind of path is named in an error message, for example <c>a FIFO (named pipe)</c>.</summary>
    public static string Describe(PathKind kind) => kind switch
    {
        PathKind.Directory => "a folder",
        PathKind.CharacterDevice => "a character device",
        PathKind.BlockDevice => "a block device",
        PathKind.Fifo => "a FIFO (named pipe)",
        PathKind.Socket => "a socket",
        PathKind.RegularFile => "a regular file",
        _ => "not a regular file",
    };

    /// <summary>
    /// Flushes a folder's entries to disk (<c>fsync</c> on the folder), so that a file renamed into it stays renamed
    /// after a crash or power loss. Best effort: does nothing where folders cannot be opened (Windows, where
    /// <see cref="File.Move(string, string, bool)"/> is already durable on NTFS) or when the call fails.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }

        try
        {
            var fd = Open(directory, 0);
            if (fd < 0)
            {
                return;
            }

            _ = Fsync(fd);
            _ = Close(fd);
        }
        catch (EntryPointNotFoundException)
        {
            // No libc entry point: nothing to do.
        }
        catch (DllNotFoundException)
        {
            // As above.
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

/// <summary>The kind of a path (see <see cref="FileSystem.KindOf"/>).</summary>
internal enum PathKind
{
    RegularFile,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}
