using KeepAlive.Actors.Lvs;
using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>The LVS brains are pure: no Akka, no I/O, no clock, no randomness (time and results come in as values).
/// The actors (<c>…Actor</c>, with their nested types) and their setups (<c>…Setup</c>: actor refs, a random source)
/// are the bodies around them.</summary>
public class LvsPurityTests
{
    [Fact]
    public void The_lvs_brains_reference_no_akka_io_clock_or_randomness()
    {
        var types = Types.InAssembly(typeof(QuorumPolicy).Assembly).That().ResideInNamespace("KeepAlive.Actors.Lvs")
            .And().DoNotResideInNamespace("KeepAlive.Actors.Lvs.Probes")          // the probes' I/O contract
            .And().AreNotNested().And().DoNotHaveNameEndingWith("Actor").And().DoNotHaveNameEndingWith("Setup");
        Assert.Contains(types.GetTypes(), t => t == typeof(IpvsReconciler));
        var result = types.ShouldNot().HaveDependencyOnAny(
            "Akka", "System.IO", "System.Threading", "System.Diagnostics.Stopwatch", "System.DateTime", "System.DateTimeOffset",
            "System.TimeProvider", "System.Random", "System.Environment", "System.Net.Sockets.Socket").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
