using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>A loopback port free now (for a server of the tests or the bench to bind).</summary>
public static class LoopbackPort
{
    /// <summary>A port free now whose <paramref name="offset"/>-higher neighbour is free and valid too (start-loki puts
    /// Loki's gRPC port 6000 above its HTTP port: an ephemeral port near 65535 would make Loki fail to start).</summary>
    public static int FreeWith(int offset)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20_000, 65_535 - offset);
            if (IsFree(port) && IsFree(port + offset))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free pair of loopback ports {offset} apart");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int Free() => LoopbackPorts.Any();
}

/// <summary>How the receiver answers: a status and a plain-text body, as Loki does, one request per connection unless
/// the connection is kept alive (no relay in front).</summary>
internal static class PlainAnswer
{
    public static void Write(HttpListenerResponse response, int code, string body, bool keepAlive = false)
    {
        response.KeepAlive = keepAlive; // else one request per connection: the relay can see each answer whole
        response.StatusCode = code;
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        if (bytes.Length > 0)
        {
            response.ContentType = "text/plain; charset=utf-8";
            response.OutputStream.Write(bytes);
        }
        response.Close();
    }
}
