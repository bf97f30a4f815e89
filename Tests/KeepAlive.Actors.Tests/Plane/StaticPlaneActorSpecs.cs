using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Tests.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Plane;

/// <summary>The static set for the whole run: installed at start, restored when deleted (unless no_track), present
/// after an effector restart, removed only when asked at exit.</summary>
public sealed class StaticPlaneActorSpecs : TestKit
{
    private static StaticPlane Plane() => StaticPlane.For(PlaneConfig.Load("""
        static_ipaddress {
          10.5.0.1/24 dev eth0
          10.5.0.2/24 dev eth0 no_track
        }
        static_routes {
          10.6.0.0/16 via 10.5.0.254 dev eth0
        }
        static_rules {
          from 10.5.0.1 table 100 priority 100
        }
        """));

    private static bool Has(IKernelPort kernel, string address)
    {
        kernel.Addresses(out var now);
        return now.Any(a => a.Address.Equals(IPAddress.Parse(address)));
    }

    [Fact]
    public void Static_objects_are_installed_at_start_restored_when_deleted_unless_no_track_and_removed_on_request()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var plane = Plane();
        Assert.Empty(plane.Errors);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(new CrashingKernelPort(kernel)));
        var statics = Sys.ActorOf(StaticPlaneActor.Props(plane, effector));
        AwaitAssert(() => Assert.True(Has(kernel, "10.5.0.1") && Has(kernel, "10.5.0.2") && kernel.Routes.Count == 1 && kernel.Rules.Count == 1));

        kernel.RemoveAddressBehindOurBack(plane.Set.Addresses[0]);
        kernel.RemoveAddressBehindOurBack(plane.Set.Addresses[1]);
        AwaitAssert(() => Assert.True(Has(kernel, "10.5.0.1")));       // reinstate_static_address
        Assert.False(Has(kernel, "10.5.0.2"));                         // no_track: left as it is

        // An effector restart converges to what "static" holds.
        kernel.RemoveRoute(plane.Set.Routes[0]);
        effector.Tell(new SendFrames(1, "eth0", [new byte[60]]));
        AwaitAssert(() => Assert.Single(kernel.Routes));

        statics.Tell(ReleaseStaticPlane.Instance);
        Assert.True(ExpectMsg<StaticPlaneReleased>().Result.IsOk);
        Assert.False(Has(kernel, "10.5.0.1"));
        Assert.Empty(kernel.Routes);
        Assert.Empty(kernel.Rules);
    }
}
