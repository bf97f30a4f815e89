using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Sync;

/// <summary>The group's view kept in arrays: names in ordinal order, copy on write, value equality.</summary>
public sealed class SyncGroupStateTests
{
    [Fact]
    public void Members_are_kept_once_each_in_ordinal_order_starting_in_initialize()
    {
        var group = SyncGroupState.Of(["b", "B", "a", "b", "VI_10", "VI_9"]);

        Assert.Equal(["B", "VI_10", "VI_9", "a", "b"], group.Names);
        Assert.Equal(5, group.Count);
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.All(Enumerable.Range(0, group.Count), i => Assert.Equal(new SyncMember(VrrpState.Initialize, false, false), group.At(i)));
        Assert.True(group.TryIndexOf("VI_9", out int at));
        Assert.Equal(2, at);
        Assert.False(group.TryIndexOf("vi_9", out _));
    }

    [Fact]
    public void Changing_a_member_leaves_the_state_it_came_from_as_it_was()
    {
        var before = SyncGroupState.Of(["a", "b"]);
        var after = before.WithMember(1, new SyncMember(VrrpState.Backup, false, true));

        Assert.Equal(new SyncMember(VrrpState.Initialize, false, false), before.At(1));
        Assert.Equal(new SyncMember(VrrpState.Backup, false, true), after.At(1));
        Assert.Equal(new SyncMember(VrrpState.Backup, false, true), after.Members["b"]);
        Assert.NotEqual(before, after);

        Assert.Same(after, after.WithMember(1, new SyncMember(VrrpState.Backup, false, true)));

        var cleared = after.WithoutWishes();
        Assert.False(cleared.At(1).WantsMaster);
        Assert.True(after.At(1).WantsMaster);
    }

    [Fact]
    public void States_are_equal_by_value_not_by_the_arrays_they_hold()
    {
        var one = SyncGroupState.Of(["a", "b"]).WithMember(0, new SyncMember(VrrpState.Master, false, false));
        var two = SyncGroupState.Of(["b", "a"]).WithMember(0, new SyncMember(VrrpState.Master, false, false));

        Assert.Equal(one, two);
        Assert.Equal(one.GetHashCode(), two.GetHashCode());
        Assert.NotEqual(one, one with { State = VrrpState.Master });
        Assert.NotEqual(one, SyncGroupState.Of(["a", "c"]).WithMember(0, new SyncMember(VrrpState.Master, false, false)));
    }
}
