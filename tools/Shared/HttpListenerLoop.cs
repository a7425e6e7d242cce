using System.Net;

namespace LokiLambdaExtension.Tools;

/// <summary>The accept loop of the tools' HTTP servers (the emulator's Extensions API, the Loki receiver): each request
/// handled on its own, until the listener is closed. Compiled into each tool that serves HTTP.</summary>
internal static class HttpListenerLoop
{
    public static async Task ServeAsync(HttpListener listener, Func<HttpListenerContext, Task> handle, CancellationToken stop = default)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => handle(context));
        }
    }
}
