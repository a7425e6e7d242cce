using System.Collections;
using System.Reflection;
using LokiLambdaExtension.Shell;

// CPU at 128 MB (7.2% of a CPU): a socket's completion runs on the one epoll thread that saw it, not handed to a
// thread-pool worker: an answer from /event/next or Loki, or a delivery, wakes one thread instead of two or three.
// One such thread (the runtime makes one per core when completions run inline): the extension's sockets are few.
// Read by the runtime when the first socket is made, so set before any; a value the function's configuration gives wins.
foreach (var (name, value) in new[] { ("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1"), ("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1") })
{
    if (Environment.GetEnvironmentVariable(name) is null)
    {
        Environment.SetEnvironmentVariable(name, value);
    }
}

// TLS: certificates are checked by the extension against the machine's trust files, read only as far as needed; .NET
// would decode all of them on the first check (TrustAnchors). Before anything builds a certificate chain.
LokiLambdaExtension.Shell.Loki.TrustSources.TakeOver();

if (args.Contains("--version"))
{
    Console.WriteLine($"loki-lambda-extension {Assembly.GetExecutingAssembly().GetName().Version?.ToString(3)}");
    return 0;
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(HelpText.Text);
    return 0;
}

var environment = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
{
    environment[(string)variable.Key] = variable.Value as string ?? "";
}
if (args.Contains("--check"))
{
    return await CheckCommand.RunAsync(environment);
}
if (args is ["replay", .. var replayed])
{
    return await LokiLambdaExtension.Shell.Archive.ReplayCommand.RunAsync(environment, replayed);
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"unknown argument '{args[0]}': see --help");
    return 2;
}
return ExtensionHost.Run(environment);
