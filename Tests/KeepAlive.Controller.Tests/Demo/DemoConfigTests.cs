namespace KeepAlive.Controller.Tests.Demo;

/// <summary>Every configuration of demo/ passes <c>keepalive -t</c> with exit 0 (no error, no warning), on a host with
/// the lab node's interfaces, as both demo.sh and docker/compose.yaml run them.</summary>
public class DemoConfigTests
{
    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(DemoLab.PathOf("demo"), "*.conf").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_demo_has_the_two_node_configs() =>
        Assert.Equal(["node1.conf", "node2.conf"], DemoLab.NodeConfigs.Select(Path.GetFileName));

    [Theory]
    [MemberData(nameof(Configs))]
    public void Demo_config_passes_the_config_test_with_exit_0(string name)
    {
        string path = DemoLab.PathOf("demo", name);
        var env = new FakeEnvironment
        {
            CurrentDirectory = DemoLab.RepositoryRoot,
            HostFacts = KeepAlive.Config.Host.StaticHostFacts.WithInterfaces("lo", DemoLab.Layout["LB_IFACE"]),
        };
        env.Files.Add(path, File.ReadAllText(path));
        var (code, _, err) = env.Run("-t", "-f", path);
        Assert.True(code == 0, $"keepalive -t -f {name}: exit {code}\n{err}");
        Assert.Contains(": ok", err, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Demo_config_fails_the_config_test_on_a_host_without_the_labs_interface(string name)
    {
        // The check above is not vacuous: the same file on a host without the interface it names is refused.
        string path = DemoLab.PathOf("demo", name);
        var env = new FakeEnvironment
        {
            CurrentDirectory = DemoLab.RepositoryRoot,
            HostFacts = KeepAlive.Config.Host.StaticHostFacts.WithInterfaces("lo", "ens3"),
        };
        env.Files.Add(path, File.ReadAllText(path));
        Assert.NotEqual(0, env.Run("-t", "-f", path).Code);
    }
}
