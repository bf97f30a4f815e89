using NetArchTest.Rules;

namespace KeepAlive.Kernel.Tests;

/// <summary>ARCHITECTURE.md "Boundaries": only Kernel/Linux makes syscalls and only Kernel/Mail speaks SMTP; Wire,
/// Ports and Fakes are pure.</summary>
public class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Kernel = typeof(KeepAlive.Kernel.Ports.IKernelPort).Assembly;

    [Theory]
    [InlineData("KeepAlive.Kernel.Wire")]
    [InlineData("KeepAlive.Kernel.Ports")]
    [InlineData("KeepAlive.Kernel.Fakes")]
    public void Pure_namespaces_use_neither_libc_nor_akka_nor_the_linux_port(string ns)
    {
        var result = Types.InAssembly(Kernel).That().ResideInNamespaceStartingWith(ns)
            .ShouldNot().HaveDependencyOnAny("Tmds.Linux", "Akka", "KeepAlive.Kernel.Linux", "KeepAlive.Kernel.Mail", "MailKit", "MimeKit")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_rule_sees_the_types_it_guards()
    {
        Assert.NotEmpty(Types.InAssembly(Kernel).That().ResideInNamespaceStartingWith("KeepAlive.Kernel.Wire").GetTypes());
        // and it would catch a violation: Kernel/Linux does depend on libc.
        var linux = Types.InAssembly(Kernel).That().ResideInNamespaceStartingWith("KeepAlive.Kernel.Linux")
            .ShouldNot().HaveDependencyOnAny("Tmds.Linux").GetResult();
        Assert.False(linux.IsSuccessful);
    }
}
