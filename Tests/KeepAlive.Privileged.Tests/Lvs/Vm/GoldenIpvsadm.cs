namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>One command of the golden ipvsadm transcript (Fixtures/Ipvs/NN-name.stdout.txt: "$ ipvsadm ARGS", what
/// ipvsadm printed, "(exit N)"), captured with ipvsadm 1.31 on the same Debian kernel.</summary>
public sealed record GoldenIpvsadm(string Name, string Command, IReadOnlyList<string> Output, int Exit)
{
    /// <summary>Commands the probe does not replay: version (-v), --stats and single-service listings (it renders -Ln,
    /// --persistent-conn and --timeout), and the sync daemon (it needs a multicast interface).</summary>
    private static readonly string[] NotReplayed = ["-v", "-Ln --stats", "-Ln -t ", "--start-daemon", "-L --daemon", "--stop-daemon"];

    /// <summary>The transcript in capture order, without the commands the probe does not replay.</summary>
    public static IReadOnlyList<GoldenIpvsadm> Transcript() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Ipvs"), "*.stdout.txt")
            .Order(StringComparer.Ordinal)
            .Select(Read)
            .Where(g => !NotReplayed.Any(g.Command.StartsWith))
            .ToList();

    private static GoldenIpvsadm Read(string path)
    {
        var lines = File.ReadAllLines(path);
        const string prompt = "$ ipvsadm ";
        Assert.StartsWith(prompt, lines[0]);
        Assert.Matches(@"^\(exit \d+\)$", lines[^1]);
        return new GoldenIpvsadm(Path.GetFileName(path), lines[0][prompt.Length..], lines[1..^1], int.Parse(lines[^1][6..^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
