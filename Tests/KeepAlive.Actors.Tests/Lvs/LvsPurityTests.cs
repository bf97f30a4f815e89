using KeepAlive.Actors.Lvs;
using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>The LVS brains (namespace KeepAlive.Actors.Lvs, actors aside) are pure: no Akka, no I/O, no clock, no randomness (time and results come in as values).</summary>
public class LvsPurityTests
{
    [Fact]
    public void The_lvs_brains_reference_no_akka_io_clock_or_randomness()
    {
        // The brains live in KeepAlive.Actors.Lvs itself; the actors beside them and the probes (Lvs.Probes: I/O by
        // nature) are not brains.
        var types = Types.InAssembly(typeof(QuorumPolicy).Assembly).That().ResideInNamespaceMatching(@"^KeepAlive\.Actors\.Lvs$")
            .And().DoNotInherit(typeof(Akka.Actor.ActorBase));
        Assert.Contains(types.GetTypes(), t => t == typeof(IpvsReconciler));
        var result = types.ShouldNot().HaveDependencyOnAny(
            "Akka", "System.IO", "System.Threading", "System.Diagnostics.Stopwatch", "System.DateTime", "System.DateTimeOffset",
            "System.TimeProvider", "System.Random", "System.Environment", "System.Net.Sockets.Socket").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
