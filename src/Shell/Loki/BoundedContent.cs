using System.Text;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>Reads an HTTP answer's body up to a limit: whatever Loki, S3 or a proxy before them sends, the extension
/// holds at most that much of it. A longer body is cut (for messages) or refused (for content that must be whole).</summary>
internal static class BoundedContent
{
    /// <summary>The body's first <paramref name="maxBytes"/> bytes, and whether it was longer.</summary>
    public static async Task<(byte[] Bytes, bool Cut)> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength is long announced && announced <= maxBytes)
        {
            maxBytes = (int)announced; // a buffer no larger than the answer says
        }
        await using Stream stream = await content.ReadAsStreamAsync(cancellation);
        byte[] buffer = new byte[Math.Min(maxBytes, 64 * 1024) + 1];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    return (buffer[..maxBytes], true);
                }
                Array.Resize(ref buffer, (int)Math.Min((long)maxBytes + 1, 2L * buffer.Length));
            }
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellation);
            if (read == 0)
            {
                return (buffer[..filled], false);
            }
            filled += read;
        }
    }

    public static async Task<string> ReadTextAsync(HttpContent content, int maxBytes, CancellationToken cancellation)
    {
        var (bytes, cut) = await ReadAsync(content, maxBytes, cancellation);
        return Text(bytes, cut, maxBytes);
    }

    /// <summary>A body read up to <paramref name="maxBytes"/> as text, saying so when it was cut there (an answer read
    /// here or by <see cref="Http.HttpConnection"/>).</summary>
    public static string Text(byte[] bytes, bool cut, int maxBytes) =>
        Encoding.UTF8.GetString(bytes) + (cut ? $"… (answer cut at {maxBytes} bytes)" : "");
}
