using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>With a master-down lead (the service's setting), the tick comes early and the instance waits the rest out:
/// it takes over at its deadline, never before. Real time and the service's scheduler (<see cref="KeepAlive.Actors.Timing.PreciseScheduler"/>),
/// so the bound is generous on the late side only.</summary>
public sealed class MasterDownLeadSpecs() : TestKit(Akka.Configuration.ConfigurationFactory.ParseString(KeepAlive.Actors.Timing.PreciseSchedulerSetup.AkkaConfig))
{
    private static long Micros() => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;

    [Theory]
    [InlineData(0)]
    [InlineData(20_000)]
    public async Task A_lone_backup_takes_over_no_earlier_than_its_master_down_interval(long leadMicros)
    {
        var network = new InMemoryVrrpNetwork();
        var address = IPAddress.Parse("10.0.0.2");
        var io = Sys.ActorOf(VrrpIoActor.Props(network.Attach("lan", 2, address)));
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(new RecordingKernelPort().WithLink("eth0")));
        var setup = new VrrpInstanceSetup
        {
            Name = "VI_1",
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = 100, AdvertIntervalMicros = 100_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, 2],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24)],
            MasterDownLeadMicros = leadMicros,
        };
        long before = Micros();
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector), Micros));

        await AwaitConditionAsync(async () => (await instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3))).State == VrrpState.Master,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));

        var report = await instance.Ask<InstanceReport>(GetInstanceReport.Instance, TimeSpan.FromSeconds(3));
        long took = report.LastTransition!.AtMonotonicMicros - before;
        long masterDown = VrrpTimers.MasterDownMicros(3, 100, 100_000);                  // 360.9375 ms
        Assert.True(took >= masterDown - LazyDeadline.DueSlackMicros, $"took over after {took} µs, before its master-down interval of {masterDown} µs");
        Assert.True(took < masterDown + 1_000_000, $"took over after {took} µs");
    }
}
