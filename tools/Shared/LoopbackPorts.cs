using System.Net;
using System.Net.Sockets;

namespace LokiLambdaExtension.Tools;

/// <summary>Loopback ports for the tools' servers (the emulator's Extensions API, the Loki receiver). Compiled into
/// each tool that binds one.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free now: the one the system hands out for port 0.</summary>
    public static int Any()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
