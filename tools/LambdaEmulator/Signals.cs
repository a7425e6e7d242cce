using System.Runtime.InteropServices;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>Freezing and thawing a process as Lambda freezes the sandbox between invocations.</summary>
internal static partial class Signals
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    public static void Freeze(int pid) => _ = Kill(pid, SigStop);

    public static void Thaw(int pid) => _ = Kill(pid, SigCont);

    public static void KillNow(int pid) => _ = Kill(pid, SigKill);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
