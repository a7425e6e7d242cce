using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>The buffer's queue against the plainest model of it: a list.</summary>
public sealed class EntryQueueProperties
{
    /// <summary>0: append a chunk of n entries, 1: add one entry, 2: skip n, 3: take the oldest within n lines' bytes,
    /// 4: rebuild from an array.</summary>
    private static Arbitrary<(int Op, int N)[]> Operations =>
        Gen.Choose(0, 4).SelectMany(op => Gen.Choose(0, 12).Select(n => (op, n))).ArrayOf().Select(ops => ops.ToArray()).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property AnyOperations_BehaveAsOnAList() => Prop.ForAll(Operations, operations =>
    {
        var queue = EntryQueue.Empty;
        var model = new List<LogEntry>();
        int next = 0;
        LogEntry Entry() => new(next, $"line {next++}", StreamKind.Function);

        foreach (var (op, n) in operations)
        {
            switch (op)
            {
                case 0:
                    var chunk = Enumerable.Range(0, n).Select(_ => Entry()).ToImmutableArray();
                    queue = queue.Append(chunk);
                    model.AddRange(chunk);
                    break;
                case 1:
                    LogEntry one = Entry();
                    queue = queue.Add(one);
                    model.Add(one);
                    break;
                case 2:
                    queue = queue.Skip(n);
                    model.RemoveRange(0, Math.Min(n, model.Count));
                    break;
                case 3:
                    // The oldest entries within the cap, and always one: the list's own prefix by the same rule.
                    long cap = n * 40L;
                    var expected = new List<LogEntry>();
                    long expectedBytes = 0;
                    foreach (LogEntry entry in model)
                    {
                        if (expected.Count > 0 && expectedBytes + entry.ApproximateBytes > cap)
                        {
                            break;
                        }
                        expectedBytes += entry.ApproximateBytes;
                        expected.Add(entry);
                    }
                    var (taken, bytes) = queue.Oldest(cap);
                    Assert.Equal(expected, taken);
                    Assert.Equal(expectedBytes, bytes);
                    break;
                default:
                    queue = EntryQueue.Of(queue.ToArray());
                    break;
            }
            Assert.Equal(model.Count, queue.Count);
            Assert.Equal(model.Count == 0, queue.IsEmpty);
            Assert.Equal(model, queue);
            Assert.Equal(model, queue.ToArray());
        }
    });
}
