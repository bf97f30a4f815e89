using KeepAlive.Actors.Sync;

namespace KeepAlive.Actors.Tests.Sync;

public class HeldAdvertBarrierTests
{
    private static readonly string[] Three = ["A", "B", "C"];

    [Fact]
    public void Nobody_is_released_until_every_member_is_confirmed_then_all_are_at_once()
    {
        var b = new HeldAdvertBarrier();
        Assert.Empty(b.Held("A", false, Three));
        Assert.Empty(b.Held("A", true, Three));          // A's addresses are in, B and C have not even held yet
        Assert.Empty(b.Held("B", true, Three));
        Assert.Empty(b.Held("C", false, Three));
        Assert.Equal(["A", "B", "C"], b.Held("C", true, Three).Order(StringComparer.Ordinal));
        Assert.Equal(0, b.Holding);
    }

    [Fact]
    public void A_member_without_addresses_is_confirmed_when_it_holds()
    {
        var b = new HeldAdvertBarrier();
        Assert.Empty(b.Held("A", true, ["A", "B"]));
        Assert.Equal(["A", "B"], b.Held("B", true, ["A", "B"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_late_unconfirmed_report_does_not_undo_a_confirmation()
    {
        var b = new HeldAdvertBarrier();
        b.Held("A", true, ["A", "B"]);
        b.Held("A", false, ["A", "B"]);
        Assert.Equal(["A", "B"], b.Held("B", true, ["A", "B"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_reset_forgets_the_holds_so_an_old_confirmation_cannot_release_a_later_preemption()
    {
        var b = new HeldAdvertBarrier();
        b.Held("A", true, ["A", "B"]);
        b.Reset();
        Assert.Empty(b.Held("B", true, ["A", "B"]));
        Assert.Equal(1, b.Holding);
    }

    [Fact]
    public void After_a_release_the_next_preemption_starts_from_nothing()
    {
        var b = new HeldAdvertBarrier();
        b.Held("A", true, ["A"]);
        Assert.Empty(b.Held("A", false, ["A", "B"]));
        Assert.Empty(b.Held("B", true, ["A", "B"]));
    }
}
