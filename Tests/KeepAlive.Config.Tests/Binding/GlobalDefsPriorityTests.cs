namespace KeepAlive.Config.Tests.Binding;

/// <summary><c>vrrp_priority</c>: a nice value, -20..19 as keepalived's; anything else is an error at its line and
/// leaves the default (the process's own).</summary>
public class GlobalDefsPriorityTests
{
    [Theory]
    [InlineData("-20", -20)]
    [InlineData("0", 0)]
    [InlineData("19", 19)]
    public void A_nice_value_in_range_is_taken(string text, int expected) =>
        Assert.Equal(expected, TestConfig.Load($"global_defs {{\n vrrp_priority {text}\n}}\n").Config!.Globals.VrrpPriority);

    [Theory]
    [InlineData("20")]
    [InlineData("-21")]
    [InlineData("high")]
    public void Anything_else_is_an_error_at_its_line(string text)
    {
        var r = TestConfig.Load($"global_defs {{\n vrrp_priority {text}\n}}\n");
        var error = Assert.Single(r.Diagnostics, d => d.Span.Line == 2);
        Assert.Contains("vrrp_priority", error.Message, StringComparison.Ordinal);
        Assert.Null(r.Config?.Globals.VrrpPriority);
    }

    [Fact]
    public void Unset_it_leaves_the_threads_as_they_are() =>
        Assert.Null(TestConfig.Load("global_defs {\n router_id a\n}\n").Config!.Globals.VrrpPriority);
}
