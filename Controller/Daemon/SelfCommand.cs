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
        if (Path.GetFileNameWithoutExtension(process) == "dotnet" && Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll)
            prefix.Add(dll);
        return [.. prefix, .. args];
    }
}
