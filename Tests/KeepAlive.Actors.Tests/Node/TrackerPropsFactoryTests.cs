using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>Which planned trackers get an actor, and why the others do not.</summary>
public class TrackerPropsFactoryTests
{
    private static readonly TrackerPorts All = new(new ScriptedScriptRunner(),
        new KeepAlive.Actors.Tests.Notify.FakeScriptUsers(new() { ["root"] = (0, 0) }, [], new(0, 0)),
        new InMemoryTrackedFiles("/run"), new InMemoryProcessTable());

    private static TrackerPlan Script(string command, string? user = null) =>
        new("track-script-chk", TrackerKind.Script, "chk", TrackerNames.Script("chk"), [],
            Script: new VrrpScriptConfig { Name = "chk", Script = new NotifyScript(command, null, null, default), User = user });

    [Fact]
    public void Every_kind_with_its_port_and_configuration_gets_props()
    {
        var factory = TrackerPropsFactory.For(new GlobalDefs(), All);
        Assert.NotNull(factory(Script("/bin/true"), null!, TrackerSubscribers.None));
        Assert.NotNull(factory(new("f", TrackerKind.File, "tf", TrackerNames.File("tf"), [], File: new TrackFileConfig { Name = "tf", File = "/run/w" }), null!, TrackerSubscribers.None));
        Assert.NotNull(factory(new("p", TrackerKind.Process, "web", TrackerNames.Process("web"), [], Process: new TrackProcessConfig { Name = "web", Process = "nginx" }), null!, TrackerSubscribers.None));
    }

    [Fact]
    public void A_script_keepalived_would_drop_and_a_plan_without_configuration_get_nothing_and_a_reason()
    {
        var problems = new List<string>();
        var factory = TrackerPropsFactory.For(new GlobalDefs(), All, problem: problems.Add);
        Assert.Null(factory(Script("/bin/true", user: "ghost"), null!, TrackerSubscribers.None));
        Assert.Null(factory(Script("/bin/x 'unterminated"), null!, TrackerSubscribers.None));
        Assert.Null(factory(new("f", TrackerKind.File, "tf", TrackerNames.File("tf"), []), null!, TrackerSubscribers.None));
        Assert.Equal(3, problems.Count);
        Assert.Contains("ghost", problems[0], StringComparison.Ordinal);
    }
}
