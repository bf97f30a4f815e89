using System.Collections.Immutable;
using System.Net;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Validation;

/// <summary>
/// Rules across objects and against this host (keepalived-reference.md §2 and §3): VRID uniqueness, sync-group
/// membership, references to scripts/files/processes/groups, interfaces, script files and script security. Returns
/// every problem at once; never throws. Host checks are skipped when no <see cref="IHostFacts"/> is given.
/// </summary>
public static class ConfigValidator
{
    public static ImmutableArray<Diagnostic> Validate(KeepAliveConfig config, IHostFacts? host)
    {
        var d = new List<Diagnostic>();
        ValidateInstances(config, host, d);
        ValidateSyncGroups(config, d);
        ValidateTracking(config, host, d);
        ValidateLvs(config, d);
        if (host is not null)
        {
            // keepalived -t stops checking after "Non-existent interface specified in configuration": its script
            // security verdict (exit 6) is then never reached, so ours does not count for the exit code either.
            bool interfaceMissing = d.Any(x => x.Descriptor == ValidationDescriptors.InterfaceMissing || x.Descriptor == ValidationDescriptors.TrackedInterfaceMissing);
            ValidateScripts(config, host, d, interfaceMissing);
        }
        return d.ToImmutableArray();
    }

    private static void ValidateInstances(KeepAliveConfig config, IHostFacts? host, List<Diagnostic> d)
    {
        var seen = new List<VrrpInstanceConfig>();
        foreach (var vi in config.VrrpInstances)
        {
            var at = vi.Origin.Span;
            if (host is not null && vi.Interface is { } ifName)
            {
                var facts = host.FindInterface(ifName);
                var ifAt = vi.InterfaceOrigin.Span.File is null ? at : vi.InterfaceOrigin.Span;
                if (facts is null)
                {
                    d.Add((config.Globals.DynamicInterfaces ? ValidationDescriptors.InterfaceMissingDynamic : ValidationDescriptors.InterfaceMissing)
                        .At(ifAt, vi.Name, ifName));
                }
                else if (facts.IsLoopback)
                {
                    d.Add(ValidationDescriptors.LoopbackInterface.At(ifAt, vi.Name, ifName));
                }
                else if (!facts.SupportsMulticast && !vi.IsUnicast)
                {
                    d.Add(ValidationDescriptors.NoMulticast.At(at, vi.Name, ifName));
                }
            }

            foreach (var other in seen)
            {
                if (other.Vrid != vi.Vrid || other.Family != vi.Family || (other.Interface ?? "") != (vi.Interface ?? ""))
                    continue;
                bool clash = vi.IsUnicast == other.IsUnicast && (vi.IsUnicast
                    ? vi.UnicastPeers.Any(p => other.UnicastPeers.Any(q => q.Address.Equals(p.Address)))
                    : Equals(vi.McastDestination, other.McastDestination));
                if (clash)
                    d.Add(ValidationDescriptors.DuplicateVrid.At(at, other.Name, vi.Name, vi.Vrid, vi.Family == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6", vi.Interface ?? "(none)", other.Origin.Span));
            }
            seen.Add(vi);

            if (vi.SourceAddress is { } src && vi.UnicastPeers.FirstOrDefault(p => p.Address.Equals(src)) is { } self)
                d.Add(ValidationDescriptors.PeerIsSelf.At(self.Origin.Span, vi.Name, src));

            if (host is not null)
            {
                foreach (var vip in vi.VirtualIpAddresses.Concat(vi.ExcludedIpAddresses))
                    if (vip.Device is { } dev && host.FindInterface(dev) is null && !config.Globals.DynamicInterfaces)
                        d.Add(ValidationDescriptors.AddressInterfaceMissing.At(vip.Origin.Span, dev, vip.Address));
                foreach (var ti in vi.TrackInterfaces)
                    if (host.FindInterface(ti.Name) is null && !config.Globals.DynamicInterfaces)
                        d.Add(ValidationDescriptors.TrackedInterfaceMissing.At(ti.Origin.Span, vi.Name, ti.Name));
            }
        }
        if (host is not null)
            foreach (var a in config.StaticIpAddresses)
                if (a.Device is { } dev && host.FindInterface(dev) is null && !config.Globals.DynamicInterfaces)
                    d.Add(ValidationDescriptors.AddressInterfaceMissing.At(a.Origin.Span, dev, a.Address));
    }

    private static void ValidateSyncGroups(KeepAliveConfig config, List<Diagnostic> d)
    {
        var names = config.VrrpInstances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var membership = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in config.SyncGroups)
        {
            int valid = 0;
            foreach (var member in group.Members)
            {
                if (!names.ContainsKey(member))
                {
                    d.Add(ValidationDescriptors.SyncMemberMissing.At(group.Origin.Span, member, group.Name, Suggest(member, names.Keys)));
                    continue;
                }
                if (membership.TryGetValue(member, out var otherGroup))
                {
                    d.Add(ValidationDescriptors.SyncMemberTwice.At(group.Origin.Span, member, group.Name, otherGroup));
                    continue;
                }
                membership[member] = group.Name;
                valid++;
            }
            if (valid == 0)
                d.Add(ValidationDescriptors.SyncGroupEmpty.At(group.Origin.Span, group.Name));
            else if (valid == 1)
                d.Add(ValidationDescriptors.SyncGroupSingle.At(group.Origin.Span, group.Name));
            var members = group.Members.Where(names.ContainsKey).Select(m => names[m]).ToList();
            if (members.Any(m => m.Priority == 255) && members.Any(m => m.Priority != 255))
                d.Add(ValidationDescriptors.SyncGroupMixedOwners.At(group.Origin.Span, group.Name));
        }
    }

    private static void ValidateTracking(KeepAliveConfig config, IHostFacts? host, List<Diagnostic> d)
    {
        var scripts = config.VrrpScripts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var files = config.TrackFiles.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var processes = config.TrackProcesses.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        void Check(string owner, IEnumerable<TrackedObject> list, HashSet<string> known, string kind)
        {
            foreach (var t in list)
                if (!known.Contains(t.Name))
                    d.Add(ValidationDescriptors.TrackedObjectMissing.At(t.Origin.Span, owner, kind, t.Name, Suggest(t.Name, known)));
        }

        foreach (var vi in config.VrrpInstances)
        {
            Check(vi.Name, vi.TrackScripts, scripts, "vrrp_script");
            Check(vi.Name, vi.TrackFiles, files, "track_file");
            Check(vi.Name, vi.TrackProcesses, processes, "vrrp_track_process");
        }
        foreach (var g in config.SyncGroups)
        {
            Check(g.Name, g.TrackScripts, scripts, "vrrp_script");
            Check(g.Name, g.TrackFiles, files, "track_file");
            Check(g.Name, g.TrackProcesses, processes, "vrrp_track_process");
            if (host is not null)
                foreach (var ti in g.TrackInterfaces)
                    if (host.FindInterface(ti.Name) is null && !config.Globals.DynamicInterfaces)
                        d.Add(ValidationDescriptors.TrackedInterfaceMissing.At(ti.Origin.Span, g.Name, ti.Name));
        }
        if (config.Globals.LvsSyncDaemon is { } sync)
        {
            if (sync.VrrpInstance is { } inst && config.VrrpInstances.All(i => i.Name != inst))
                d.Add(ValidationDescriptors.TrackedObjectMissing.At(config.Globals.Origin.Span, "lvs_sync_daemon", "vrrp_instance", inst, string.Empty));
            if (host is not null && host.FindInterface(sync.Interface) is null)
                d.Add(ValidationDescriptors.TrackedInterfaceMissing.At(config.Globals.Origin.Span, "lvs_sync_daemon", sync.Interface));
        }
    }

    private static void ValidateLvs(KeepAliveConfig config, List<Diagnostic> d)
    {
        var groups = config.VirtualServerGroups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var files = config.TrackFiles.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var keys = new Dictionary<VirtualServerKey, VirtualServerConfig>();
        foreach (var vs in config.VirtualServers)
        {
            if (vs.Key is VirtualServerKey.Group g && !groups.Contains(g.Name))
                d.Add(ValidationDescriptors.VirtualServerGroupMissing.At(vs.Origin.Span, g.Name, Suggest(g.Name, groups)));
            if (keys.TryGetValue(vs.Key, out var first))
                d.Add(ValidationDescriptors.DuplicateVirtualServer.At(vs.Origin.Span, vs.Key, first.Origin.Span));
            else
                keys[vs.Key] = vs;
            foreach (var rs in vs.RealServers)
                foreach (var checker in rs.Checkers)
                    if (checker is FileCheckConfig { TrackFile: { } tf } fc && !files.Contains(tf))
                        d.Add(ValidationDescriptors.TrackedObjectMissing.At(fc.Origin.Span, $"real_server {rs.Key}", "track_file", tf, Suggest(tf, files)));
        }
    }

    /// <summary>Scripts that would run: their files must exist; and running them as root needs
    /// enable_script_security (keepalived: "SECURITY VIOLATION", <c>-t</c> exit 6).</summary>
    private static void ValidateScripts(KeepAliveConfig config, IHostFacts host, List<Diagnostic> d, bool keepalivedStoppedEarlier)
    {
        var g = config.Globals;
        bool anyRunnable = false;
        bool insecure = false;

        bool Check(NotifyScript? script, string owner, string what, bool tracked)
        {
            if (script is null)
                return false;
            var facts = host.FindExecutable(script.Executable);
            if (!facts.Exists || !facts.IsExecutable)
            {
                d.Add((tracked ? ValidationDescriptors.TrackScriptMissing : ValidationDescriptors.ScriptMissing)
                    .At(script.Origin.Span, owner, what, script.Executable));
                return false;
            }
            anyRunnable = true;
            if (script.User is { } user && !host.UserExists(user))
                d.Add(ValidationDescriptors.ScriptRunAsUserMissing.At(script.Origin.Span, owner, what, user));
            if (facts.WritableByNonRoot && (script.User ?? g.ScriptUser) is null)
            {
                insecure = true;
                if (g.EnableScriptSecurity)
                    d.Add(ValidationDescriptors.InsecureScript.At(script.Origin.Span, script.Executable, owner));
            }
            return true;
        }

        var tracked = config.VrrpInstances.SelectMany(i => i.TrackScripts.Select(t => t.Name))
            .Concat(config.SyncGroups.SelectMany(s => s.TrackScripts.Select(t => t.Name)))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var s in config.VrrpScripts.Where(s => tracked.Contains(s.Name)))
            Check(s.Script, s.Name, "script", tracked: true);
        foreach (var vi in config.VrrpInstances)
        {
            Check(vi.NotifyMaster, vi.Name, "notify_master", false);
            Check(vi.NotifyBackup, vi.Name, "notify_backup", false);
            Check(vi.NotifyFault, vi.Name, "notify_fault", false);
            Check(vi.NotifyStop, vi.Name, "notify_stop", false);
            Check(vi.Notify, vi.Name, "notify", false);
            Check(vi.NotifyDeleted, vi.Name, "notify_deleted", false);
            Check(vi.NotifyMasterRxLowerPri, vi.Name, "notify_master_rx_lower_pri", false);
        }
        foreach (var sg in config.SyncGroups)
        {
            Check(sg.NotifyMaster, sg.Name, "notify_master", false);
            Check(sg.NotifyBackup, sg.Name, "notify_backup", false);
            Check(sg.NotifyFault, sg.Name, "notify_fault", false);
            Check(sg.NotifyStop, sg.Name, "notify_stop", false);
            Check(sg.Notify, sg.Name, "notify", false);
        }
        foreach (var vs in config.VirtualServers)
        {
            if (vs.QuorumUp is not null)
                Check(vs.QuorumUp, vs.Key.ToString(), "quorum_up", false);
            if (vs.QuorumDown is not null)
                Check(vs.QuorumDown, vs.Key.ToString(), "quorum_down", false);
            foreach (var rs in vs.RealServers)
            {
                // Owner names are built only for scripts that exist: 37,000 real servers mostly have none.
                if (rs.NotifyUp is not null)
                    Check(rs.NotifyUp, rs.Key.ToString(), "notify_up", false);
                if (rs.NotifyDown is not null)
                    Check(rs.NotifyDown, rs.Key.ToString(), "notify_down", false);
                foreach (var checker in rs.Checkers)
                    if (checker is MiscCheckConfig mc)
                        Check(mc.Path, rs.Key.ToString(), "misc_path", false);
            }
        }
        Check(g.StartupScript, "global_defs", "startup_script", false);
        Check(g.ShutdownScript, "global_defs", "shutdown_script", false);
        Check(g.NotifyFifoScript, "global_defs", "notify_fifo_script", false);
        Check(g.VrrpNotifyFifoScript, "global_defs", "vrrp_notify_fifo_script", false);
        Check(g.LvsNotifyFifoScript, "global_defs", "lvs_notify_fifo_script", false);

        if (anyRunnable && !g.EnableScriptSecurity && host.RunningAsRoot && g.ScriptUser is null && !host.UserExists("keepalived_script"))
            d.Add((keepalivedStoppedEarlier ? ValidationDescriptors.ScriptSecurityDisabledUnchecked : ValidationDescriptors.ScriptSecurityDisabled)
                .At(g.Origin.Span, insecure ? " There are insecure scripts." : string.Empty));
        // keepalived checks script_user when it reads it ("Error setting global script uid/gid"), used or not.
        if (g.ScriptUser is { } scriptUser && !host.UserExists(scriptUser))
            d.Add(ValidationDescriptors.ScriptUserMissing.At(g.ScriptUserOrigin.Span.File is null ? g.Origin.Span : g.ScriptUserOrigin.Span, scriptUser));
    }

    private static string Suggest(string word, IEnumerable<string> known)
    {
        var best = Suggestions.Closest(word, known);
        return best is null ? string.Empty : $"; did you mean '{best}'?";
    }
}
