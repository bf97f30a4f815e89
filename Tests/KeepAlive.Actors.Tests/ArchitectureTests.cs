using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests;

/// <summary>ARCHITECTURE.md "Boundaries": Actors never reaches Kernel/Linux; pure machines and policies use no Akka.</summary>
public class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Actors = typeof(KeepAlive.Actors.Vrrp.VrrpTimers).Assembly;

    [Fact]
    public void Actors_never_reference_the_linux_kernel_code()
    {
        var result = Types.InAssembly(Actors).ShouldNot().HaveDependencyOnAny("KeepAlive.Kernel.Linux", "Tmds.Linux").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Actors_send_mail_only_through_the_port()
    {
        var result = Types.InAssembly(Actors).ShouldNot().HaveDependencyOnAny("KeepAlive.Kernel.Mail", "MailKit", "MimeKit").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Pure_machines_and_policies_reference_no_akka()
    {
        var pure = Types.InAssembly(Actors).That().HaveNameEndingWith("Machine").Or().HaveNameEndingWith("Policy")
            .Or().HaveNameEndingWith("Timers").Or().HaveNameStartingWith("VrrpMachine")
            .Or().HaveNameEndingWith("Planner").Or().HaveName("NodePlan").Or().HaveName("ActorNames")
            .Or().HaveName("KernelSpecs").Or().HaveName("InstancePlane").Or().HaveName("StaticPlane").Or().HaveName("KernelSet");
        Assert.Contains(pure.GetTypes(), t => t.Name == "NodePlanner");
        var result = pure.ShouldNot().HaveDependencyOn("Akka").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
