using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Sources;

namespace KeepAlive.Controller.Tests;

/// <summary>An in-memory machine for command-line tests.</summary>
public sealed class FakeEnvironment : ICliEnvironment
{
    public InMemoryConfigSource Files { get; } = new();

    public Dictionary<string, StringWriter> Logs { get; } = new();

    public IConfigSource ConfigSource => Files;

    public IHostFacts HostFacts { get; init; } = StaticHostFacts.WithInterfaces("lo", "eth0", "eth1");

    public string CurrentDirectory { get; init; } = "/work";

    public TextWriter OpenLog(string path)
    {
        var w = new StringWriter();
        Logs[path] = w;
        return w;
    }

    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = KeepAliveCli.Run(args, stdout, stderr, this);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
