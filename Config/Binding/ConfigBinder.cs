using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>The bound model and what was reported binding it.</summary>
public sealed record BindResult(KeepAliveConfig Config, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Binds a syntax tree into an immutable <see cref="KeepAliveConfig"/>: one table of root keywords, one binder per
/// block kind. Duplicate names keep the first definition (keepalived skips the later block). Never throws on input.
/// </summary>
public static class ConfigBinder
{
    /// <summary>The draft of the whole configuration while the root blocks are read.</summary>
    public sealed class Draft
    {
        public KeepAliveConfig Value = KeepAliveConfig.Empty;
        public readonly List<IpAddressEntry> StaticAddresses = new();
        public readonly List<RouteEntry> StaticRoutes = new();
        public readonly List<RuleEntry> StaticRules = new();
        public readonly List<VrrpScriptConfig> Scripts = new();
        public readonly List<TrackFileConfig> TrackFiles = new();
        public readonly List<TrackProcessConfig> TrackProcesses = new();
        public readonly List<SyncGroupConfig> SyncGroups = new();
        public readonly List<SyntaxNode> InstanceNodes = new();
        public readonly List<VirtualServerGroupConfig> VirtualServerGroups = new();
        public readonly List<VirtualServerConfig> VirtualServers = new();
        public readonly List<RawSetting> Other = new();
        public readonly Dictionary<string, SourceSpan> InstanceNames = new(StringComparer.Ordinal);
    }

    public static KeywordTable<Draft> RootTable { get; } = BuildRootTable();

    public static BindResult Bind(SyntaxTree tree)
    {
        var session = new Session();
        foreach (var root in tree.Roots)
            session.Add(root);
        return session.Complete();
    }

    /// <summary>Binds root blocks one at a time as the parser produces them, so a large configuration's syntax
    /// nodes are short-lived; <see cref="Complete"/> finishes what needs the whole file (instances need globals).</summary>
    public sealed class Session
    {
        private readonly BindContext _context;
        private readonly Draft _draft = new();

        /// <param name="interfaceMtu">This host's interface MTUs (the loader's host facts): VIPs beyond what an
        /// advert carries at the real MTU become excluded addresses, as keepalived decides with the interface known.</param>
        public Session(Func<string, int?>? interfaceMtu = null) => _context = new BindContext(interfaceMtu);

        public void Add(SyntaxNode root) => RootTable.BindOne(_draft, root, _context, _draft.Other);

        public BindResult Complete()
        {
            var draft = _draft;
            var context = _context;

            // Instances are completed after global_defs is known, wherever global_defs was written (keepalived's
            // parent reads globals before forking the VRRP child, so its defaults apply to every instance).
            var instances = new List<VrrpInstanceConfig>();
            foreach (var node in draft.InstanceNodes)
            {
                if (VrrpInstanceBinder.Bind(node, draft.Value.Globals, context) is { } instance)
                    instances.Add(instance);
            }

            var config = draft.Value with
            {
                StaticIpAddresses = draft.StaticAddresses.ToValueList(),
                StaticRoutes = draft.StaticRoutes.ToValueList(),
                StaticRules = draft.StaticRules.ToValueList(),
                VrrpScripts = draft.Scripts.ToValueList(),
                TrackFiles = draft.TrackFiles.ToValueList(),
                TrackProcesses = draft.TrackProcesses.ToValueList(),
                SyncGroups = draft.SyncGroups.ToValueList(),
                VrrpInstances = instances.ToValueList(),
                VirtualServerGroups = draft.VirtualServerGroups.ToValueList(),
                VirtualServers = draft.VirtualServers.ToValueList(),
                Other = draft.Other.ToValueList(),
            };
            return new BindResult(FileCheckTargets.Resolve(config), context.Diagnostics.ToImmutableArray());
        }
    }

    private static KeywordTable<Draft> BuildRootTable()
    {
        var t = new KeywordTable<Draft>();
        t.On("global_defs", (d, n, c) => d.Value = d.Value with { Globals = GlobalDefsBinder.Bind(d.Value.Globals, n, c) });
        t.On("net_namespace", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "a namespace name", out var v))
                return;
            if (d.Value.TopLevel.NetNamespace is not null)
                c.Report(BinderCodes.Ignored.At(n.Span, n.Name, $"is given twice: '{v}' ignored"));
            else
                d.Value = d.Value with { TopLevel = d.Value.TopLevel with { NetNamespace = v, UsePidDir = true } };
        });
        t.On("net_namespace_ipvs", (d, n, c) =>
            d.Value = d.Value with { TopLevel = d.Value.TopLevel with { NetNamespaceIpvs = n.Arguments.Length > 0 ? n.Arguments[0].Text : string.Empty } });
        t.On("namespace_with_ipsets", (d, n, c) => d.Value = d.Value with { TopLevel = d.Value.TopLevel with { NamespaceWithIpsets = true } });
        t.On("use_pid_dir", (d, n, c) => d.Value = d.Value with { TopLevel = d.Value.TopLevel with { UsePidDir = true } });
        t.On("instance", (d, n, c) =>
        {
            if (c.Values.TryString(n, "an instance name", out var v))
                d.Value = d.Value with { TopLevel = d.Value.TopLevel with { Instance = v, UsePidDir = true } };
        });
        t.On("child_wait_time", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, uint.MaxValue, out var s))
                d.Value = d.Value with { TopLevel = d.Value.TopLevel with { ChildWaitTime = TimeSpan.FromSeconds(s) } };
        });
        t.On("static_ipaddress", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (AddressLineBinder.Bind(n.Name, line, isStatic: true, c) is { } a)
                    d.StaticAddresses.Add(a.Device is null ? a with { Device = d.Value.Globals.DefaultInterface } : a);
        });
        t.On("static_routes", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (RouteRuleBinder.BindRoute(n.Name, line, isStatic: true, c) is { } r)
                    d.StaticRoutes.Add(r);
        });
        t.On("static_rules", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (RouteRuleBinder.BindRule(n.Name, line, isStatic: true, c) is { } r)
                    d.StaticRules.Add(r);
        });
        t.On("vrrp_script", (d, n, c) => AddNamed(d.Scripts, VrrpTrackersBinder.BindScript(n, c), s => s.Name, s => s.Origin, "vrrp_script", c));
        t.On("track_file", (d, n, c) => AddNamed(d.TrackFiles, VrrpTrackersBinder.BindTrackFile(n, c), s => s.Name, s => s.Origin, "track_file", c));
        t.On("vrrp_track_process", (d, n, c) => AddNamed(d.TrackProcesses, VrrpTrackersBinder.BindTrackProcess(n, c), s => s.Name, s => s.Origin, "vrrp_track_process", c));
        t.On("vrrp_sync_group", (d, n, c) => AddNamed(d.SyncGroups, VrrpTrackersBinder.BindSyncGroup(n, c), s => s.Name, s => s.Origin, "vrrp_sync_group", c));
        t.On("vrrp_instance", (d, n, c) =>
        {
            if (n.Arguments.Length == 0)
            {
                c.Report(BinderCodes.MissingName.At(n.KeywordToken.Span, n.Name));
                return;
            }
            var name = n.Arguments[0].Text;
            if (d.InstanceNames.TryGetValue(name, out var first))
            {
                c.Report(BinderCodes.DuplicateName.At(n.Arguments[0].Span, "vrrp_instance", name, first, "the second block is skipped, as keepalived does"));
                return;
            }
            d.InstanceNames[name] = n.Span;
            d.InstanceNodes.Add(n);
        });
        LvsBinder.Register(t);
        return t;
    }

    /// <summary>Adds a named item unless the name is taken (keepalived keeps the first and skips the duplicate).</summary>
    public static void AddNamed<T>(List<T> list, T? item, Func<T, string> name, Func<T, Origin> origin, string kind, BindContext c)
        where T : class
    {
        if (item is null)
            return;
        var existing = list.FirstOrDefault(x => name(x) == name(item));
        if (existing is not null)
        {
            c.Report(BinderCodes.DuplicateName.At(origin(item).Span, kind, name(item), origin(existing).Span, "the second block is skipped, as keepalived does"));
            return;
        }
        list.Add(item);
    }
}
