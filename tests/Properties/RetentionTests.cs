using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>What the state lets go of: a buffer that never empties (a busy Managed Instance) and the memory of recent
/// invocations must not keep what they no longer hold (the managed bench found 300 MB kept after 30 s).</summary>
public sealed class RetentionTests
{
    [Fact]
    public void ABufferThatNeverEmpties_LetsGoOfTheBodiesItPushed()
    {
        var (queue, pushed) = QueueWithAPushedBody();
        for (int i = 0; i < 100; i++)
        {
            queue = queue.Append(Body(10)).Skip(10); // new bodies come as old ones go: never empty
        }

        Collect();
        Assert.False(pushed.TryGetTarget(out _), "a pushed body is still held by the buffer");
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void RememberingRuntimeDones_KeepsOnlyTheLastFew()
    {
        var (invocation, first) = InvocationsWithAForgottenOne();

        Collect();
        Assert.False(first.TryGetTarget(out _), "a request id forgotten by the state is still held");
        Assert.Equal(8, invocation.RecentRuntimeDone.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (EntryQueue, WeakReference<LogEntry[]>) QueueWithAPushedBody()
    {
        LogEntry[] first = [.. Body(10), new LogEntry(0, Utf8Line.From("last"), StreamKind.Function, MetadataPairs.Empty)];
        var queue = EntryQueue.Of(first).Skip(10);
        return (queue.Append(Body(1)).Skip(1), new WeakReference<LogEntry[]>(first));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (InvocationState, WeakReference<string>) InvocationsWithAForgottenOne()
    {
        string firstId = new('r', 36);
        InvocationState state = InvocationState.None.RememberRuntimeDone(firstId);
        for (int i = 0; i < 1000; i++)
        {
            state = state.RememberRuntimeDone($"request-{i}");
        }
        return (state, new WeakReference<string>(firstId));
    }

    private static ImmutableArray<LogEntry> Body(int lines) =>
        [.. Enumerable.Range(0, lines).Select(n => new LogEntry(n, Utf8Line.From($"line {n}"), StreamKind.Function, MetadataPairs.Empty))];

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
