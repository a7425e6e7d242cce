using System.Globalization;

namespace LokiLambdaExtension.Shell.Spool;

/// <summary>The spool on disk: one file per spilled chunk, named <c>{id}-{count}-{bytes}.spool</c> so a later process
/// knows what it holds without reading it. The directory is the owner's alone (0700) and so is every file (0600: logs
/// can hold personal data). /tmp outlives processes and may hold anything: no link is followed (a file is created
/// only where nothing stands, and renamed over whatever does), a name is believed only when the file agrees with it,
/// and no read takes more than the name allows.</summary>
internal sealed class SpoolStore(string directory, long maxBufferBytes)
{
    private const string Extension = ".spool";
    private const string Partial = ".partial";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Directory => directory;

    public void Write(SpoolFile file, byte[] content)
    {
        OwnDirectory();
        string temporary = Path.Combine(directory, $"{file.Id:D12}{Partial}");
        File.Delete(temporary); // a link or a leftover at this name: removed, never written through
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, // O_EXCL: fails on anything at the name, a link included
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            // Renamed only once whole: a process killed mid-write leaves a .partial, never a half file taken for a spool.
            // A rename replaces a link at the final name; it does not write through it.
            File.Move(temporary, PathOf(file), overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The file's content, read only when it is a plain file no larger than its name allows.</summary>
    public byte[] Read(SpoolFile file)
    {
        var info = new FileInfo(PathOf(file));
        if (info.LinkTarget is not null)
        {
            throw new IOException("it is a symbolic link, not a spool file");
        }
        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length > file.MaxBytesOnDisk)
        {
            throw new InvalidDataException($"it holds {length} bytes, more than its name allows ({file.MaxBytesOnDisk})");
        }
        byte[] content = new byte[length];
        stream.ReadExactly(content);
        if (stream.ReadByte() >= 0)
        {
            throw new InvalidDataException("it grew while it was read");
        }
        return content;
    }

    public void Delete(SpoolFile file) => File.Delete(PathOf(file));

    /// <summary>The files a previous process of this environment left, oldest first, and those set aside: a link, a
    /// name that does not read, a file that disagrees with its name, a <c>.partial</c> a failed write left. Those are
    /// deleted (a link itself, never its target), each with why.</summary>
    public (IReadOnlyList<SpoolFile> Files, IReadOnlyList<string> SetAside) List()
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return ([], []);
        }
        OwnDirectory();
        var files = new List<SpoolFile>();
        var setAside = new List<string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            var info = new FileInfo(path);
            SpoolFile? named = Named(name);
            string? problem = info.LinkTarget is not null ? "a symbolic link"
                : name.EndsWith(Partial, StringComparison.Ordinal) ? "left by a write that did not finish"
                : !name.EndsWith(Extension, StringComparison.Ordinal) ? null // not the spool's: left alone
                : named is null ? "a name that does not read as id-count-bytes"
                : named.Problem(info.Length, maxBufferBytes);
            if (problem is not null)
            {
                TryDelete(path);
                setAside.Add($"{name} ({problem})");
            }
            else if (named is not null)
            {
                files.Add(named);
            }
        }
        return ([.. files.OrderBy(f => f.Id)], setAside);
    }

    private static SpoolFile? Named(string name)
    {
        string[] parts = Path.GetFileNameWithoutExtension(name).Split('-');
        return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long id)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long bytes)
            ? new SpoolFile(id, count, bytes)
            : null;
    }

    /// <summary>Creates the directory for the owner alone, or makes an existing one of its own so; a link in its place is
    /// refused.</summary>
    private void OwnDirectory()
    {
        var info = new DirectoryInfo(directory);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw new IOException($"{directory} is a symbolic link; the spool is not kept through one");
        }
        if (!info.Exists)
        {
            System.IO.Directory.CreateDirectory(directory, OwnerOnly);
        }
        if ((File.GetUnixFileMode(directory) & ~OwnerOnly) != 0)
        {
            try
            {
                File.SetUnixFileMode(directory, OwnerOnly);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's directory that this one may write in (LOKI_SPOOL_DIR set so): used as it is, its files
                // still created 0600, only where nothing stands.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private string PathOf(SpoolFile file) => Path.Combine(directory, $"{file.Id:D12}-{file.Count}-{file.Bytes}{Extension}");
}
