using System.Collections;
using System.Reflection;
using LokiLambdaExtension.Shell;

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
return await ExtensionHost.RunAsync(environment);
