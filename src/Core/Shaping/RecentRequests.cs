using System.Collections.Immutable;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>The requests that lines named lately outside any known invocation, newest first, each with its metadata made
/// once (<see cref="InvocationContext"/>): lines of one request share it instead of each making a list and an array.
/// Outside an invocation means a subscription without platform records, or Managed Instances, where invocations run
/// concurrently and their lines interleave; so more than one is kept.</summary>
internal sealed class RecentRequests
{
    /// <summary>Enough for the concurrent requests of a Managed Instance (its runtimes default to 16 or fewer per vCPU
    /// of a small instance); a request beyond them costs one context again.</summary>
    public const int Kept = 32;

    private readonly ImmutableArray<InvocationContext> _contexts;

    private RecentRequests(ImmutableArray<InvocationContext> contexts) => _contexts = contexts;

    public static RecentRequests None { get; } = new([]);

    /// <summary>The context of a request id that is mostly the very string the context was made with (record fields'
    /// strings are reused, see <see cref="RecentStrings"/>): looked for as that string first, then by its characters.</summary>
    public InvocationContext? Find(string requestId)
    {
        foreach (InvocationContext context in _contexts)
        {
            if (ReferenceEquals(requestId, context.RequestId))
            {
                return context;
            }
        }
        foreach (InvocationContext context in _contexts)
        {
            if (requestId == context.RequestId)
            {
                return context;
            }
        }
        return null;
    }

    /// <summary>As <see cref="Find(string)"/>, for an id read from a line's UTF-8 bytes.</summary>
    public InvocationContext? Find(ReadOnlySpan<byte> requestId)
    {
        foreach (InvocationContext context in _contexts)
        {
            if (requestId.SequenceEqual(context.RequestIdUtf8))
            {
                return context;
            }
        }
        return null;
    }

    /// <summary>These requests with <paramref name="context"/> in front, the oldest beyond <see cref="Kept"/> forgotten.</summary>
    public RecentRequests With(InvocationContext context)
    {
        var contexts = ImmutableArray.CreateBuilder<InvocationContext>(Math.Min(_contexts.Length + 1, Kept));
        contexts.Add(context);
        for (int i = 0; i < _contexts.Length && contexts.Count < Kept; i++)
        {
            contexts.Add(_contexts[i]);
        }
        return new RecentRequests(contexts.MoveToImmutable());
    }
}
