using System.Net;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace KeepAlive.Controller.Tests.Demo;

/// <summary>The demo's files as they are in this checkout: <c>demo/lab.env</c> (the layout demo.sh builds in
/// network namespaces), the node configurations <c>demo/node*.conf</c>, <c>docker/compose.yaml</c> and
/// <c>docker/Dockerfile</c>; found from the repository root (the directory holding KeepAlive.sln).</summary>
public static class DemoLab
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    /// <summary>lab.env's KEY=VALUE lines.</summary>
    public static IReadOnlyDictionary<string, string> Layout { get; } = ReadLayout(PathOf("demo", "lab.env"));

    /// <summary>The node configurations demo.sh runs (demo/node*.conf), full paths, sorted.</summary>
    public static IReadOnlyList<string> NodeConfigs { get; } =
        Directory.GetFiles(PathOf("demo"), "node*.conf").Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();

    /// <summary>The node each configuration is for: node1.conf → lb1, as demo.sh starts them.</summary>
    public static string NodeOf(string config) => "lb" + Path.GetFileNameWithoutExtension(config)["node".Length..];

    public static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(PathOf("docker", "compose.yaml")))
            yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        map.Get(key) as YamlMappingNode ?? throw new InvalidOperationException($"compose.yaml: '{key}' is not a mapping");

    public static string Scalar(this YamlMappingNode map, string key) =>
        (map.Get(key) as YamlScalarNode)?.Value ?? throw new InvalidOperationException($"compose.yaml: '{key}' is not a scalar");

    public static IReadOnlyList<string> Scalars(this YamlNode? node) =>
        node is YamlSequenceNode seq ? seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList() : [];

    /// <summary>A configuration bound by keepalive itself (<c>--dump-json</c>, in process) on a host with the lab
    /// node's interfaces: exit code, diagnostics and the model.</summary>
    public static (int Code, string Err, JsonDocument Model) Bind(string config)
    {
        var env = new FakeEnvironment
        {
            CurrentDirectory = RepositoryRoot,
            HostFacts = KeepAlive.Config.Host.StaticHostFacts.WithInterfaces("lo", Layout["LB_IFACE"]),
        };
        env.Files.Add(config, File.ReadAllText(config));
        var (code, stdout, err) = env.Run("--dump-json", "-f", config);
        return (code, err, JsonDocument.Parse(stdout));
    }

    /// <summary>(network, prefix length) of a CIDR such as 10.61.0.0/24.</summary>
    public static (IPAddress Network, int Prefix) Subnet(string cidr)
    {
        var parts = cidr.Split('/');
        return (IPAddress.Parse(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static bool Contains(string cidr, IPAddress address)
    {
        var (network, prefix) = Subnet(cidr);
        uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return (ToUInt(network) & mask) == (ToUInt(address) & mask);
    }

    public static uint ToUInt(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static Dictionary<string, string> ReadLayout(string path)
    {
        var layout = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                layout[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return layout;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KeepAlive.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("KeepAlive.sln not found above " + AppContext.BaseDirectory);
    }
}
