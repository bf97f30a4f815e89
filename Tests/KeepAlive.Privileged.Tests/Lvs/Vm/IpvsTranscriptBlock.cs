namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// What the IPVS probe (Tests/KeepAlive.IpvsVm.Probe) or the VM's reference loop printed for a scenario, one block per
/// ipvsadm command line:
/// <code>
/// === ipvsadm ARGS
/// --- ipvsadm exit N      ipvsadm's exit code, then its output (listings; every line of the reference run)
/// --- ours RESULT         our port's result ("ok" or "errno N: message"), then our listing
/// === end
/// </code>
/// </summary>
public sealed record IpvsTranscriptBlock(string Command)
{
    public int? IpvsadmExit { get; set; }

    public List<string> IpvsadmOutput { get; } = [];

    public string? Ours { get; set; }

    public List<string> OursOutput { get; } = [];

    /// <summary>A listing command (-L...): ipvsadm printed the kernel's table and we rendered ours.</summary>
    public bool IsListing => Command.StartsWith("-L", StringComparison.Ordinal);

    public static List<IpvsTranscriptBlock> Parse(string text)
    {
        var blocks = new List<IpvsTranscriptBlock>();
        List<string>? into = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("=== ipvsadm ", StringComparison.Ordinal))
            {
                blocks.Add(new IpvsTranscriptBlock(line["=== ipvsadm ".Length..]));
                into = null;
            }
            else if (line == "=== end")
            {
                into = null;
            }
            else if (line.StartsWith("--- ipvsadm exit ", StringComparison.Ordinal))
            {
                blocks[^1].IpvsadmExit = int.TryParse(line["--- ipvsadm exit ".Length..], out var code) ? code : -1;
                into = blocks[^1].IpvsadmOutput;
            }
            else if (line.StartsWith("--- ours ", StringComparison.Ordinal))
            {
                blocks[^1].Ours = line["--- ours ".Length..];
                into = blocks[^1].OursOutput;
            }
            else if (into is not null)
            {
                into.Add(line);
            }
        }
        return blocks;
    }
}
