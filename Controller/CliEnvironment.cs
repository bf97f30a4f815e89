using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Sources;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Controller;

/// <summary>What the command line needs from the outside world: files, host facts, the working directory.</summary>
public interface ICliEnvironment
{
    IConfigSource ConfigSource { get; }

    IHostFacts HostFacts { get; }

    string CurrentDirectory { get; }

    TextWriter OpenLog(string path);
}

/// <summary>The real machine.</summary>
public sealed class SystemEnvironment : ICliEnvironment
{
    public IConfigSource ConfigSource { get; } = new DiskConfigSource();

    public IHostFacts HostFacts { get; } = new LinuxHostFacts();

    public string CurrentDirectory => Environment.CurrentDirectory;

    public TextWriter OpenLog(string path) => new StreamWriter(path, append: true);
}
