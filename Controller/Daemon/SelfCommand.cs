using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// How this program runs itself again (.NET cannot fork): the executable, and the entry assembly first when it runs
/// under the <c>dotnet</c> host (<c>dotnet keepalive.dll ...</c>).
/// </summary>
public static class SelfCommand
{
    /// <summary>argv[0..] for running this program with <paramref name="args"/>.</summary>
    public static IReadOnlyList<string> For(IEnumerable<string> args)
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this executable is unknown");
        var prefix = new List<string> { process };
        if (Path.GetFileNameWithoutExtension(process) == "dotnet" && EntryAssemblyPath() is { Length: > 0 } dll)
            prefix.Add(dll);
        return [.. prefix, .. args];
    }

    /// <summary>The entry assembly's file, for the <c>dotnet</c> host; the native build is its own executable and never
    /// runs under that host (its assemblies have no file: Location is empty there).</summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Only read under the dotnet host, where assemblies are files.")]
    private static string? EntryAssemblyPath() => Assembly.GetEntryAssembly()?.Location;
}
