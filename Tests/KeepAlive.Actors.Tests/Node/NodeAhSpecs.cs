using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>Whole nodes from keepalived.conf text with auth_type AH beside a PASS instance on the same interface:
/// the AH instance gets its own AH socket, both elect, and a reload that changes the AH password re-keys it.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeAhSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    private static string Config(int passPriority, int ahPriority, string ahPassword = "ahpw") => Conf(
        Instance("VI_P", 51, passPriority, "10.0.0.100/32", "version 2\n authentication {\n auth_type PASS\n auth_pass pw\n }"),
        Instance("VI_H", 52, ahPriority, "10.0.0.101/32", $"version 2\n authentication {{\n auth_type AH\n auth_pass {ahPassword}\n }}"));

    /// <summary>Runs until a holds VI_P and b VI_H, each alone (the nodes' instances start at slightly different
    /// virtual times, so one master per instance is not enough: the higher priority must have taken over).</summary>
    private void Elected(LabNode a, LabNode b) =>
        Lab.RunUntil(() => Lab.Instance(a, "VI_P").State == VrrpState.Master && Lab.Instance(b, "VI_H").State == VrrpState.Master
                           && Lab.Instance(a, "VI_H").State == VrrpState.Backup && Lab.Instance(b, "VI_P").State == VrrpState.Backup, 10, "elected");

    [Fact]
    public void An_ah_and_a_pass_instance_on_one_interface_each_elect_over_their_own_socket()
    {
        var a = Lab.Start("a", 1, Config(150, 100));
        var b = Lab.Start("b", 2, Config(100, 150));
        Elected(a, b);

        Assert.Null(Lab.Violation());
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_P").State);
        Assert.Equal(VrrpState.Master, Lab.Instance(b, "VI_H").State);
        Assert.Equal(VrrpState.Backup, Lab.Instance(a, "VI_H").State);
        var sent = Lab.Network.Sent;
        Assert.Contains(sent, d => d.Payload.Span[0] == 0x21 && d.Payload.Span[1] == 51);                     // VRRPv2 message, protocol 112
        Assert.Contains(sent, d => d.Payload.Span[9] == VrrpAh.ProtocolNumber && d.Payload.Span[45] == 52);  // IPv4 + AH + VRRP
        Assert.DoesNotContain(sent, d => d.Payload.Span[0] == 0x21 && d.Payload.Span[1] == 52);
    }

    [Fact]
    public void Reloading_another_ah_password_on_the_backup_makes_both_master_and_the_old_one_again_one()
    {
        var a = Lab.Start("a", 1, Config(150, 100));
        var b = Lab.Start("b", 2, Config(100, 150));
        Elected(a, b);

        Lab.Reload(a, Config(150, 100, ahPassword: "changed"));
        Lab.Run(4);                                            // a's master-down interval: it hears nothing valid
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_H").State);
        Assert.NotNull(Lab.Violation());

        Lab.Reload(a, Config(150, 100));
        Lab.ConvergeWithin(3);
        Assert.Equal(VrrpState.Backup, Lab.Instance(a, "VI_H").State);
        Assert.Null(Lab.Violation());
    }
}
