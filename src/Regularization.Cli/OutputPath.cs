namespace Regularization.Cli;

/// <summary>
/// Checks an output path (<c>--save</c>, <c>--plot</c>) before any training, so that a run is never lost to a path
/// that could not have been written: the folder exists, the path is not a folder, and a file can be created in the
/// folder (a probe file, removed at once; its name has the pattern of the checkpoint's temporary files).
/// </summary>
internal static class OutputPath
{
    /// <summary>Throws a <see cref="CliException"/> with <paramref name="exitCode"/> when <paramref name="path"/> cannot be written.</summary>
    /// <param name="option">The option, for the message (<c>--save</c>).</param>
    /// <param name="path">The path, or null (nothing to check).</param>
    /// <param name="exitCode">The exit code of the failure.</param>
    /// <param name="prefix">The message's prefix (<c>checkpoint: </c>).</param>
    /// <param name="overwritesInPlace">True when the file is rewritten in place (<c>--plot</c>): a read-only file is then an error too; a checkpoint replaces the file by a rename, which a read-only file allows.</param>
    public static void Check(string option, string? path, int exitCode, string prefix, bool overwritesInPlace)
    {
        if (path is null)
        {
            return;
        }

        var full = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            var why = folder is not null && File.Exists(folder) ? "is a file, not a folder" : "does not exist";
            throw new CliException(exitCode, $"{prefix}{option} {path}: the folder {folder} {why}.");
        }

        if (Directory.Exists(full))
        {
            throw new CliException(exitCode, $"{prefix}{option} {path}: that is a folder, not a file.");
        }

        var probe = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(exitCode, $"{prefix}{option} {path}: cannot write in the folder {folder} ({e.Message.TrimEnd('.')}).", e);
        }

        if (overwritesInPlace && File.Exists(full) && new FileInfo(full).IsReadOnly)
        {
            throw new CliException(exitCode, $"{prefix}{option} {path}: the file is read-only.");
        }
    }
}
