using KeepAlive.Config.Diff;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Tests.Diff;

public class ConfigDiffTests
{
    private const string Base = """
        global_defs {
            router_id a
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            virtual_ipaddress {
                10.0.0.2/24
            }
        }
        """;

    private static KeepAliveConfig Bind(string text) => TestConfig.Load(text).Config;

    [Fact]
    public void SameText_IsEmpty()
    {
        Assert.True(ConfigDiff.Compute(Bind(Base), Bind(Base)).IsEmpty);
    }

    [Fact]
    public void MovedText_AndComments_AreNotChanges()
    {
        var moved = "# a comment\n\n" + Base.Replace("priority 100", "priority 100   ! same");
        Assert.True(ConfigDiff.Compute(Bind(Base), Bind(moved)).IsEmpty);
    }

    [Fact]
    public void RenamedInstance_IsChanged_NotRemovedAndAdded()
    {
        var diff = ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("VI_1", "FRONT")));
        Assert.Empty(diff.VrrpInstances.Added);
        Assert.Empty(diff.VrrpInstances.Removed);
        var change = Assert.Single(diff.VrrpInstances.Changed);
        Assert.Equal("VI_1", change.Old.Name);
        Assert.Equal("FRONT", change.New.Name);
        Assert.Single(diff.VrrpInstances.Unchanged);
    }

    [Fact]
    public void PriorityChange_ChangesOnlyThatInstance()
    {
        var diff = ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("priority 100", "priority 90")));
        Assert.Equal(90, Assert.Single(diff.VrrpInstances.Changed).New.Priority);
        Assert.Equal("VI_2", Assert.Single(diff.VrrpInstances.Unchanged).Name);
        Assert.False(diff.GlobalsChanged);
    }

    [Fact]
    public void NewVrid_IsRemovedAndAdded()
    {
        var diff = ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("virtual_router_id 52", "virtual_router_id 53")));
        Assert.Equal(52, Assert.Single(diff.VrrpInstances.Removed).Vrid);
        Assert.Equal(53, Assert.Single(diff.VrrpInstances.Added).Vrid);
    }

    [Fact]
    public void InterfaceChange_IsANewInstance()
    {
        var diff = ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("virtual_router_id 51", "virtual_router_id 51\n interface eth1").Replace("    interface eth0\n    virtual_router_id 51", "    virtual_router_id 51")));
        Assert.Single(diff.VrrpInstances.Added);
        Assert.Single(diff.VrrpInstances.Removed);
    }

    [Fact]
    public void WritingADefaultExplicitly_IsNotAChange()
    {
        // The model holds effective values only: "priority 100" written or left to the default is the same instance.
        var implicitDefault = System.Text.RegularExpressions.Regex.Replace(Base, @"^\s*priority 100\r?\n", "", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.NotEqual(Base, implicitDefault);
        Assert.True(ConfigDiff.Compute(Bind(Base), Bind(implicitDefault)).IsEmpty);
        Assert.True(ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("priority 100", "priority 100\n state BACKUP"))).IsEmpty);
    }

    [Fact]
    public void GlobalChange_IsFlagged()
    {
        Assert.True(ConfigDiff.Compute(Bind(Base), Bind(Base.Replace("router_id a", "router_id b"))).GlobalsChanged);
    }

    [Fact]
    public void KeyedChanges_FirstDefinitionOfAKeyWins()
    {
        var changes = KeyedChanges<int, (int K, string V)>.Compute([(1, "a")], [(1, "a"), (1, "b")], x => x.K);
        Assert.Single(changes.Unchanged);
        Assert.Empty(changes.Changed);
    }
}
