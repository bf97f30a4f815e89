using System.Globalization;
using System.Net.Sockets;
using System.Text;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Status;

/// <summary>
/// keepalived.data (SIGUSR1) in keepalived 2.2.7's layout (global_data.c dump_global_data, vrrp_data.c
/// dump_vrrp / dump_vgroup): the same section banners, line names and indentation for every fact we have — global
/// definitions from the configuration, each instance's state, timers, priorities, addresses and authentication, and
/// the sync groups. Facts only keepalived has (file descriptors, its socket pool, netlink buffer sizes, interface
/// internals) are left out; KeepAlive's own facts are added under names keepalived does not use
/// ("KeepAlive election", "KeepAlive discards"). Pure.
/// </summary>
public static class KeepalivedDataFormatter
{
    public static string Format(NodeStatusReport report, KeepAliveConfig config)
    {
        var b = new StringBuilder();
        Globals(b, config);
        Line(b, "------< VRRP Topology >------");
        foreach (var i in report.Instances)
        {
            var c = config.VrrpInstances.FirstOrDefault(v => v.Name == i.Name);
            if (c is not null)
                Instance(b, i, c, config);
        }
        if (report.SyncGroups.Length > 0)
        {
            Line(b, "------< VRRP Sync groups >------");
            foreach (var g in report.SyncGroups)
                Group(b, g, report, config);
        }
        return b.ToString();
    }

    private static void Globals(StringBuilder b, KeepAliveConfig config)
    {
        var g = config.Globals;
        Line(b, "------< Global definitions >------");
        Line(b, $" Network namespace = {config.TopLevel.NetNamespace ?? "(default)"}");
        Line(b, $" Network namespace ipvs = {(config.TopLevel.NetNamespaceIpvs is null ? "(main namespace)" : config.TopLevel.NetNamespaceIpvs.Length == 0 ? "(default)" : config.TopLevel.NetNamespaceIpvs)}");
        if (g.RouterId is not null)
            Line(b, $" Router ID = {g.RouterId}");
        Line(b, $" Default smtp_alert = {OnOff(g.SmtpAlert)}");
        Line(b, $" Default smtp_alert_vrrp = {OnOff(g.SmtpAlertVrrp)}");
        Line(b, $" Default smtp_alert_checker = {OnOff(g.SmtpAlertChecker)}");
        Line(b, $" Checkers log all failures = {TF(g.CheckerLogAllFailures)}");
        Line(b, $" Dynamic interfaces = {TF(g.DynamicInterfaces)}");
        Line(b, $" Default interface = {g.DefaultInterface}");
        Line(b, $" LVS flush = {TF(g.LvsFlush)}");
        Line(b, $" FIFO write vrrp states on reload = {TF(g.FifoWriteVrrpStatesOnReload)}");
        Line(b, $" VRRP notify priority changes = {TF(g.VrrpNotifyPriorityChanges)}");
        Line(b, $" VRRP IPv4 mcast group = {g.McastGroup4}");
        Line(b, $" VRRP IPv6 mcast group = {g.McastGroup6}");
        Line(b, $" Gratuitous ARP delay = {Secs(g.GarpMasterDelay)}");
        Line(b, $" Gratuitous ARP repeat = {N(g.GarpMasterRepeat)}");
        Line(b, $" Gratuitous ARP refresh timer = {Secs(g.GarpMasterRefresh)}");
        Line(b, $" Gratuitous ARP refresh repeat = {N(g.GarpMasterRefreshRepeat)}");
        Line(b, $" Gratuitous ARP lower priority delay = {Secs(g.GarpLowerPrioDelay ?? g.GarpMasterDelay)}");
        Line(b, $" Gratuitous ARP lower priority repeat = {N(g.GarpLowerPrioRepeat ?? g.GarpMasterRepeat)}");
        Line(b, $" Num adverts before down = {N(g.DownTimerAdverts)}");
        Line(b, $" Send advert after receive lower priority advert = {TF(!g.LowerPrioNoAdvert)}");
        Line(b, $" Send advert after receive higher priority advert = {TF(g.HigherPrioSendAdvert)}");
        Line(b, $" Gratuitous ARP interval = {g.GarpInterval.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        Line(b, $" Gratuitous NA interval = {g.GnaInterval.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        Line(b, $" VRRP default protocol version = {N(g.VrrpVersion)}");
        Line(b, $" VRRP check unicast_src = {TF(g.CheckUnicastSrc)}");
        Line(b, $" VRRP skip check advert addresses = {TF(g.SkipCheckAdvAddr)}");
        Line(b, $" VRRP strict mode = {TF(g.VrrpStrict)}");
        Line(b, $" Script security {(g.EnableScriptSecurity ? "enabled" : "disabled")}");
        Line(b, $" rs_init_notifies = {(g.RsInitNotifies ? 1 : 0)}");
    }

    private static void Instance(StringBuilder b, InstanceReport i, VrrpInstanceConfig c, KeepAliveConfig config)
    {
        var g = config.Globals;
        bool strict = c.StrictMode || g.VrrpStrict;
        var group = config.SyncGroups.FirstOrDefault(s => s.Members.Contains(i.Name));
        Line(b, $" VRRP Instance = {i.Name}");
        Line(b, $"   VRRP Version = {N(i.Version)}");
        if (group is not null)
            Line(b, $"   Sync group = {group.Name}");
        if (i.Family == AddressFamily.InterNetworkV6)
            Line(b, "   Using Native IPv6");
        Line(b, $"   State = {KeepalivedText.StateName(i.State)}");
        if (i.State == VrrpState.Backup)
        {
            Line(b, $"   Master router = {i.MasterAddress?.ToString() ?? (i.Family == AddressFamily.InterNetworkV6 ? "::" : "0.0.0.0")}");
            Line(b, $"   Master priority = {N(Math.Max(0, i.MasterPriority))}");
            if (i.Version == 3)
                Line(b, $"   Master advert int = {(i.MasterAdverIntervalMicros / 1e6).ToString("F2", CultureInfo.InvariantCulture)} sec");
        }
        if (c.IsUnicast)
        {
            Line(b, "   Flags:");
            Line(b, "     Using unicast");
        }
        else
        {
            Line(b, "   Flags: none");
        }
        Line(b, $"   Wantstate = {KeepalivedText.StateName(i.State)}");
        Line(b, $"   Number of config faults = {(i.ConfigFault is null ? 0 : 1)}");
        Line(b, $"   Number of interface and track script faults = {N(i.Trackers.Count(t => t.Faulting))}");
        if (i.LastTransition is { } t)
            Line(b, $"   Last transition = {KeepalivedText.EpochMicros(t.At)} ({KeepalivedText.CtimeMicros(t.At)})");
        Line(b, $"   Interface = {i.Interface}");
        Line(b, $"   Using src_ip = {i.Source}{(c.SourceAddress is null ? "" : " (from configuration)")}");
        if (!c.IsUnicast)
        {
            var group4 = c.McastDestination ?? (i.Family == AddressFamily.InterNetworkV6 ? g.McastGroup6 : g.McastGroup4);
            Line(b, $"   Multicast address {group4}");
        }
        Line(b, $"   Gratuitous ARP delay = {Secs(c.GarpMasterDelay)}");
        Line(b, $"   Gratuitous ARP repeat = {N(c.GarpMasterRepeat)}");
        Line(b, $"   Gratuitous ARP refresh = {Secs(c.GarpMasterRefresh)}");
        Line(b, $"   Gratuitous ARP refresh repeat = {N(c.GarpMasterRefreshRepeat)}");
        Line(b, $"   Gratuitous ARP lower priority delay = {Secs(c.GarpLowerPrioDelay)}");
        Line(b, $"   Gratuitous ARP lower priority repeat = {N(c.GarpLowerPrioRepeat)}");
        Line(b, $"   Down timer adverts = {N(c.DownTimerAdverts)}");
        Line(b, $"   Send advert after receive lower priority advert = {TF(!c.LowerPrioNoAdvert)}");
        Line(b, $"   Send advert after receive higher priority advert = {TF(c.HigherPrioSendAdvert)}");
        Line(b, $"   Virtual Router ID = {N(i.Vrid)}");
        Line(b, $"   Priority = {N(i.Priority)}");
        Line(b, $"   Effective priority = {N(i.EffectivePriority)}");
        Line(b, $"   Total priority = {N(i.Priority == 255 ? 255 : i.Priority + i.Trackers.Sum(x => x.Contribution))}");
        Line(b, i.Version == 2
            ? $"   Advert interval = {N(i.AdvertIntervalMicros / 1_000_000)} sec"
            : $"   Advert interval = {N(i.AdvertIntervalMicros / 1000)} milli-sec");
        if (i.State == VrrpState.Backup && i.Version == 3)
            Line(b, $"   Master advert interval = {N(i.MasterAdverIntervalMicros / 1000)} milli-sec");
        Line(b, $"   Accept = {((c.Accept ?? !strict) ? "enabled" : "disabled")}");
        Line(b, $"   Preempt = {(c.Nopreempt ? "disabled" : "enabled")}");
        if (c.PreemptDelay > TimeSpan.Zero)
            Line(b, $"   Preempt delay = {KeepalivedText.G(c.PreemptDelay.TotalSeconds)} secs");
        Line(b, $"   Promote_secondaries = {(c.PromoteSecondaries ? "enabled" : "disabled")}");
        if (c.Authentication is { } auth)
        {
            Line(b, $"   Authentication type = {(auth.Type == AuthType.Ah ? "IPSEC_AH" : "SIMPLE_PASSWORD")}");
            if (auth.Type != AuthType.Ah)
                Line(b, $"   Password = {auth.Password}");
        }
        else if (i.Version == 2)
        {
            Line(b, "   Authentication type = none");
        }
        bool set = i.State == VrrpState.Master;
        if (!c.VirtualIpAddresses.IsEmpty)
        {
            Line(b, $"   Virtual IP ({N(c.VirtualIpAddresses.Count)}):");
            foreach (var a in c.VirtualIpAddresses)
                Line(b, "     " + KeepalivedText.Address(a, i.Interface, set));
        }
        if (!c.ExcludedIpAddresses.IsEmpty)
        {
            Line(b, "   Virtual IP Excluded :");
            foreach (var a in c.ExcludedIpAddresses)
                Line(b, "     " + KeepalivedText.Address(a, i.Interface, set));
        }
        if (c.IsUnicast)
        {
            if (c.UnicastTtl is int ttl)
                Line(b, $"   Unicast TTL = {N(ttl)}");
            Line(b, $"   Check unicast src : {((c.CheckUnicastSrc || g.CheckUnicastSrc) ? "yes" : "no")}");
            Line(b, "   Unicast Peer :");
            foreach (var p in c.UnicastPeers)
                Line(b, $"     {p.Address}{(p.MinTtl is null ? "" : $" min_ttl {p.MinTtl}")}{(p.MaxTtl is null ? "" : $" max_ttl {p.MaxTtl}")}");
        }
        Line(b, $"   Using smtp notification = {((c.SmtpAlert ?? g.SmtpAlertVrrp ?? g.SmtpAlert ?? false) ? "yes" : "no")}");
        Line(b, $"   Notify deleted = {(c.NotifyDeletedSet ? "Deleted" : "Fault")}");
        Line(b, $"   Notify priority changes = {TF(c.NotifyPriorityChanges ?? g.VrrpNotifyPriorityChanges)}");
        // KeepAlive's own facts, under names keepalived does not use.
        Line(b, $"   KeepAlive election = {i.Explanation}");
        foreach (var tracker in i.Trackers)
            Line(b, $"   KeepAlive tracker {tracker.Kind} {tracker.Name} = {N(tracker.Contribution)}{(tracker.Faulting ? " (fault)" : "")}");
        foreach (var (reason, count) in i.Discards)
            Line(b, $"   KeepAlive discards {StatusJsonFormatter.Snake(reason.ToString())} = {N(count)}");
    }

    private static void Group(StringBuilder b, SyncGroupReport g, NodeStatusReport report, KeepAliveConfig config)
    {
        var members = report.Instances.Where(i => g.Members.Contains(i.Name)).ToList();
        Line(b, $" VRRP Sync Group = {g.Name}, {KeepalivedText.StateName(g.State)}");
        Line(b, $"   Num member fault {N(members.Count(m => m.State == VrrpState.Fault))}, num member init {N(members.Count(m => m.State == VrrpState.Initialize))}");
        if (g.Members.Length > 0)
        {
            Line(b, "   VRRP member instances :");
            foreach (var m in g.Members)
                Line(b, "     " + m);
        }
        var c = config.SyncGroups.FirstOrDefault(s => s.Name == g.Name);
        var globals = config.Globals;
        Line(b, $"   Using smtp notification = {((c?.SmtpAlert ?? globals.SmtpAlertVrrp ?? globals.SmtpAlert ?? false) ? "yes" : "no")}");
    }

    private static string TF(bool value) => value ? "true" : "false";

    private static string OnOff(bool? value) => value is null ? "unset" : value.Value ? "on" : "off";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Secs(TimeSpan t) => N((long)t.TotalSeconds);

    private static void Line(StringBuilder b, string text) => b.Append(text).Append('\n');
}
