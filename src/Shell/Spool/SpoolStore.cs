using System.Globalization;

namespace LokiLambdaExtension.Shell.Spool;

/// <summary>The spool on disk: one file per spilled chunk, named <c>{id}-{count}-{bytes}.spool</c> so a later process
/// knows what it holds without reading it, readable by the owner only (0600: logs can hold personal data).</summary>
internal sealed class SpoolStore(string directory)
{
    private const string Extension = ".spool";

    public string Directory => directory;

    public void Write(SpoolFile file, byte[] content)
    {
        System.IO.Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $"{file.Id:D12}.partial");
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        // Renamed only once whole: a process killed mid-write leaves a .partial, never a half file taken for a spool.
        File.Move(temporary, PathOf(file), overwrite: true);
    }

    public byte[] Read(SpoolFile file) => File.ReadAllBytes(PathOf(file));

    public void Delete(SpoolFile file) => File.Delete(PathOf(file));

    /// <summary>The files a previous process of this environment left, oldest first; unreadable names are skipped.</summary>
    public IReadOnlyList<SpoolFile> List()
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }
        var files = new List<SpoolFile>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*" + Extension))
        {
            string[] parts = Path.GetFileNameWithoutExtension(path).Split('-');
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long id)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long bytes))
            {
                files.Add(new SpoolFile(id, count, bytes));
            }
        }
        return [.. files.OrderBy(f => f.Id)];
    }

    private string PathOf(SpoolFile file) => Path.Combine(directory, $"{file.Id:D12}-{file.Count}-{file.Bytes}{Extension}");
}
