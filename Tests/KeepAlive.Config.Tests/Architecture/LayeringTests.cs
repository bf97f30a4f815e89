using NetArchTest.Rules;

namespace KeepAlive.Config.Tests.Architecture;

/// <summary>STYLE.md item 20: the config pipeline is pure — it depends on neither Akka nor Tmds.LibC, nor on the
/// kernel code.</summary>
public class LayeringTests
{
    private static readonly System.Reflection.Assembly ConfigAssembly = typeof(ConfigLoader).Assembly;

    [Theory]
    [InlineData("Akka")]
    [InlineData("Tmds.Linux")]
    [InlineData("KeepAlive.Kernel")]
    [InlineData("KeepAlive.Actors")]
    public void Config_DoesNotDependOn(string dependency)
    {
        var result = Types.InAssembly(ConfigAssembly).ShouldNot().HaveDependencyOn(dependency).GetResult();
        Assert.True(result.IsSuccessful, "depends on " + dependency + ": " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Config_ReferencesNoAkkaOrLibcAssembly()
    {
        var refs = ConfigAssembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        Assert.DoesNotContain(refs, n => n.StartsWith("Akka", StringComparison.Ordinal) || n.StartsWith("Tmds", StringComparison.Ordinal));
    }
}
