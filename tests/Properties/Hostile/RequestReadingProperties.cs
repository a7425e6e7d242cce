using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Shell;
using LokiLambdaExtension.Shell.Listener;

namespace LokiLambdaExtension.Properties.Hostile;

/// <summary>The listener's request reading, on the real <see cref="ConnectionReader"/> over a connection that hands its
/// bytes over in arbitrary pieces and then closes or resets: a valid request reads back whole however it is split, and
/// whatever arrives (random bytes, sizes that overflow, a reset in the middle), nothing but the connection's own
/// failure comes out, and no budget stays taken.</summary>
public sealed class RequestReadingProperties
{
    private static readonly ListenerLimits Limits = new(MaxBodyBytes: 4096, MaxBodyBytesInFlight: 256 * 1024,
        RequestDeadline: TimeSpan.FromSeconds(5), IdleTimeout: TimeSpan.FromSeconds(5), MaxHeadBytes: 1024);

    [Property(MaxTest = 300)]
    public Property AValidRequest_SplitAnyhow_ReadsBackWhole() =>
        Prop.ForAll(Shrinking.Arrays(Body), Gen.Elements(true, false).ToArbitrary(), Shrinking.Arrays(Splits.Where(s => s.Length > 0)), (body, chunked, splits) =>
        {
            byte[] request = chunked ? Chunked(body, splits) : Framed(body);
            var buffers = new BodyBuffers(Limits.MaxBodyBytesInFlight);

            var (head, read, length, _) = Read(request, splits, reset: false, buffers);

            Assert.NotNull(head);
            Assert.Equal(body, read![..length]);
            buffers.Return(read);
            Assert.Equal(0, buffers.InFlight);
        });

    [Property(MaxTest = 500)]
    public Property AnyBytes_CutOrReset_NeverThrowOutOfTheReaderAndLeaveNoBudgetTaken() =>
        Prop.ForAll(Shrinking.Arrays(Hostile), Shrinking.Arrays(Splits.Where(s => s.Length > 0)), Gen.Elements(true, false).ToArbitrary(), (request, splits, reset) =>
        {
            var buffers = new BodyBuffers(Limits.MaxBodyBytesInFlight);

            var (_, read, _, failure) = Read(request, splits, reset, buffers);

            Assert.True(failure is null or IOException, $"{failure?.GetType().Name}: {failure?.Message}");
            if (read is not null)
            {
                buffers.Return(read);
            }
            Assert.Equal(0, buffers.InFlight);
        });

    private static (RequestHead? Head, byte[]? Body, int Length, Exception? Failure) Read(byte[] request, int[] splits, bool reset, BodyBuffers buffers)
    {
        // Deadlines kept by an inbox whose loop does not run: none comes due (what is read here is never slow).
        using var reader = new ConnectionReader(new PiecewiseStream(request, splits.Length > 0 ? splits : [1], reset), Limits, new LoopInbox());
        try
        {
            RequestHead? head = reader.ReadHeadAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (head is null)
            {
                return (null, null, 0, null);
            }
            var (body, length) = reader.ReadBodyAsync(head.Value, buffers, CancellationToken.None).GetAwaiter().GetResult();
            return (head, body, length, null);
        }
        catch (Exception e)
        {
            return (null, null, 0, e);
        }
    }

    private static Gen<byte[]> Body => Gen.Choose(0, 3000).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n));

    private static Gen<int[]> Splits => Gen.Choose(1, 12).SelectMany(n => Gen.Choose(1, 700).ArrayOf(n));

    /// <summary>What a hostile or broken client sends: valid requests cut short, sizes that overflow or lie, chunk sizes
    /// near long.MaxValue, random bytes after a plausible head, and random bytes alone.</summary>
    private static Gen<byte[]> Hostile => Gen.OneOf(
        Body.Select(b => Framed(b)[..Math.Max(0, Framed(b).Length - 1 - b.Length / 2)]),
        Body.Select(b => Chunked(b, [100])[..Math.Max(0, Chunked(b, [100]).Length / 2)]),
        Gen.Elements("7FFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF", "8000000000000000", "1FFFFFFFFFFFFFFFF", "7FFFFFFF", "-1", "1000")
            .Select(size => Ascii($"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n{size}\r\n") .Concat(new byte[200]).ToArray()),
        Gen.Elements("99999999999999999999", "9223372036854775807", "4194304", "4096", "-5", "1e3")
            .Select(length => Ascii($"POST / HTTP/1.1\r\nContent-Length: {length}\r\n\r\n").Concat(new byte[100]).ToArray()),
        Body.Select(b => Ascii("POST / HTTP/1.1\r\nHost: x\r\n").Concat(b).ToArray()),
        Body);

    private static byte[] Framed(byte[] body) => [.. Ascii($"POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];

    private static byte[] Chunked(byte[] body, int[] sizes)
    {
        var request = new MemoryStream();
        request.Write(Ascii("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        int at = 0;
        for (int i = 0; at < body.Length; i++)
        {
            int size = Math.Min(body.Length - at, sizes[i % sizes.Length]);
            request.Write(Ascii($"{size:x}{(i % 3 == 1 ? ";ext=1" : "")}\r\n"));
            request.Write(body, at, size);
            request.Write("\r\n"u8);
            at += size;
        }
        request.Write("0\r\n\r\n"u8);
        return request.ToArray();
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>A connection that gives its bytes in pieces of the given sizes (cycled), then closes, or resets.</summary>
    private sealed class PiecewiseStream(byte[] bytes, int[] pieces, bool reset) : Stream
    {
        private int _at;
        private int _piece;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_at == bytes.Length)
            {
                return reset ? throw new IOException("Connection reset by peer") : 0;
            }
            int n = Math.Min(Math.Min(buffer.Length, pieces[_piece++ % pieces.Length]), bytes.Length - _at);
            bytes.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
