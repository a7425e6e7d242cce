using System.Net;
using System.Security;
using System.Text;

namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary>An S3 endpoint that serves whatever it is given, as a broken or hostile bucket would: objects of any
/// content under any key (dot segments too), and listings that may repeat their continuation token for ever. It checks
/// no signature: what is under test is what <c>replay</c> does with the answers. Every request's raw path is kept.</summary>
internal sealed class HostileS3 : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly List<string> _requests = [];

    public HostileS3(IReadOnlyList<(string Key, byte[] Body)> objects, bool repeatContinuationToken = false)
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                lock (_requests)
                {
                    _requests.Add(context.Request.RawUrl ?? "");
                }
                byte[] answer = context.Request.QueryString["list-type"] == "2"
                    ? Listing(objects, repeatContinuationToken)
                    : objects.FirstOrDefault(o => context.Request.RawUrl == "/bucket/" + Uri.EscapeDataString(o.Key).Replace("%2F", "/")).Body ?? [];
                context.Response.StatusCode = answer.Length > 0 ? 200 : 404;
                context.Response.ContentLength64 = answer.Length;
                try
                {
                    await context.Response.OutputStream.WriteAsync(answer);
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or IOException)
                {
                }
            }
        });
    }

    public int Port { get; }

    public IReadOnlyList<string> Requests { get { lock (_requests) { return [.. _requests]; } } }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }

    private static byte[] Listing(IReadOnlyList<(string Key, byte[] Body)> objects, bool repeat)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult>");
        foreach (var (key, _) in objects)
        {
            xml.Append($"<Contents><Key>{SecurityElement.Escape(key)}</Key></Contents>");
        }
        xml.Append(repeat ? "<IsTruncated>true</IsTruncated><NextContinuationToken>again</NextContinuationToken>" : "<IsTruncated>false</IsTruncated>");
        return Encoding.UTF8.GetBytes(xml.Append("</ListBucketResult>").ToString());
    }
}
