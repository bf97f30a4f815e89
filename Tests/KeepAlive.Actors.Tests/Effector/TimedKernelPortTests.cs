using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;

namespace KeepAlive.Actors.Tests.Effector;

public class TimedKernelPortTests
{
    [Fact]
    public void Every_member_reaches_the_inner_port_with_its_argument_and_answer() =>
        Assert.Empty(ForwardingProbeKernelPort.NotForwarded(inner => new TimedKernelPort(inner, new KernelOpDurations())));

    [Fact]
    public void Changes_and_reads_are_timed_by_operation()
    {
        var durations = new KernelOpDurations();
        foreach (var call in ForwardingProbeKernelPort.Calls.Values)
            call(new TimedKernelPort(new ForwardingProbeKernelPort(), durations));
        Assert.Equal(
            ["add_address", "add_addresses", "add_route", "add_rule", "addresses", "create_macvlan", "delete_link", "links",
             "remove_address", "remove_route", "remove_rule", "send_frame"],
            durations.Snapshot().Keys);
    }
}
