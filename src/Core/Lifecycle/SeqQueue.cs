using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>LanguageExt's <c>Seq</c> shares one array between a sequence and its <c>Tail</c>, and <c>Add</c> appends to
/// that array in place: a <c>Seq</c> used as a queue (added to at the end, taken from at the front) keeps every element
/// it ever held (200,000 adds kept 11 MB for 8 live strings). Where the state keeps a <c>Seq</c> as a queue, its front
/// goes with <see cref="WithoutFirst"/>, which copies what is left: a few elements, once per notice, invocation or
/// spool file, never per line.</summary>
internal static class SeqQueue
{
    public static Seq<T> WithoutFirst<T>(this Seq<T> queue) =>
        queue.Count <= 1 ? Seq<T>() : toSeq(System.Linq.Enumerable.Skip(queue, 1).ToArray());
}
