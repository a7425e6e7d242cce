using System.Net;

namespace LokiLambdaExtension.Shell.Archive;

/// <summary>A page of ListObjectsV2: its keys, and the token of the next page when it is truncated. Read by scanning
/// for the few elements it needs: an XML library would cost every function's binary for the replay's sake.</summary>
internal sealed record ListPage(IReadOnlyList<string> Keys, string? Continuation)
{
    public static ListPage Read(string xml)
    {
        var keys = new List<string>();
        for (int at = xml.IndexOf("<Contents>", StringComparison.Ordinal); at >= 0; at = xml.IndexOf("<Contents>", at + 1, StringComparison.Ordinal))
        {
            int end = xml.IndexOf("</Contents>", at, StringComparison.Ordinal);
            keys.Add(S3Client.Element(xml[at..(end < 0 ? xml.Length : end)], "Key"));
        }
        bool truncated = S3Client.Element(xml, "IsTruncated") == "true";
        string token = S3Client.Element(xml, "NextContinuationToken");
        return new ListPage(keys, truncated && token.Length > 0 ? token : null);
    }
}
