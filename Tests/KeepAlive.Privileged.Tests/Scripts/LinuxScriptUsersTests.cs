using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>Script user names resolved as keepalived resolves them, checked against this system's `id`.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
public class LinuxScriptUsersTests
{
    private readonly LinuxScriptUsers _users = new();

    private static uint Id(string flag, string user) =>
        uint.Parse(Privilege.Run("id", [flag, user], TimeSpan.FromSeconds(5)).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Users_and_groups_resolve_like_id()
    {
        Assert.Equal(new ScriptIdentity(Id("-u", "nobody"), Id("-g", "nobody")), _users.Resolve("nobody", null, out var error));
        Assert.Null(error);
        Assert.Equal(new ScriptIdentity(0, 0), _users.Resolve("root", null, out _));
        Assert.Equal(new ScriptIdentity(Id("-u", "nobody"), 0), _users.Resolve("nobody", "root", out _));
    }

    [Theory]
    [InlineData("no-such-user-ka", null)]
    [InlineData("nobody", "no-such-group-ka")]
    [InlineData("0", null)]
    [InlineData("nob\0ody", null)]
    public void Unknown_names_are_errors(string user, string? group)
    {
        Assert.Null(_users.Resolve(user, group, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Default_is_keepalived_script_or_ourselves()
    {
        var identity = _users.DefaultIdentity(out var isScriptUser);
        var exists = Privilege.Run("id", ["-u", "keepalived_script"], TimeSpan.FromSeconds(5)).Code == 0;
        Assert.Equal(exists, isScriptUser);
        if (!exists)
            Assert.Equal(new ScriptIdentity(Id("-u", Environment.UserName), Id("-g", Environment.UserName)), identity);
    }
}
