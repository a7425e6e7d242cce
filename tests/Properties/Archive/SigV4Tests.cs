using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LokiLambdaExtension.Core.Archive;
using LokiLambdaExtension.Tools.S3Store;
using Xunit;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary>The extension's SigV4 signer against AWS's own: for random requests, the Authorization header equals the
/// one AWS's signer for JavaScript (npm @aws-sdk/signature-v4, run through Node) computes; and AWS's published test
/// suite gives the published signatures.</summary>
public sealed class SigV4Tests
{
    [Fact]
    public async Task RandomRequests_Authorization_EqualsAwsSignerForJavaScript()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var requests = Enumerable.Range(0, 400).Select(_ => RandomRequest(random)).ToList();
        var input = new JsonArray(requests.Select(r => (JsonNode)r.ToJson()).ToArray());
        string[] expected = JsonSerializer.Deserialize<string[]>(await NodeTools.ScriptAsync("sigv4-oracle.js", ["sign"], input.ToJsonString()))!;
        Assert.Equal(requests.Count, expected.Length);
        for (int i = 0; i < requests.Count; i++)
        {
            Assert.True(expected[i] == requests[i].Sign(), $"seed {seed}, request {i}: {requests[i].ToJson().ToJsonString()}\n" +
                $"AWS:  {expected[i]}\nours: {requests[i].Sign()}");
        }
    }

    /// <summary>The secret reads exactly as the shell sends them (<see cref="Shell.Aws.AwsSigning"/>: the JSON body, the
    /// target, the session token), for Secrets Manager and Parameter Store in several partitions and regions, signed as
    /// AWS's signer would sign that request.</summary>
    [Fact]
    public async Task SecretReads_AsTheShellSendsThem_AreSignedAsAwsSignerSignsThem()
    {
        string[] references =
        [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf:token",
            "arn:aws:secretsmanager:us-gov-west-1:123456789012:secret:team/loki+prod=1@x-AbCdEf::AWSPREVIOUS",
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:loki-AbCdEf",
            "arn:aws:ssm:ap-southeast-2:123456789012:parameter/loki/password",
            "arn:aws:ssm:eu-central-1:123456789012:parameter/a b/é",
        ];
        var credentials = new AwsCredentials("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE/+=");
        var requests = new JsonArray();
        var ours = new List<string>();
        foreach (string text in references)
        {
            SecretReference reference = SecretReference.Parse("LOKI_AUTH_TOKEN", text, _ => "").Match(r => r, problem => throw new Xunit.Sdk.XunitException(problem));
            byte[] body = reference.RequestBody();
            var (service, target) = reference.Call;
            using HttpRequestMessage request = Shell.Aws.AwsSigning.Signed(HttpMethod.Post, reference.Endpoint, [], new ByteArrayContent(body), body,
                credentials, reference.Region, service, isS3: false, new KeyValuePair<string, string>("x-amz-target", target));
            string amzDate = request.Headers.GetValues("x-amz-date").Single();
            ours.Add(request.Headers.GetValues("Authorization").Single());
            requests.Add(new JsonObject
            {
                ["method"] = "POST", ["hostname"] = reference.Endpoint.Host, ["path"] = "/", ["query"] = new JsonObject(),
                ["headers"] = new JsonObject { ["host"] = reference.Endpoint.Host, ["x-amz-target"] = target },
                ["bodyBase64"] = Convert.ToBase64String(body), ["accessKeyId"] = credentials.AccessKeyId, ["secretAccessKey"] = credentials.SecretAccessKey,
                ["sessionToken"] = credentials.SessionToken, ["region"] = reference.Region, ["service"] = service,
                ["date"] = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal).ToString("O"),
                ["isS3"] = false,
            });
        }
        string[] expected = JsonSerializer.Deserialize<string[]>(await NodeTools.ScriptAsync("sigv4-oracle.js", ["sign"], requests.ToJsonString()))!;
        Assert.Equal(expected, ours);
    }

    [Fact]
    public async Task AwsTestSuite_EveryRequest_GivesThePublishedSignature()
    {
        JsonNode suite = JsonNode.Parse(await NodeTools.ScriptAsync("sigv4-oracle.js", ["vectors"]))!;
        var credentials = new AwsCredentials((string)suite["credentials"]!["accessKeyId"]!, (string)suite["credentials"]!["secretAccessKey"]!, null);
        var time = DateTimeOffset.Parse((string)suite["date"]!, System.Globalization.CultureInfo.InvariantCulture);
        JsonArray vectors = suite["requests"]!.AsArray();
        Assert.True(vectors.Count >= 20, $"the suite has {vectors.Count} requests");
        foreach (JsonNode? vector in vectors)
        {
            JsonNode request = vector!["request"]!;
            string body = (string?)request["body"] ?? "";
            string authorization = SigV4.Authorization((string)request["method"]!, (string)request["path"]!, Pairs(request["query"]!),
                Pairs(request["headers"]!), SigV4.PayloadHash(Encoding.UTF8.GetBytes(body)), credentials, (string)suite["region"]!,
                (string)suite["service"]!, time, isS3: false);
            Assert.True((string)vector["authorization"]! == authorization, $"{vector["name"]}: expected {vector["authorization"]}, got {authorization}");
        }
    }

    /// <summary>Two examples from AWS's documentation, independent of Node: the generic suite's get-vanilla, and S3's
    /// "GET Object" example (Signature Version 4 for S3, header-based authentication).</summary>
    [Fact]
    public void DocumentedExamples_GiveTheDocumentedSignatures()
    {
        var time = new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
        string vanilla = SigV4.Authorization("GET", "/", [], [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            SigV4.EmptyPayloadHash, new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null), "us-east-1", "service", time, isS3: false);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
                     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", vanilla);

        string s3 = SigV4.Authorization("GET", "/test.txt", [], [
                new("Host", "examplebucket.s3.amazonaws.com"), new("Range", "bytes=0-9"),
                new("x-amz-content-sha256", SigV4.EmptyPayloadHash), new("x-amz-date", "20130524T000000Z")],
            SigV4.EmptyPayloadHash, new AwsCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null), "us-east-1", "s3",
            new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero), isS3: true);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
                     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
                     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", s3);
    }

    [Fact]
    public void Credentials_Printed_NeverShowTheSecret()
    {
        var credentials = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-value");
        Assert.DoesNotContain("wJalr", credentials.ToString());
        Assert.DoesNotContain("session-token-value", credentials.ToString());
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonNode node) =>
        node.AsObject().Select(p => KeyValuePair.Create(p.Key, (string)p.Value!)).ToList();

    private static SignedRequest RandomRequest(Random random)
    {
        bool isS3 = random.Next(2) == 0;
        string region = Pick(random, "us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "il-central-1");
        string host = isS3 ? $"bucket-{random.Next(1000)}.s3.{region}.amazonaws.com" : $"localhost:{random.Next(1, 65536)}";
        string path = isS3
            ? "/" + SigV4.Escape(RandomText(random, 1, 60, unicode: true), keepSlash: true)
            : "/" + string.Join('/', Enumerable.Range(0, random.Next(0, 5)).Select(_ => Pick(random, ".", "..", "", RandomText(random, 1, 12, unicode: random.Next(2) == 0))));
        var query = new Dictionary<string, string>();
        for (int i = random.Next(0, 5); i > 0; i--)
        {
            query[RandomName(random)] = RandomText(random, 0, 30, unicode: true);
        }
        var headers = new Dictionary<string, string> { ["host"] = host };
        for (int i = random.Next(0, 4); i > 0; i--)
        {
            headers[Pick(random, "X-Amz-Meta-", "Content-", "x-custom-") + RandomName(random).ToLowerInvariant()] = RandomHeaderValue(random);
        }
        byte[] body = new byte[random.Next(0, 2000)];
        random.NextBytes(body);
        string? token = random.Next(2) == 0 ? Convert.ToBase64String(RandomBytes(random, random.Next(16, 300))) : null;
        var credentials = new AwsCredentials("AKIA" + RandomName(random).ToUpperInvariant(), Convert.ToBase64String(RandomBytes(random, 30)), token);
        var time = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.NextInt64(0, 30L * 365 * 86400));
        return new SignedRequest(Pick(random, "GET", "PUT", "POST", "DELETE", "HEAD"), host, path, query, headers, body, credentials, region,
            isS3 ? "s3" : Pick(random, "service", "execute-api", "logs"), time, isS3);
    }

    private static string RandomText(Random random, int min, int max, bool unicode)
    {
        string[] pieces = unicode
            ? ["a", "Z", "0", " ", "/", "+", "=", "&", "?", "%", "#", "~", "-", "_", ".", "é", "ß", "ሴ", "日本", "😀", "\u00a0", "'", "(", "*", "!", "\"", "\\"]
            : ["a", "b", "Z", "0", "9", "-", "_", "~", "!", "*"];
        var text = new StringBuilder();
        for (int i = random.Next(min, max + 1); i > 0; i--)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }
        return text.ToString();
    }

    /// <summary>Query and header names: AWS's signer sorts names as given and the spec as escaped, which agree for these.</summary>
    private static string RandomName(Random random) => string.Concat(Enumerable.Range(0, random.Next(1, 10))
        .Select(_ => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"[random.Next(66)]));

    private static string RandomHeaderValue(Random random) => string.Concat(Enumerable.Range(0, random.Next(0, 30))
        .Select(_ => Pick(random, "a", "B", "7", " ", "  ", "\t", ",", ";", "=", "\"", "/", ":")));

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    private sealed record SignedRequest(string Method, string Host, string Path, Dictionary<string, string> Query, Dictionary<string, string> Headers,
        byte[] Body, AwsCredentials Credentials, string Region, string Service, DateTimeOffset Time, bool IsS3)
    {
        /// <summary>As the archive's client signs: x-amz-date, the session token and (for S3) the payload's hash as headers.</summary>
        public string Sign()
        {
            string payloadHash = SigV4.PayloadHash(Body);
            var headers = Headers.ToList();
            headers.Add(new("x-amz-date", SigV4.AmzDate(Time)));
            if (Credentials.SessionToken is { } token)
            {
                headers.Add(new("x-amz-security-token", token));
            }
            if (IsS3)
            {
                headers.Add(new("x-amz-content-sha256", payloadHash));
            }
            return SigV4.Authorization(Method, Path, Query, headers, payloadHash, Credentials, Region, Service, Time, IsS3);
        }

        public JsonObject ToJson() => new()
        {
            ["method"] = Method, ["hostname"] = Host.Split(':')[0], ["path"] = Path,
            ["query"] = new JsonObject(Query.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["headers"] = new JsonObject(Headers.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["bodyBase64"] = Convert.ToBase64String(Body), ["accessKeyId"] = Credentials.AccessKeyId,
            ["secretAccessKey"] = Credentials.SecretAccessKey, ["sessionToken"] = Credentials.SessionToken,
            ["region"] = Region, ["service"] = Service, ["date"] = Time.ToString("O"), ["isS3"] = IsS3,
        };
    }
}
