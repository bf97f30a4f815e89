using KeepAlive.Config.Host;

namespace KeepAlive.Config.Tests.Validation;

public class ConfigValidatorTests
{
    private const string Instance = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 10.0.0.1/24\n }\n notify_master /bin/check\n}\n";

    private static StaticHostFacts HostWithScript() => new(
        [new InterfaceFacts("eth0", false, true, 1500)], [new FileFacts("/bin/check", true, true, false)]);

    [Fact]
    public void ScriptSecurity_WithoutGlobalDefs_PointsAtTheRootFile()
    {
        // Regression: a whole-configuration problem without a global_defs block had no file and crashed the ordering.
        var r = TestConfig.Load(Instance, HostWithScript());
        var d = r.Single("KA4009");
        Assert.Equal(TestConfig.Path, d.Span.File);
        Assert.Equal(6, r.KeepalivedTestExitCode);
    }

    [Fact]
    public void ScriptSecurityEnabled_WithSafeScripts_IsClean()
    {
        var r = TestConfig.Load("global_defs {\n enable_script_security\n script_user nobody\n}\n" + Instance,
            new StaticHostFacts([new InterfaceFacts("eth0", false, true, 1500)], [new FileFacts("/bin/check", true, true, false)], users: ["nobody"]));
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void MissingInterface_IsReportedAtTheInterfaceLine()
    {
        var r = TestConfig.Load(Instance.Replace("eth0", "eth7"), HostWithScript());
        Assert.Equal(2, r.Single("KA4001").Span.Line);
    }

    [Fact]
    public void SameVridOnDifferentInterfaces_IsAllowed()
    {
        var two = Instance + Instance.Replace("VI_1", "VI_2").Replace("eth0", "eth1");
        Assert.DoesNotContain(TestConfig.Load(two).Diagnostics, d => d.Code == "KA3003");
    }

    [Fact]
    public void SameVridDifferentUnicastPeers_IsAllowed_OverlappingPeers_IsNot()
    {
        string U(string name, string peer) => Instance.Replace("VI_1", name).Replace(" notify_master /bin/check\n", $" unicast_src_ip 10.0.0.5\n unicast_peer {{\n {peer}\n }}\n");
        Assert.DoesNotContain(TestConfig.Load(U("A", "10.0.0.6") + U("B", "10.0.0.7")).Diagnostics, d => d.Code == "KA3003");
        Assert.Contains(TestConfig.Load(U("A", "10.0.0.6") + U("B", "10.0.0.6")).Diagnostics, d => d.Code == "KA3003");
    }
}
