using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Tracking;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Node;

/// <summary>
/// Turns a bound configuration and the host's facts into a <see cref="NodePlan"/>: one I/O actor per interface,
/// family, mode and protocol (VRRP, or IPsec AH for auth_type AH); one tracker per tracked object; one actor per sync
/// group and per instance, each instance with the settings its machine needs and its tracked objects under
/// keepalived 2.2.7's rules (keepalived-reference.md §3.8): the instance's own interface is tracked unless <c>dont_track_primary</c>; a group's <c>track_*</c> apply
/// to every member and win over the member's own; an address owner drops weighted interface/script/process trackers
/// and weighted track_files (a default-weight file becomes unweighted) and never uses nopreempt; a sync-group member
/// (unless <c>sync_group_tracking_weight</c>) tracks interfaces unweighted, drops weighted scripts and processes, and
/// turns default-weight files unweighted while dropping other weighted ones. Pure.
/// </summary>
public static class NodePlanner
{
    public static NodePlan Plan(KeepAliveConfig config, HostFacts host)
    {
        var problems = new List<string>();
        var groupOf = new Dictionary<string, SyncGroupConfig>(StringComparer.Ordinal);
        foreach (var group in config.SyncGroups)
            foreach (var member in group.Members)
                groupOf.TryAdd(member, group);

        var io = new Dictionary<string, IoPlan>(StringComparer.Ordinal);
        var trackers = new Dictionary<string, (TrackerPlan Plan, List<string> Subscribers)>(StringComparer.Ordinal);
        var instances = new List<InstancePlan>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var vmacs = new List<MacvlanSpec>();

        foreach (var instance in config.VrrpInstances)
        {
            string child = ActorNames.Instance(instance.Key);
            if (!usedNames.Add(child))
            {
                problems.Add($"vrrp_instance {instance.Name}: same interface, family and VRID as another instance ({instance.Key}); not started");
                continue;
            }
            var faults = new List<string>();
            string iface = instance.Interface ?? config.Globals.DefaultInterface;
            var link = host.Links.FirstOrDefault(l => l.Name == iface);
            if (link is null)
                faults.Add($"interface {iface} does not exist");
            var source = instance.SourceAddress ?? PrimaryAddress(host, iface, instance.Family);
            if (source is null)
                faults.Add($"interface {iface} has no {(instance.Family == AddressFamily.InterNetworkV6 ? "link-local IPv6" : "IPv4")} address to send adverts from");
            groupOf.TryGetValue(instance.Name, out var syncGroup);

            var plane = InstancePlane.For(instance with { Interface = iface }, config.Globals.VmacPrefix);
            problems.AddRange(plane.Errors);
            if (plane.Vmac is not null)
                vmacs.Add(plane.Vmac);
            string advertInterface = plane.AdvertInterface ?? iface;
            bool multicast = !instance.IsUnicast;
            var authentication = Authentication(instance);
            bool ah = authentication.Type == VrrpAuthType.IpsecAh;
            string ioChild = ActorNames.Io(advertInterface, instance.Family, multicast, ah);
            io.TryAdd(ioChild, new IoPlan(ioChild, new VrrpSocketSpec(advertInterface, instance.Family, multicast, ah)));

            var bindings = Bindings(config, instance, iface, syncGroup, problems);
            var trackerChildren = new List<string>();
            foreach (var (binding, plan) in bindings)
            {
                if (!trackers.TryGetValue(plan.ChildName, out var entry))
                    trackers[plan.ChildName] = entry = (plan, []);
                entry.Subscribers.Add(child);
                trackerChildren.Add(plan.ChildName);
            }

            var vips = plane.VirtualAddresses;
            var group = instance.McastDestination ?? (instance.Family == AddressFamily.InterNetworkV6 ? config.Globals.McastGroup6 : config.Globals.McastGroup4);
            source ??= instance.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            bool owner = instance.Priority == 255;
            var setup = new VrrpInstanceSetup
            {
                Name = instance.Name,
                Settings = new VrrpSettings
                {
                    Version = instance.Version,
                    Vrid = (byte)instance.Vrid,
                    Priority = instance.Priority,
                    AdvertIntervalMicros = instance.AdvertInterval.Ticks / 10,
                    PrimaryAddress = source.GetAddressBytes(),
                    WantsMaster = instance.State == InitialState.Master || owner,
                    Preempt = owner || !instance.Nopreempt,
                    PreemptDelayMicros = instance.PreemptDelay.Ticks / 10,
                    DownTimerAdverts = instance.DownTimerAdverts,
                    LowerPriorityNoAdvert = instance.LowerPrioNoAdvert,
                    InSyncGroup = syncGroup is not null,
                    GarpMasterDelayMicros = instance.GarpMasterDelay.Ticks / 10,
                    GarpMasterRepeat = instance.GarpMasterRepeat,
                    GarpRefreshMicros = instance.GarpMasterRefresh.Ticks / 10,
                    GarpRefreshRepeat = instance.GarpMasterRefreshRepeat,
                },
                Interface = plane.AddressInterface ?? iface,
                InterfaceMac = plane.VmacAddress ?? link?.Mac ?? new byte[6],
                Source = source,
                Destination = multicast ? group : instance.UnicastPeers[0].Address,
                UnicastPeers = instance.UnicastPeers.Select(p => p.Address).ToList(),
                PeerChecks = instance.UnicastPeers.Select(p => new VrrpPeer(p.Address, p.MinTtl, p.MaxTtl)).ToList(),
                CheckUnicastSource = instance.CheckUnicastSrc || config.Globals.CheckUnicastSrc,
                VirtualAddresses = vips,
                MasterSet = plane.MasterSet,
                NotTracked = plane.NotTracked,
                Authentication = authentication,
                ChecksumFlavour = instance.OldUnicastChecksum is not null && instance.IsUnicast ? VrrpChecksumFlavour.OldUnicastPseudoHeader : VrrpChecksumFlavour.PseudoHeader,
                UseVmac = instance.UseVmac is not null,
                Tracked = bindings.Select(b => b.Binding).ToList(),
                ConfigFault = faults.Count == 0 ? null : string.Join("; ", faults),
            };
            foreach (var fault in faults)
                problems.Add($"vrrp_instance {instance.Name}: {fault}; it stays in FAULT");
            instances.Add(new InstancePlan(child, instance, setup, ioChild, trackerChildren.Distinct().ToList(),
                syncGroup is null ? null : ActorNames.Group(syncGroup.Name)));
        }

        var groups = config.SyncGroups.Select(g => new GroupPlan(ActorNames.Group(g.Name), g)).ToList();
        return new NodePlan(
            io.Values.ToList(),
            trackers.Values.Select(t => t.Plan with { Subscribers = t.Subscribers.Distinct().ToList() }).ToList(),
            groups,
            instances,
            problems)
        {
            Vmacs = vmacs.DistinctBy(v => v.Name).ToList(),
        };
    }

    /// <summary>Everything every instance may hold as MASTER (what a killed predecessor may have left behind);
    /// needs no host facts.</summary>
    public static KernelSet ConfiguredSet(KeepAliveConfig config) =>
        Union(config.VrrpInstances.Select(i => InstancePlane.For(i with { Interface = i.Interface ?? config.Globals.DefaultInterface }, config.Globals.VmacPrefix).MasterSet));

    /// <summary>The accept-mode firewall's table (keepalived: <c>nftables [TABLE]</c>, else "keepalived") and whether
    /// any instance needs it now: no_accept, or strict non-owner, or use_vmac (keepalived 2.2.7 vrrp.c
    /// <c>vrrp_complete_instance</c>: "use_vmac or no_accept/strict specified ... using nftables").</summary>
    public static (Kernel.Ports.VipFirewallSettings Settings, bool Needed) Firewall(KeepAliveConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (new Kernel.Ports.VipFirewallSettings(config.Globals.NftablesTable ?? Kernel.Ports.VipFirewallSettings.DefaultTable, config.Globals.NftablesPriority),
            config.VrrpInstances.Any(i => InstancePlane.NeedsFirewall(i) || i.UseVmac is not null));
    }

    /// <summary>Per use_vmac link, the families whose multicast reports the firewall moves to its base (keepalived
    /// 2.2.7 vrrp_vmac.c <c>firewall_add_vmac</c>): the instance's, and the other one when it has eVIPs of it; a link
    /// shared by several instances gets all their families.</summary>
    public static IReadOnlyDictionary<string, VmacFamilies> VmacReports(KeepAliveConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var reports = new Dictionary<string, VmacFamilies>(StringComparer.Ordinal);
        foreach (var instance in config.VrrpInstances.Where(i => i.UseVmac is not null))
        {
            if (InstancePlane.For(instance with { Interface = instance.Interface ?? config.Globals.DefaultInterface }, config.Globals.VmacPrefix).Vmac is not { } vmac)
                continue;
            bool v6 = instance.Family == AddressFamily.InterNetworkV6;
            bool other = instance.ExcludedIpAddresses.Any(a => a.Address.AddressFamily != instance.Family);
            var families = new VmacFamilies(!v6 || other, v6 || other);
            reports[vmac.Name] = reports.TryGetValue(vmac.Name, out var known) ? known.Or(families) : families;
        }
        return reports;
    }

    private static KernelSet Union(IEnumerable<KernelSet> sets)
    {
        var list = sets.ToList();
        return new KernelSet(
            list.SelectMany(s => s.Addresses).DistinctBy(a => a.Key).ToList(),
            list.SelectMany(s => s.Routes).Distinct().ToList(),
            list.SelectMany(s => s.Rules).Distinct().ToList());
    }

    /// <summary>keepalived's source address: the interface's first IPv4 address, or its IPv6 link-local address.</summary>
    public static IPAddress? PrimaryAddress(HostFacts host, string iface, AddressFamily family) =>
        host.Addresses.Where(a => a.Interface == iface && a.Address.AddressFamily == family
                                  && (family == AddressFamily.InterNetwork || a.Address.IsIPv6LinkLocal))
            .Select(a => a.Address).FirstOrDefault();

    private static VrrpAuthentication Authentication(VrrpInstanceConfig instance) =>
        instance.Version != 2 || instance.Authentication is null ? VrrpAuthentication.None
        : instance.Authentication.Type == AuthType.Ah ? VrrpAuthentication.IpsecAh(instance.Authentication.Password)
        : VrrpAuthentication.Password(instance.Authentication.Password);

    private static List<(TrackedBinding Binding, TrackerPlan Plan)> Bindings(KeepAliveConfig config, VrrpInstanceConfig instance, string iface, SyncGroupConfig? group, List<string> problems)
    {
        var result = new Dictionary<string, (TrackedBinding, TrackerPlan)>(StringComparer.Ordinal);
        bool owner = instance.Priority == 255;
        bool member = group is not null && !group.SyncGroupTrackingWeight;
        string who = $"vrrp_instance {instance.Name}";

        void Add(TrackerKind kind, string name, int weight, bool reverse, bool defaultWeightFile, TrackerPlan plan)
        {
            if (weight != 0 && kind == TrackerKind.File && defaultWeightFile && (owner || member))
                weight = 0;                                         // a default-weight track_file becomes unweighted
            else if (weight != 0 && kind == TrackerKind.Interface && member && !owner)
                weight = 0;                                         // group members: tracked interfaces cause FAULT
            else if (weight != 0 && (owner || member))
            {
                problems.Add($"{who}: weighted {kind.ToString().ToLowerInvariant()} tracker {name} ignored ({(owner ? "an address owner's priority never changes" : "sync group members keep equal priorities unless sync_group_tracking_weight")})");
                return;
            }
            result[plan.Key] = (new TrackedBinding(plan.Key, kind == TrackerKind.File ? TrackedKind.File : TrackedKind.UpDown, weight, reverse), plan);
        }

        TrackerPlan Plan(TrackerKind kind, string name, string key) => new(ActorNames.Tracker(kind, name), kind, name, key, []);

        void AddAll(IEnumerable<TrackedObject> interfaces, IEnumerable<TrackedObject> scripts, IEnumerable<TrackedObject> files, IEnumerable<TrackedObject> processes)
        {
            foreach (var t in interfaces)
                Add(TrackerKind.Interface, t.Name, t.Weight ?? 0, t.Reverse, false, Plan(TrackerKind.Interface, t.Name, TrackerNames.Interface(t.Name)));
            foreach (var t in scripts)
            {
                if (Defined(config.VrrpScripts, s => s.Name, "track_script", t) is { } script)
                    Add(TrackerKind.Script, t.Name, t.Weight ?? script.Weight, t.Weight is null ? script.WeightReverse : t.Reverse, false,
                        Plan(TrackerKind.Script, t.Name, TrackerNames.Script(t.Name)) with { Script = script });
            }
            foreach (var t in files)
            {
                if (Defined(config.TrackFiles, f => f.Name, "track_file", t) is not { } file)
                    continue;
                int weight = t.Weight ?? file.Weight;
                Add(TrackerKind.File, t.Name, weight, t.Weight is null ? file.WeightReverse : t.Reverse, weight == 1,
                    Plan(TrackerKind.File, t.Name, TrackerNames.File(t.Name)) with { File = file });
            }
            foreach (var t in processes)
            {
                if (Defined(config.TrackProcesses, p => p.Name, "track_process", t) is { } process)
                    Add(TrackerKind.Process, t.Name, t.Weight ?? process.Weight, t.Weight is null ? process.WeightReverse : t.Reverse, false,
                        Plan(TrackerKind.Process, t.Name, TrackerNames.Process(t.Name)) with { Process = process });
            }
        }

        T? Defined<T>(IEnumerable<T> all, Func<T, string> nameOf, string keyword, TrackedObject tracked)
            where T : class
        {
            var found = all.FirstOrDefault(x => nameOf(x) == tracked.Name);
            if (found is null)
                problems.Add($"{who}: {keyword} {tracked.Name} is not defined; ignored");
            return found;
        }

        if (!instance.DontTrackPrimary)
            result[TrackerNames.Interface(iface)] = (new TrackedBinding(TrackerNames.Interface(iface), TrackedKind.UpDown, 0, false),
                Plan(TrackerKind.Interface, iface, TrackerNames.Interface(iface)));
        AddAll(instance.TrackInterfaces, instance.TrackScripts, instance.TrackFiles, instance.TrackProcesses);
        if (group is not null)
            AddAll(group.TrackInterfaces, group.TrackScripts, group.TrackFiles, group.TrackProcesses);
        return result.Values.ToList();
    }

    /// <summary>The part of the configuration a node runs: without the VRRP half (instances, sync groups, their
    /// scripts, static addresses, routes and rules) under <c>-C</c>, without the LVS half (virtual servers and groups,
    /// the SSL block) under <c>-P</c> — keepalived's checker and VRRP processes each read only their own.</summary>
    public static KeepAliveConfig View(KeepAliveConfig config, bool vrrp, bool checkers)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!vrrp)
        {
            config = config with
            {
                VrrpInstances = [], SyncGroups = [], VrrpScripts = [], TrackFiles = [], TrackProcesses = [],
                StaticIpAddresses = [], StaticRoutes = [], StaticRules = [],
            };
        }
        if (!checkers)
            config = config with { VirtualServers = [], VirtualServerGroups = [], Ssl = null };
        return config;
    }
}
