using LokiLambdaExtension.EndToEnd.Rie;

namespace LokiLambdaExtension.EndToEnd.LokiVersions;

/// <summary>A test that starts a real Loki of its own, of a given release line, from <c>../shared/loki</c> (for a setting
/// that is Loki-wide, such as a blocked tenant). It runs where that folder is, on x86_64 (Loki's binaries are
/// x86_64, and under qemu the arm64 pass has run these already), and is reported as skipped, saying why, elsewhere.</summary>
public sealed class LokiVersionFactAttribute : FactAttribute
{
    public LokiVersionFactAttribute()
    {
        Skip = !File.Exists(Path.Combine(RieRun.SharedDirectory, "loki", "start-loki"))
            ? $"no real Loki at {RieRun.SharedDirectory}/loki, so this test did not run"
            : ExtensionBinary.Launcher() is not null ? "the binary runs under a launcher (qemu): this test ran on x86_64" : null;
    }
}
