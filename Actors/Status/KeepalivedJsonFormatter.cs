using System.Globalization;
using System.Text;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Status;

/// <summary>
/// keepalived.json (the JSON signal) as keepalived 2.2.7's vrrp_json.c writes it: one line, an array of
/// <c>{"data":{…},"stats":{…}}</c> per instance in configuration order, keepalived's field names and order, numbers
/// printed as it prints them (<c>%f</c> for last_transition, <c>%g</c> for intervals), and <c>/</c> escaped as
/// <c>\/</c> like its json writer. Notify scripts and tracking arrays, which keepalived 2.2.7 writes only in some
/// builds, are left out. Pure.
/// </summary>
public static class KeepalivedJsonFormatter
{
    public static string Format(NodeStatusReport report, KeepAliveConfig config)
    {
        var b = new StringBuilder("[");
        bool first = true;
        foreach (var i in report.Instances)
        {
            var c = config.VrrpInstances.FirstOrDefault(v => v.Name == i.Name);
            if (c is null)
                continue;                                            // not in this configuration (reloaded meanwhile)
            if (!first)
                b.Append(',');
            first = false;
            b.Append("{\"data\":{");
            Data(new Fields(b), i, c, config.Globals);
            b.Append("},\"stats\":{");
            var f = new Fields(b);
            foreach (var (name, value) in i.Stats.Named())
                f.Raw(name, value.ToString(CultureInfo.InvariantCulture));
            b.Append("}}");
        }
        return b.Append("]\n").ToString();
    }

    private static void Data(Fields f, InstanceReport i, VrrpInstanceConfig c, GlobalDefs g)
    {
        bool strict = c.StrictMode || g.VrrpStrict;
        f.String("iname", i.Name);
        f.Int("dont_track_primary", c.DontTrackPrimary ? 1 : 0);
        f.Int("skip_check_adv_addr", c.SkipCheckAdvAddr || g.SkipCheckAdvAddr ? 1 : 0);
        f.Int("strict_mode", strict ? 1 : 0);
        f.String("vmac_ifname", c.UseVmac is null ? "" : c.UseVmac.Name ?? $"vrrp.{i.Vrid}");
        f.String("ifp_ifname", i.Interface);
        f.Int("master_priority", Math.Max(0, i.MasterPriority));
        f.Raw("last_transition", i.LastTransition is null ? "0.000000" : KeepalivedText.EpochMicros(i.LastTransition.At));
        f.Raw("garp_delay", KeepalivedText.G(c.GarpMasterDelay.TotalSeconds));
        f.Int("garp_refresh", (long)c.GarpMasterRefresh.TotalSeconds);
        f.Int("garp_rep", c.GarpMasterRepeat);
        f.Int("garp_refresh_rep", c.GarpMasterRefreshRepeat);
        f.Int("garp_lower_prio_delay", (long)c.GarpLowerPrioDelay.TotalSeconds);
        f.Int("garp_lower_prio_rep", c.GarpLowerPrioRepeat);
        f.Int("lower_prio_no_advert", c.LowerPrioNoAdvert ? 1 : 0);
        f.Int("higher_prio_send_advert", c.HigherPrioSendAdvert ? 1 : 0);
        f.Int("vrid", i.Vrid);
        f.Int("base_priority", i.Priority);
        f.Int("effective_priority", i.EffectivePriority);
        f.Raw("vipset", i.State == VrrpState.Master ? "true" : "false");
        f.Raw("promote_secondaries", c.PromoteSecondaries ? "true" : "false");
        f.Raw("adver_int", KeepalivedText.G(i.AdvertIntervalMicros / 1e6));
        f.Raw("master_adver_int", KeepalivedText.G(i.MasterAdverIntervalMicros / 1e6));
        f.Int("accept", c.Accept ?? !strict ? 1 : 0);
        f.Raw("nopreempt", c.Nopreempt ? "true" : "false");
        f.Int("preempt_delay", (long)c.PreemptDelay.TotalSeconds);
        f.Int("state", KeepalivedText.StateNumber(i.State));
        f.Int("wantstate", KeepalivedText.StateNumber(i.State));
        f.Int("version", i.Version);
        f.Raw("smtp_alert", c.SmtpAlert ?? g.SmtpAlertVrrp ?? g.SmtpAlert ?? false ? "true" : "false");
        f.Raw("notify_deleted", c.NotifyDeletedSet ? "true" : "false");
        bool set = i.State == VrrpState.Master;
        f.Array("vips", c.VirtualIpAddresses.Select(a => KeepalivedText.Address(a, i.Interface, set)));
        if (!c.ExcludedIpAddresses.IsEmpty)
            f.Array("evips", c.ExcludedIpAddresses.Select(a => KeepalivedText.Address(a, i.Interface, set)));
        f.Int("auth_type", c.Authentication is null ? 0 : (int)c.Authentication.Type);
        if (c.Authentication is { Type: AuthType.Pass } auth)
            f.String("auth_data", auth.Password);
    }

    /// <summary>Comma-separated <c>"name":value</c> pairs.</summary>
    private sealed class Fields(StringBuilder b)
    {
        private bool _any;

        public void Raw(string name, string value)
        {
            if (_any)
                b.Append(',');
            _any = true;
            JsonString(b, name);
            b.Append(':').Append(value);
        }

        public void Int(string name, long value) => Raw(name, value.ToString(CultureInfo.InvariantCulture));

        public void String(string name, string value)
        {
            var s = new StringBuilder();
            JsonString(s, value);
            Raw(name, s.ToString());
        }

        public void Array(string name, IEnumerable<string> values)
        {
            var s = new StringBuilder("[");
            bool first = true;
            foreach (var v in values)
            {
                if (!first)
                    s.Append(',');
                first = false;
                JsonString(s, v);
            }
            Raw(name, s.Append(']').ToString());
        }
    }

    /// <summary>keepalived's json_writer escaping: <c>" \ /</c>, the named control escapes, other controls as \uXXXX.</summary>
    public static void JsonString(StringBuilder b, string value)
    {
        b.Append('"');
        foreach (char ch in value)
        {
            switch (ch)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '/': b.Append("\\/"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (ch < 0x20)
                        b.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        b.Append(ch);
                    break;
            }
        }
        b.Append('"');
    }
}
