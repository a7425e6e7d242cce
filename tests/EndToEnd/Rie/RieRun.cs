using System.Diagnostics;
using System.Text.Json;

namespace LokiLambdaExtension.EndToEnd.Rie;

/// <summary>One execution environment under AWS's own Runtime Interface Emulator (<c>../shared/rie/rie-sandbox</c>: the
/// RIE built from AWS's source, in private network and mount namespaces), the layer's binary in <c>/opt/extensions</c>,
/// AWS's example Python runtime in <c>/var/task</c>, and a real Loki started inside the namespace. A driver script
/// invokes it (in waves, concurrently on Managed Instances, each with its own request id), stops the RIE (SHUTDOWN to
/// the extension), then reads back everything Loki holds. The function is <c>function-bootstrap</c> beside this file.</summary>
/// <param name="Spooled">The lines the extension left in its spool (what a later process of the environment sends).</param>
internal sealed record RieRun(IReadOnlyList<RieInvocation> Invocations, IReadOnlyList<LokiEntry> Entries, string RieLog, IReadOnlyList<string> Spooled)
{
    public static string SharedDirectory => Path.GetFullPath(Path.Combine(ExtensionBinary.RepositoryRoot(), "..", "shared"));

    /// <param name="mode"><c>lmi</c> or <c>on-demand</c> (the classic emulator).</param>
    /// <param name="waves">Invocations per wave; a wave's run at once (Managed Instances), then the next.</param>
    /// <param name="crashingNeighbour">Another extension beside this one, that exits with an error during init: /opt is
    /// bound, in a mount namespace of the run's own, to a folder holding it, so the RIE's overlay of /opt shows it.</param>
    /// <param name="bootstrap">The function's runtime (default: <c>function-bootstrap</c>, a Python custom runtime).</param>
    /// <param name="functionEnvironment">Variables of the function besides the extension's.</param>
    /// <param name="requestIds">Makes the request ids of a wave (default: GUIDs).</param>
    public static async Task<RieRun> RunAsync(string extension, string mode, int[] waves, string lokiVersion = "3.4.6", bool crashingNeighbour = false,
        string? bootstrap = null, IReadOnlyList<string>? functionEnvironment = null, Func<int, string>? requestIds = null)
    {
        string work = Directory.CreateTempSubdirectory("rie-run-").FullName;
        // Managed Instances run the extension as uid 993: its spool must be a folder it can write.
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(work, "spool"));
        File.SetUnixFileMode(Path.Combine(work, "spool"), (UnixFileMode)0b111_111_111);
        string driver = Path.Combine(work, "driver.sh");
        int made = 0;
        var requests = waves.Select((size, wave) => Enumerable.Range(0, size).Select(i => requestIds?.Invoke(made++) ?? Guid.NewGuid().ToString()).ToArray()).ToArray();
        await File.WriteAllTextAsync(driver, Driver(work, mode, requests, lokiVersion));
        File.SetUnixFileMode(driver, (UnixFileMode)0b111_101_101);
        string sandbox = Path.Combine(SharedDirectory, "rie", "rie-sandbox");
        var info = new ProcessStartInfo(crashingNeighbour ? "unshare" : sandbox)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (crashingNeighbour)
        {
            string opt = Path.Combine(work, "opt");
            Directory.CreateDirectory(Path.Combine(opt, "extensions"));
            string crashing = Path.Combine(opt, "extensions", "crashing-extension");
            await File.WriteAllTextAsync(crashing, "#!/bin/sh\nsleep 0.3\nexit 3\n");
            File.SetUnixFileMode(crashing, (UnixFileMode)0b111_101_101);
            foreach (string argument in new[] { "-m", "--propagation", "private", "sh", "-c", $"mount --bind {opt} /opt && exec \"$0\" \"$@\"", sandbox })
            {
                info.ArgumentList.Add(argument);
            }
        }
        foreach (string argument in new[]
                 {
                     "--mode", mode, "--extension", extension, "--log", Path.Combine(work, "rie.log"),
                     "--bootstrap", bootstrap ?? Path.Combine(ExtensionBinary.RepositoryRoot(), "tests", "EndToEnd", "Rie", "function-bootstrap"),
                     "--env", "LOKI_PUSH_URL=http://127.0.0.1:3100", "--env", $"LOKI_SPOOL_DIR={work}/spool",
                 }.Concat((functionEnvironment ?? []).SelectMany(v => new[] { "--env", v })).Concat(["--", driver]))
        {
            info.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        string log = File.Exists(Path.Combine(work, "rie.log")) ? await File.ReadAllTextAsync(Path.Combine(work, "rie.log")) : "";
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(work, "loki.json")))
        {
            throw new InvalidOperationException($"rie-sandbox exited {process.ExitCode}:\n{await stdout}\n{await stderr}\n{log}");
        }
        var invocations = (await File.ReadAllLinesAsync(Path.Combine(work, "invocations"))).Select(RieInvocation.Parse).ToList();
        var entries = LokiEntry.Read(await File.ReadAllTextAsync(Path.Combine(work, "loki.json")));
        var spooled = Directory.EnumerateFiles(Path.Combine(work, "spool"), "*.spool")
            .SelectMany(file => SpoolFormat.Read(File.ReadAllBytes(file))).Select(e => e.Line.ToString()).ToList();
        Directory.Delete(work, recursive: true);
        return new RieRun(invocations, entries, log, spooled);
    }

    /// <summary>The X-Ray trace id the caller sends with a request: one of its own, made from its id, so that a line
    /// given another request's trace shows.</summary>
    public static string TraceOf(string requestId)
    {
        string hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestId)));
        return $"1-{hex[..8]}-{hex[8..32]}";
    }

    /// <summary>The script run inside the namespace: Loki, the invocations (each line: request id, HTTP status,
    /// seconds), SHUTDOWN, then every entry Loki holds.</summary>
    private static string Driver(string work, string mode, string[][] waves, string lokiVersion)
    {
        string loki = Path.Combine(SharedDirectory, "loki");
        string invoke = "curl -s -o /dev/null -w \"$1 %{http_code} %{time_total}\\n\" -XPOST 127.0.0.1:8080/2015-03-31/functions/function/invocations " +
                        "-H \"X-Amzn-RequestId: $1\" -H \"X-Amzn-Trace-Id: Root=$2;Parent=0efbd19962d95b05;Sampled=1\" -d \"{\\\"n\\\":\\\"$1\\\"}\"";
        var waveLines = waves.Select(wave => mode == "lmi"
            ? string.Join("\n", wave.Select(id => $"invoke {id} {TraceOf(id)} >> {work}/invocations &")) + "\nwait"
            : string.Join("\n", wave.Select(id => $"invoke {id} {TraceOf(id)} >> {work}/invocations")));
        return $$"""
            #!/usr/bin/env bash
            set -u
            invoke() { {{invoke}}; }
            eval "$({{loki}}/start-loki --version {{lokiVersion}} --port 3100 --dir {{work}}/loki | grep LOKI_URL=)"
            sleep 0.5
            {{string.Join("\nsleep 0.3\n", waveLines)}}
            kill -TERM "$RIE_PID"
            for _ in $(seq 1 100); do kill -0 "$RIE_PID" 2>/dev/null || break; sleep 0.05; done
            sleep 1
            now=$(date +%s)
            curl -s -G "$LOKI_URL/loki/api/v1/query_range" --data-urlencode 'query={service_name=~".+"}' \
              --data-urlencode "start=$((now - 900))000000000" --data-urlencode "end=$((now + 60))000000000" \
              --data-urlencode limit=5000 --data-urlencode direction=forward > {{work}}/loki.json
            {{loki}}/stop-loki --version {{lokiVersion}} --dir {{work}}/loki > /dev/null 2>&1
            exit 0
            """;
    }
}

/// <summary>An invocation as the caller saw it: its request id, the RIE's HTTP status and the round trip.</summary>
internal sealed record RieInvocation(string RequestId, int Status, TimeSpan Took)
{
    public static RieInvocation Parse(string line)
    {
        string[] parts = line.Split(' ');
        return new RieInvocation(parts[0], int.Parse(parts[1]), TimeSpan.FromSeconds(double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
    }
}

/// <summary>An entry as Loki returns it: the line, its stream's labels and its structured metadata.</summary>
internal sealed record LokiEntry(string Line, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Metadata)
{
    public string? this[string name] => Metadata.TryGetValue(name, out string? value) ? value : Labels.GetValueOrDefault(name);

    public static List<LokiEntry> Read(string json)
    {
        var entries = new List<LokiEntry>();
        using var document = JsonDocument.Parse(json);
        foreach (JsonElement stream in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            foreach (JsonElement value in stream.GetProperty("values").EnumerateArray())
            {
                var metadata = new Dictionary<string, string>();
                if (value.GetArrayLength() > 2)
                {
                    // Loki 3.x answers {"structuredMetadata": {...}, "parsed": {...}}; older ones the pairs themselves.
                    foreach (JsonProperty pair in value[2].EnumerateObject())
                    {
                        foreach (JsonProperty inner in pair.Value.ValueKind == JsonValueKind.Object ? [.. pair.Value.EnumerateObject()] : new[] { pair })
                        {
                            metadata[inner.Name] = inner.Value.GetString() ?? "";
                        }
                    }
                }
                entries.Add(new LokiEntry(value[1].GetString() ?? "", labels, metadata));
            }
        }
        return entries;
    }
}
