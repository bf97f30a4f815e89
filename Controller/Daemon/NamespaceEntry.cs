using System.Collections;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// <c>-s NAME</c> or <c>net_namespace NAME</c>: setns(2) applies to one thread only, so the main thread enters the
/// namespace and then re-executes this program on that thread: after execve the process is that one thread, in that
/// namespace, and every thread it starts is too. The environment variable marks the new image so it does not enter
/// again.
/// </summary>
public static class NamespaceEntry
{
    /// <summary>Set in the re-executed image to the namespace it was started in.</summary>
    public const string EnteredVariable = "KEEPALIVE_NETNS_ENTERED";

    /// <summary>Whether this image already runs in <paramref name="name"/> (it was re-executed there).</summary>
    public static bool AlreadyIn(string name) => Environment.GetEnvironmentVariable(EnteredVariable) == name;

    /// <summary>Enters <paramref name="name"/> and re-executes with <paramref name="args"/>; returns only the reason it
    /// could not (the process image is replaced otherwise).</summary>
    public static string EnterAndReexecute(string name, IReadOnlyList<string> args)
    {
        if (DaemonProcess.EnterNetworkNamespace(name) is { } error)
            return $"Unable to set network namespace {name} - exiting ({error})";
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => (string)e.Key != EnteredVariable)
            .Select(e => $"{e.Key}={e.Value}")
            .Append($"{EnteredVariable}={name}")
            .ToList();
        var argv = SelfCommand.For(args);
        return DaemonProcess.Execute(argv[0], argv, environment);
    }
}
