using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace KeepAlive.Controller.Tests.Demo;

/// <summary>
/// docker/compose.yaml is the same two-node lab as ./demo.sh (there is no Docker engine on the build machines: the
/// network-namespace demo is the tested equivalent): it mounts exactly the node configurations demo.sh runs, on the
/// node demo.sh runs each on; its network and addresses are demo/lab.env's; the configurations name the lab's
/// interface and VIPs inside its subnet; the Dockerfile it builds publishes the Controller project.
/// </summary>
public class ComposeLabTests
{
    private const string DefaultConfig = KeepAliveCli.DefaultConfigFile;

    private static YamlMappingNode Services => DemoLab.Compose().Map("services");

    /// <summary>Each service's bind-mounted host files (full paths, resolved from docker/) and their targets.</summary>
    private static List<(string Source, string Target, bool ReadOnly)> Mounts(YamlMappingNode service)
    {
        var mounts = new List<(string, string, bool)>();
        if (service.Get("volumes") is not YamlSequenceNode volumes)
            return mounts;
        foreach (var v in volumes)
        {
            string source, target;
            bool readOnly;
            if (v is YamlScalarNode s)
            {
                var parts = (s.Value ?? "").Split(':');
                (source, target, readOnly) = (parts[0], parts[1], parts.Length > 2 && parts[2].Split(',').Contains("ro"));
            }
            else
            {
                var m = (YamlMappingNode)v;
                (source, target) = (m.Scalar("source"), m.Scalar("target"));
                readOnly = m.Get("read_only") is YamlScalarNode { Value: "true" };
            }
            if (source.StartsWith('.') || source.StartsWith('/'))
                mounts.Add((Path.GetFullPath(Path.Combine(DemoLab.PathOf("docker"), source)), target, readOnly));
        }
        return mounts;
    }

    /// <summary>The file keepalive reads in a service: the -f/--use-file argument of its command, else the default.</summary>
    private static string ConfigPathOf(YamlMappingNode service)
    {
        var command = service.Get("command").Scalars();
        for (int i = 0; i < command.Count; i++)
        {
            if ((command[i] == "-f" || command[i] == "--use-file") && i + 1 < command.Count)
                return command[i + 1];
            if (command[i].StartsWith("--use-file=", StringComparison.Ordinal))
                return command[i]["--use-file=".Length..];
        }
        return DefaultConfig;
    }

    /// <summary>demo.sh's `start_node NODE CONF` lines: which configuration it runs on which node.</summary>
    private static Dictionary<string, string> DemoScriptNodes()
    {
        var script = File.ReadAllText(DemoLab.PathOf("demo.sh"));
        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(script, @"^\s*start_node (lb\d+) (node\d+\.conf)\s*$", RegexOptions.Multiline))
        {
            var config = Path.GetFullPath(DemoLab.PathOf("demo", m.Groups[2].Value));
            Assert.True(!nodes.TryGetValue(m.Groups[1].Value, out var before) || before == config, $"demo.sh runs two configurations on {m.Groups[1].Value}");
            nodes[m.Groups[1].Value] = config;
        }
        return nodes;
    }

    [Fact]
    public void Compose_mounts_exactly_the_demo_node_configs_read_only_where_keepalive_reads_them()
    {
        var mounted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in Services.Children)
        {
            var service = (YamlMappingNode)node;
            var configPath = ConfigPathOf(service);
            var configs = Mounts(service).Where(m => m.Source.EndsWith(".conf", StringComparison.Ordinal)).ToList();
            var config = Assert.Single(configs);
            Assert.Equal(configPath, config.Target);
            Assert.True(config.ReadOnly, $"{name}: the configuration is mounted writable");
            mounted[((YamlScalarNode)name).Value!] = config.Source;
        }
        Assert.Equal(DemoLab.NodeConfigs, mounted.Values.Order(StringComparer.Ordinal));
        foreach (var (service, config) in mounted)
            Assert.Equal(DemoLab.NodeOf(config), service);
        Assert.Equal(DemoScriptNodes().OrderBy(p => p.Key), mounted.OrderBy(p => p.Key));
    }

    [Fact]
    public void Compose_network_and_addresses_are_the_demo_labs()
    {
        var layout = DemoLab.Layout;
        var networks = DemoLab.Compose().Map("networks");
        var (networkName, networkNode) = Assert.Single(networks.Children);
        var network = (YamlMappingNode)networkNode;
        Assert.Equal("bridge", network.Scalar("driver"));
        var ipam = Assert.Single((YamlSequenceNode)network.Map("ipam").Get("config")!);
        Assert.Equal(layout["LAB_SUBNET"], ((YamlMappingNode)ipam).Scalar("subnet"));

        Assert.Equal(["lb1", "lb2"], Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        foreach (var (name, node) in Services.Children)
        {
            var service = (YamlMappingNode)node;
            string lb = ((YamlScalarNode)name).Value!;
            // One network: inside the container it is eth0, the interface the configurations name (as in the lab).
            var (attached, settings) = Assert.Single(service.Map("networks").Children);
            Assert.Equal(networkName, attached);
            Assert.Equal("eth0", layout["LB_IFACE"]);
            Assert.Equal(layout[lb.ToUpperInvariant() + "_ADDR"], ((YamlMappingNode)settings).Scalar("ipv4_address"));
            Assert.Subset(service.Get("cap_add").Scalars().ToHashSet(), new HashSet<string> { "NET_ADMIN", "NET_RAW" });
        }
    }

    [Fact]
    public void Node_configs_name_the_labs_interface_and_VIPs_inside_its_subnet()
    {
        var layout = DemoLab.Layout;
        string subnet = layout["LAB_SUBNET"];
        var (network, prefix) = DemoLab.Subnet(subnet);
        uint first = DemoLab.ToUInt(network);
        var reserved = new HashSet<uint>
        {
            first, first + 1,                                           // the network, and Docker's gateway
            first | (prefix == 32 ? 0 : uint.MaxValue >> prefix),       // broadcast
            DemoLab.ToUInt(IPAddress.Parse(layout["LB1_ADDR"])),
            DemoLab.ToUInt(IPAddress.Parse(layout["LB2_ADDR"])),
            DemoLab.ToUInt(IPAddress.Parse(layout["CLIENT_ADDR"])),
        };
        foreach (var key in new[] { "LB1_ADDR", "LB2_ADDR", "CLIENT_ADDR" })
            Assert.True(DemoLab.Contains(subnet, IPAddress.Parse(layout[key])), $"{key} is outside {subnet}");

        Assert.Equal(2, DemoLab.NodeConfigs.Count);
        var vipSets = new List<string>();
        var priorities = new List<int>();
        foreach (var config in DemoLab.NodeConfigs)
        {
            var (code, err, model) = DemoLab.Bind(config);
            using (model)
            {
                Assert.True(code == 0, $"{config}: exit {code}\n{err}");
                var instances = model.RootElement.GetProperty("vrrp_instances").EnumerateArray().ToList();
                Assert.True(instances.Count >= 2, $"{config}: the demo shows several VIPs failing over together");
                var vips = new List<string>();
                foreach (var instance in instances)
                {
                    Assert.Equal(layout["LB_IFACE"], instance.GetProperty("interface").GetString());
                    foreach (var vip in instance.GetProperty("virtual_ip_addresses").EnumerateArray())
                    {
                        var address = IPAddress.Parse(vip.GetProperty("address").GetString()!);
                        Assert.True(DemoLab.Contains(subnet, address), $"{config}: VIP {address} is outside {subnet}");
                        Assert.DoesNotContain(DemoLab.ToUInt(address), reserved);
                        vips.Add($"{instance.GetProperty("vrid").GetInt32()} {address}");
                    }
                }
                vipSets.Add(string.Join(",", vips.Order(StringComparer.Ordinal)));
                priorities.Add(instances.Select(i => i.GetProperty("priority").GetInt32()).Distinct().Single());
                var group = Assert.Single(model.RootElement.GetProperty("sync_groups").EnumerateArray());
                Assert.Equal(instances.Count, group.GetProperty("members").GetArrayLength());
            }
        }
        Assert.Equal(vipSets[0], vipSets[1]);                  // the same VRIDs and VIPs on both nodes
        Assert.True(priorities[0] > priorities[1], "node1.conf must have the higher priority (the demo preempts back to lb1)");
    }

    [Fact]
    public void Compose_builds_the_Dockerfile_that_publishes_the_Controller_native_on_the_runtime_deps_image()
    {
        var instructions = new List<(string Op, string Args)>();
        foreach (var line in Regex.Replace(File.ReadAllText(DemoLab.PathOf("docker", "Dockerfile")), @"\\\r?\n", " ").Split('\n'))
        {
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#'))
                continue;
            int sp = t.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add((t[..sp].ToUpperInvariant(), Regex.Replace(t[(sp + 1)..], @"\s+", " ").Trim()));
        }
        foreach (var (_, node) in Services.Children)
        {
            var build = ((YamlMappingNode)node).Map("build");
            Assert.Equal(DemoLab.RepositoryRoot, Path.GetFullPath(Path.Combine(DemoLab.PathOf("docker"), build.Scalar("context"))).TrimEnd('/'));
            Assert.Equal(DemoLab.PathOf("docker", "Dockerfile"), Path.GetFullPath(Path.Combine(DemoLab.RepositoryRoot, build.Scalar("dockerfile"))));
        }

        var from = instructions.Where(i => i.Op == "FROM").Select(i => i.Args).ToList();
        Assert.Equal(2, from.Count);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", from[0]);
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0", from[1]);
        int runtimeStage = instructions.FindIndex(i => i.Op == "FROM" && i.Args == from[1]);

        // The build stage publishes the Controller project into a directory the runtime stage copies ...
        var publish = Assert.Single(instructions.Take(runtimeStage), i => i.Op == "RUN" && i.Args.Contains("dotnet publish", StringComparison.Ordinal));
        var words = publish.Args.Split(' ');
        string project = words[Array.IndexOf(words, "publish") + 1];
        Assert.Equal(DemoLab.PathOf("Controller", "KeepAlive.Controller.csproj"), Path.GetFullPath(Path.Combine(DemoLab.RepositoryRoot, project)));
        // ... with the Native profile (Native AOT, self-contained, the framework trimmed; the build .ci/run tests a second
        // time), which the restore used too and the build stage copies, on a build stage that has clang to link it.
        Assert.Contains("-p:PublishProfile=Native", words);
        var restore = Assert.Single(instructions.Take(runtimeStage), i => i.Op == "RUN" && i.Args.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.Contains("-p:PublishProfile=Native", restore.Args.Split(' '));
        var profile = XDocument.Load(DemoLab.PathOf("Controller", "Properties", "PublishProfiles", "Native.pubxml"));
        string assemblyName = XDocument.Load(DemoLab.PathOf("Controller", "KeepAlive.Controller.csproj")).Descendants("AssemblyName").Single().Value;
        Assert.Equal("true", profile.Descendants("PublishAot").Single().Value);
        Assert.Equal("true", profile.Descendants("SelfContained").Single().Value);
        Assert.Equal("full", profile.Descendants("TrimMode").Single().Value);
        var roots = profile.Descendants("TrimmerRootAssembly").Select(r => r.Attribute("Include")!.Value).ToList();
        Assert.Contains("Akka", roots);   // found by type name from HOCON: kept whole
        Assert.Contains(assemblyName, roots);   // our Akka logger is named in HOCON too
        var descriptor = profile.Descendants("TrimmerRootDescriptor").Single().Attribute("Include")!.Value
            .Replace("$(MSBuildThisFileDirectory)", string.Empty, StringComparison.Ordinal);
        Assert.True(File.Exists(DemoLab.PathOf("Controller", "Properties", "PublishProfiles", descriptor)), descriptor);
        Assert.Contains(instructions.Take(runtimeStage), i => i.Op == "RUN" && Regex.IsMatch(i.Args, @"apt-get install .*\bclang\b"));
        Assert.Equal("Release", words[Array.IndexOf(words, "-c") + 1]);
        string output = words[Array.IndexOf(words, "-o") + 1];
        var copy = Assert.Single(instructions.Skip(runtimeStage), i => i.Op == "COPY" && i.Args.StartsWith("--from=build ", StringComparison.Ordinal));
        var copyWords = copy.Args.Split(' ');
        Assert.Equal(output, copyWords[1]);
        string installed = copyWords[2];

        // The runtime stage has iproute2 and runs the published keepalive.
        Assert.Contains(instructions.Skip(runtimeStage), i => i.Op == "RUN" && Regex.IsMatch(i.Args, @"apt-get install .*\biproute2\b"));
        var entry = Assert.Single(instructions, i => i.Op == "ENTRYPOINT").Args;
        Assert.Equal($"[\"{installed.TrimEnd('/')}/{assemblyName}\"]", entry); // the native executable

        // The build stage copies every project the Controller needs (its ProjectReference closure), and what it
        // copies exists and is let through Dockerfile.dockerignore.
        var copied = instructions.Take(runtimeStage).Where(i => i.Op == "COPY").SelectMany(i => i.Args.Split(' ')[..^1]).ToList();
        foreach (var dir in ProjectClosure(DemoLab.PathOf("Controller", "KeepAlive.Controller.csproj")))
            Assert.Contains(Path.GetRelativePath(DemoLab.RepositoryRoot, dir) + "/", copied);
        var allowed = File.ReadAllLines(DemoLab.PathOf("docker", "Dockerfile.dockerignore")).Where(l => l.StartsWith('!')).Select(l => l[1..]).ToList();
        foreach (var source in copied)
        {
            Assert.True(File.Exists(DemoLab.PathOf(source)) || Directory.Exists(DemoLab.PathOf(source)), $"COPY {source}: not in the repository");
            Assert.True(allowed.Contains(source.TrimEnd('/')) || allowed.Contains(source.TrimEnd('/') + "/**")
                || allowed.Contains(source.Split('/')[0] + "/**"), $"COPY {source}: excluded by Dockerfile.dockerignore");
        }
    }

    /// <summary>The directories of a project and of every project it references, transitively.</summary>
    private static HashSet<string> ProjectClosure(string csproj)
    {
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>([Path.GetFullPath(csproj)]);
        while (todo.TryPop(out var project))
        {
            if (!dirs.Add(Path.GetDirectoryName(project)!))
                continue;
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                todo.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value)));
        }
        return dirs;
    }
}
