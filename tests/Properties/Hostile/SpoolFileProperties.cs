using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Shell.Spool;

namespace LokiLambdaExtension.Properties.Hostile;

/// <summary>Files found in the spool directory are believed only when they agree with their names, on the real
/// <see cref="SpoolStore"/> over a directory of random files: names that overflow, lie about their size or do not read
/// are set aside (deleted) and said, never summed nor read; what is accepted reads back within its name's bound.</summary>
public sealed class SpoolFileProperties
{
    private const long MaxBufferBytes = 1024 * 1024;

    [Property(MaxTest = 60)]
    public Property AnyFilesInTheSpool_AreAcceptedOnlyWhenTheyAgreeWithTheirNames() =>
        Prop.ForAll(Files.ArrayOf().ToArbitrary(), files =>
        {
            string directory = Path.Combine(Path.GetTempPath(), "spool-props-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                foreach (var (name, size) in files.DistinctBy(f => f.Name))
                {
                    using var file = File.Create(Path.Combine(directory, name));
                    file.SetLength(size); // sparse: a 300 MB file costs no disk
                }
                var store = new SpoolStore(directory, MaxBufferBytes);

                var (accepted, setAside) = store.List();

                foreach (SpoolFile file in accepted)
                {
                    long size = new FileInfo(Path.Combine(directory, $"{file.Id:D12}-{file.Count}-{file.Bytes}.spool")).Length;
                    Assert.Null(file.Problem(size, MaxBufferBytes));
                    Assert.InRange(file.Bytes, 32L * file.Count, MaxBufferBytes);
                }
                Assert.Equal(files.DistinctBy(f => f.Name).Count(f => f.Name.EndsWith(".spool", StringComparison.Ordinal) || f.Name.EndsWith(".partial", StringComparison.Ordinal)),
                    accepted.Count + setAside.Count);
                Assert.All(Directory.EnumerateFiles(directory), path => Assert.DoesNotContain(setAside, s => s.StartsWith(Path.GetFileName(path) + " ", StringComparison.Ordinal)));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        });

    [Fact]
    public void NamesWhoseNumbersOverflowASum_AreSetAsideNotSummed()
    {
        Assert.NotNull(new SpoolFile(1, 1, long.MaxValue).Problem(100, MaxBufferBytes));
        Assert.NotNull(new SpoolFile(2, int.MaxValue, 100).Problem(100, MaxBufferBytes));
        Assert.NotNull(new SpoolFile(3, 1, 100).Problem(300L * 1024 * 1024, MaxBufferBytes)); // 300 MB named as 100 bytes
        Assert.Null(new SpoolFile(4, 2, 200).Problem(180, MaxBufferBytes));
    }

    private static Gen<(string Name, long Size)> Files => Gen.OneOf(
        Gen.Choose(1, 5).SelectMany(id => Gen.Elements(0, 1, 2, int.MaxValue).SelectMany(count =>
            Gen.Elements(0L, 32L, 100L, 4096L, long.MaxValue, 9223372036854775807L).SelectMany(bytes =>
                Gen.Elements(0L, 20L, 200L, 4096L, 300L * 1024 * 1024).Select(size => ($"{id:D12}-{count}-{bytes}.spool", size))))),
        Gen.Elements("x.spool", "1-2.spool", "a-b-c.spool", "-1--1--1.spool", "000000000009.partial", "notes.txt")
            .Select(name => (name, 10L)));
}
