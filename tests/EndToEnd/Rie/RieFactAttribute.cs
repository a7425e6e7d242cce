namespace LokiLambdaExtension.EndToEnd.Rie;

/// <summary>A test under AWS's own Runtime Interface Emulator (<c>../shared/rie</c>). It needs what <c>rie-sandbox</c>
/// needs (root, <c>unshare</c>, overlayfs, python3) and a real Loki (<c>../shared/loki</c>); .ci/run has all of them.
/// Under a launcher (the arm64 binary through qemu) the RIE cannot start the binary itself, so it is skipped there,
/// saying why, as it is wherever something is missing.</summary>
public class RieFactAttribute : FactAttribute
{
    public RieFactAttribute()
    {
        string shared = RieRun.SharedDirectory;
        Skip = !File.Exists(Path.Combine(shared, "rie", "rie-sandbox")) || !File.Exists(Path.Combine(shared, "loki", "start-loki"))
            ? $"AWS's RIE or a real Loki is not at {shared} (rie/, loki/), so this test did not run"
            : Environment.UserName != "root" ? "rie-sandbox needs root (private namespaces and overlayfs), so this test did not run"
            : ExtensionBinary.Launcher() is not null ? "the binary runs under a launcher (qemu): the RIE starts extensions itself, so this test ran on x86_64 only"
            : null;
    }
}
