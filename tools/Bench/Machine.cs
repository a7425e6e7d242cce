/// <summary>What the figures were measured on: CPU model, cores, kernel. Figures move between machines of one kind,
/// so every table says which one it comes from.</summary>
internal sealed record Machine(string Cpu, int Cores, string Kernel)
{
    public static Machine Current() => new(
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU",
        Environment.ProcessorCount,
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString);

    public override string ToString() => $"{Cores} cores, {Cpu}, Linux {Kernel}, {DateTime.UtcNow:yyyy-MM-dd}";
}
