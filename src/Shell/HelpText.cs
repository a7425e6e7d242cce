namespace LokiLambdaExtension.Shell;

/// <summary>What <c>--help</c> prints: the whole configuration contract, its lines generated from the declarations
/// (<see cref="ConfigValues"/>) as the README's table is.</summary>
internal static class HelpText
{
    public const string Text = """
        loki-lambda-extension: an AWS Lambda extension that ships the function's logs and platform events to Grafana Loki.
        Lambda starts it from the layer as /opt/extensions/loki-lambda-extension.

        usage: loki-lambda-extension            run as a Lambda extension (needs AWS_LAMBDA_RUNTIME_API)
               loki-lambda-extension --check    validate the configuration and push one test entry (and, with
                                                the archive on, write and delete a probe object)
               loki-lambda-extension replay [s3://bucket/prefix]
                                                push every archived object under the prefix (default
                                                LOKI_ARCHIVE_S3) to LOKI_PUSH_URL, once each
               loki-lambda-extension --version | --help

        Configuration (environment variables of the function):

        """ + ConfigValues.HelpLines + """

        Secrets (those marked secret) are never printed.
        A missing or invalid value is reported in one line; the extension then runs without shipping, so the
        function is unaffected, unless
        """ + " " + ConfigValues.Names.FailOnConfigError + "=true.";
}
