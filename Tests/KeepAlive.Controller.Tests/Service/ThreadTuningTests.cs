using KeepAlive.Actors.Timing;
using KeepAlive.Controller.Service;

namespace KeepAlive.Controller.Tests.Service;

/// <summary>Which nice value each of our threads takes, by role.</summary>
public class ThreadTuningTests
{
    [Theory]
    [InlineData(PreciseSchedulerSetup.LogDispatcher, 0, null, 10)]
    [InlineData(PreciseSchedulerSetup.LogDispatcher, 5, -5, 15)]          // below the process, wherever it runs
    [InlineData(PreciseSchedulerSetup.LogDispatcher, 15, null, 19)]       // capped at the lowest priority
    [InlineData(PreciseSchedulerSetup.VrrpDispatcher, 0, -5, -5)]
    [InlineData(PreciseSchedulerSetup.EffectorDispatcher, 0, 3, 3)]
    [InlineData(PreciseSchedulerSetup.TimerThread, 0, -10, -10)]
    [InlineData(PreciseSchedulerSetup.ReceiveThread, 0, -10, -10)]
    [InlineData(PreciseSchedulerSetup.VrrpDispatcher, 0, null, null)]     // no vrrp_priority: left as it is
    [InlineData("default-dispatcher", 0, -5, null)]                       // not a thread of the VRRP side
    public void Each_role_takes_its_nice_value(string role, int current, int? vrrpPriority, int? expected) =>
        Assert.Equal(expected, ThreadTuning.NiceFor(role, current, vrrpPriority));
}
