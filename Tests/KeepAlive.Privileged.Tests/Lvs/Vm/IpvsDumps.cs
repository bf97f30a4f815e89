namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// The listings daemon-run.sh writes to dumps.txt, one block per listing:
/// <code>
/// === PHASE: ipvsadm ARGS
/// ...ipvsadm's output, trailing blanks dropped...
/// === end
/// </code>
/// </summary>
public sealed class IpvsDumps
{
    private readonly Dictionary<(string Phase, string Args), List<string>> _blocks = [];

    public static IpvsDumps Parse(string text)
    {
        var dumps = new IpvsDumps();
        List<string>? into = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal) && line.Contains(": ipvsadm ", StringComparison.Ordinal))
            {
                int colon = line.IndexOf(": ipvsadm ", StringComparison.Ordinal);
                into = [];
                dumps._blocks[(line[4..colon], line[(colon + ": ipvsadm ".Length)..])] = into;
            }
            else if (line == "=== end")
            {
                into = null;
            }
            else
            {
                into?.Add(line);
            }
        }
        return dumps;
    }

    /// <summary>What <c>ipvsadm ARGS</c> printed in <paramref name="phase"/>; fails when it was not dumped (the run
    /// stopped before).</summary>
    public IReadOnlyList<string> Of(string phase, string args) =>
        _blocks.TryGetValue((phase, args), out var lines) ? lines : throw new Xunit.Sdk.XunitException($"no '{phase}: ipvsadm {args}' in dumps.txt (phases: {string.Join(", ", _blocks.Keys.Select(k => k.Phase).Distinct())})");
}
