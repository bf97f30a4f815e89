using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;

namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// One boot of the IPVS test VM for <see cref="IpvsVmTests"/>: inside, the probe replays the golden ipvsadm transcript
/// and then <see cref="Scenario"/> through our port; the kernel is flushed and ipvsadm itself replays
/// <see cref="Scenario"/> (the reference). The transcripts come back through the 9p share.
/// </summary>
public sealed partial class IpvsVmRun : IAsyncLifetime
{
    /// <summary>How long the VM may run (boot about 15 s on a loaded 2-core host, the probe about 20 s).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);

    /// <summary>What the golden transcript leaves out: schedulers, protocols, tunnel types, fwmark persistence, IPv6
    /// persistence granularity, scheduler flags of mh and others, edits, deletes and timeouts.</summary>
    public static readonly string[] Scenario =
    [
        "-A --sctp-service 10.1.1.1:3868 -s nq",
        "-A -u 10.1.1.1:53 -s fo -b flag-3",
        "-A -t 10.1.1.1:25 -s lblcr -p 600",
        "-A -t 10.1.1.2:25 -s dh",
        "-A -t 10.1.1.3:25 -s ovf",
        "-A -t 10.1.1.4:25 -s lc",
        "-A -t 10.1.1.5:25 -s lblc",
        "-A -t [fd00::10]:443 -s mh -b mh-fallback,mh-port -p 120 -M 64",
        "-A -f 8 -6 -s sed",
        "-A -f 9 -s wrr -p 30 -M 255.255.0.0",
        "# real servers: NAT, DR, TUN (ipip, gue, gre), thresholds, IPv4 and IPv6",
        "-a -u 10.1.1.1:53 -r 10.1.2.1 -g -w 7",
        "-a -u 10.1.1.1:53 -r 10.1.2.2:5353 -m -w 2",
        "-a --sctp-service 10.1.1.1:3868 -r 10.1.2.3 -i --tun-type gue --tun-port 6081 --tun-nocsum",
        "-a -f 8 -6 -r fd00::31 -i --tun-type gre -w 3",
        "-a -f 9 -r 10.1.2.9 -g -x 50 -y 5",
        "-a -t [fd00::10]:443 -r [fd00::41]:443 -i --tun-type ipip",
        "-a -t [fd00::10]:443 -r [fd00::42]:8443 -m -w 4",
        "-a -t 10.1.1.1:25 -r 10.1.2.25 -g -w 2",
        "-a -t 10.1.1.1:25 -r 10.1.2.26 -i --tun-type gre --tun-csum",
        "-a -t 10.1.1.1:25 -r 10.1.2.27 -i --tun-type gue --tun-port 6080 --tun-remcsum",
        "-Ln",
        "-Ln --persistent-conn",
        "-Ln --thresholds",
        "-Ln --tun-info",
        "# edits: scheduler with persistence dropped, fwmark persistence changed, DR to NAT quiesced, thresholds",
        "-E -t [fd00::10]:443 -s wrr",
        "-E -f 9 -s rr -p 60 -M 255.255.255.0",
        "-e -u 10.1.1.1:53 -r 10.1.2.1:53 -m -w 0",
        "-e -f 9 -r 10.1.2.9 -g -x 100 -y 0",
        "-Ln",
        "-Ln --thresholds",
        "# deletes",
        "-d -t [fd00::10]:443 -r [fd00::42]:8443",
        "-D -f 8 -6",
        "-D --sctp-service 10.1.1.1:3868",
        "-Ln",
        "--set 1000 60 200",
        "-L --timeout",
        "-C",
        "-Ln",
    ];

    // Inside the VM: globbing off ("[fd00::10]:80" is a pattern to sh); markers time each step.
    private const string RunScript = """
        set -f
        mark() { echo "ka-vm: $1 $(cut -d' ' -f1 /proc/uptime)"; }
        mark probe
        /mnt/app/ipvs-probe scenario.txt > ours.txt 2> ours.err
        rc=$?
        cat ours.err
        mark reference
        ipvsadm -C
        while IFS= read -r line; do
          case "$line" in ''|'#'*) continue ;; esac
          echo "=== ipvsadm $line"
          out="$(ipvsadm $line 2>&1)"
          echo "--- ipvsadm exit $?"
          [ -z "$out" ] || printf '%s\n' "$out"
          echo "=== end"
        done < reference.txt > reference.out
        mark done
        exit $rc

        """;

    private readonly string _share = Directory.CreateTempSubdirectory("ka-ipvs-vm-").FullName;
    private ExceptionDispatchInfo? _failure;

    /// <summary>The golden transcript as our port replayed it.</summary>
    public List<IpvsTranscriptBlock> Golden { get; private set; } = [];

    /// <summary><see cref="Scenario"/> through our port.</summary>
    public List<IpvsTranscriptBlock> Ours { get; private set; } = [];

    /// <summary><see cref="Scenario"/> through ipvsadm.</summary>
    public List<IpvsTranscriptBlock> Reference { get; private set; } = [];

    public TimeSpan Elapsed { get; private set; }

    /// <summary>The harness's timing lines and the VM's step markers.</summary>
    public string Timings { get; private set; } = string.Empty;

    /// <summary>This run, or the skip or failure of preparing or booting the VM, rethrown in each test.</summary>
    public IpvsVmRun Require()
    {
        _failure?.Throw();
        return this;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await IpvsVm.RequireAsync();
            var golden = GoldenIpvsadm.Transcript();
            await File.WriteAllLinesAsync(Path.Combine(_share, "scenario.txt"), golden.Select(g => g.Command).Concat(Scenario));
            await File.WriteAllLinesAsync(Path.Combine(_share, "reference.txt"), Scenario);
            await File.WriteAllTextAsync(Path.Combine(_share, "run.sh"), RunScript);
            var run = await IpvsVm.BootAsync(_share, IpvsVm.TestTool("KeepAlive.IpvsVm.Probe", "ipvs-probe"), Limit);
            Elapsed = run.Elapsed;
            Timings = string.Join('\n', MarkerLine().Matches(run.Output).Select(m => m.Value.TrimEnd('\r')));
            Assert.True(run.ExitCode == 0, $"the VM run exited {run.ExitCode}:\n{run.Output}");
            var ours = IpvsTranscriptBlock.Parse(await File.ReadAllTextAsync(Path.Combine(_share, "ours.txt")));
            Assert.True(ours.Count == golden.Count + Scenario.Count(l => !l.StartsWith('#')), $"the probe stopped early:\n{run.Output}");
            Golden = ours[..golden.Count];
            Ours = ours[golden.Count..];
            Reference = IpvsTranscriptBlock.Parse(await File.ReadAllTextAsync(Path.Combine(_share, "reference.out")));
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_share, recursive: true);
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"^(ka-vm: .*|ipvs-vm: .*)$", RegexOptions.Multiline)]
    private static partial Regex MarkerLine();
}
