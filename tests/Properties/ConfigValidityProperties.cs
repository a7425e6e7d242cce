using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Names = LokiLambdaExtension.Core.Configuration.ConfigValues.Names;

namespace LokiLambdaExtension.Properties;

/// <summary>The generated reader reports exactly the variables that are invalid: any mix of valid, invalid and missing
/// values gives one or more problems naming each invalid variable, and none naming a valid one.</summary>
public sealed class ConfigValidityProperties
{
    /// <summary>A valid and an invalid value of each variable, each judged alone (basic auth's user and password, valid
    /// only together, have tests of their own; a service name cannot be invalid).</summary>
    private static readonly Dictionary<string, (string Valid, string? Invalid)> Samples = new()
    {
        [Names.PushUri] = ("http://loki:3100", "ftp://x"),
        [Names.Labels] = ("env=prod,team=payments", "=x"),
        [Names.MaxLineBytes] = ("2048", "12"),
        [Names.ListenerPort] = ("2345", "port"),
        [Names.BufferMaxItems] = ("2000", "many"),
        [Names.BufferMaxBytes] = ("300000", "1e3"),
        [Names.BufferTimeoutMs] = ("100", "soon"),
        [Names.FlushTimeoutMs] = ("500", "-5"),
        [Names.Flush] = ("periodic,500", "sometimes"),
        [Names.MaxBufferMb] = ("32", "0"),
        [Names.SpoolMaxMb] = ("0", "lots"),
        [Names.SpoolDirectory] = ("/tmp/spool", "relative/dir"),
        [Names.DropPattern] = ("^DEBUG", "(unclosed"),
        [Names.MaskPattern] = (@"\d{16}", "[z-a]"),
        [Names.Multiline] = ("off", "sometimes"),
        [Names.AuthToken] = ("t0ken", "a\u0001b"),
        [Names.TenantId] = ("team-a", "tenant/1"),
        [Names.TenantMode] = ("fixed", "per-tenant"),
        [Names.TenantPrefix] = ("acme-", "acme/"),
        [Names.ExtraHeaders] = ("X-Team=a", "=x"),
        [Names.ServiceName] = ("orders-api", null),
        [Names.TelemetryTypes] = ("platform,extension", "platform,bogus"),
        [Names.Verbosity] = ("DEBUG", "loud"),
        [Names.FailOnConfigError] = ("false", "yes"),
        [Names.ArchiveS3] = ("s3://log-archive/lambda/prod", "s3://Bad_Bucket/x"),
        [Names.ArchiveMode] = ("all", "sometimes"),
        [Names.ArchiveEndpoint] = ("http://127.0.0.1:9000", "ftp://x"),
    };

    private static readonly string[] Judged = [.. Samples.Keys];

    /// <summary>Each variable missing, valid or invalid.</summary>
    private static readonly Arbitrary<int[]> Choices = Gen.Choose(0, 2).ArrayOf(Judged.Length).Select(c => c.ToArray()).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Read_AnyMixOfValidInvalidAndMissing_NamesExactlyTheInvalidVariables() => Prop.ForAll(Choices, choices =>
    {
        var environment = new Dictionary<string, string>();
        var invalid = new HashSet<string>();
        for (int i = 0; i < Judged.Length; i++)
        {
            var (valid, bad) = Samples[Judged[i]];
            if (choices[i] == 1 || (choices[i] == 2 && bad is null))
            {
                environment[Judged[i]] = valid;
            }
            else if (choices[i] == 2)
            {
                environment[Judged[i]] = bad!;
                invalid.Add(Judged[i]);
            }
        }
        if (!environment.ContainsKey(Names.PushUri))
        {
            invalid.Add(Names.PushUri); // required: its absence is a problem
        }

        var (_, problems) = ConfigReader.Read(environment);

        var named = ConfigValues.VariableNames.Where(v => problems.Exists(p => Regex.IsMatch(p, $@"\b{v}\b"))).ToHashSet();
        Assert.True(named.SetEquals(invalid), $"invalid: {string.Join(",", invalid.Order())}\nnamed: {string.Join(",", named.Order())}\n" +
                                              string.Join("\n", problems));
    });

    [Fact]
    public void EveryDeclaredVariable_HasSamples_ButBasicAuthsTwoHalves()
    {
        string[] missing = [.. ConfigValues.VariableNames.Except(Samples.Keys).Except([Names.Username, Names.Password])];

        Assert.True(missing.Length == 0, $"add a valid and an invalid sample of {string.Join(", ", missing)}");
    }
}
