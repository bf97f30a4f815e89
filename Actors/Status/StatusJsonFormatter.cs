using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Status;

/// <summary>
/// The <c>/status</c> document: a <see cref="NodeStatusReport"/> as JSON with snake_case names (System.Text.Json's
/// writer, so any string is escaped correctly). Secrets (authentication passwords) are never part of it. Pure.
/// </summary>
public static class StatusJsonFormatter
{
    public static string Format(NodeStatusReport report)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("at", report.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteStartArray("instances");
            foreach (var i in report.Instances)
                Instance(w, i);
            w.WriteEndArray();
            w.WriteStartArray("sync_groups");
            foreach (var g in report.SyncGroups)
            {
                w.WriteStartObject();
                w.WriteString("name", g.Name);
                w.WriteString("state", KeepalivedText.StateName(g.State));
                w.WriteStartArray("members");
                foreach (var m in g.Members)
                    w.WriteStringValue(m);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("sockets");
            foreach (var io in report.Io)
            {
                w.WriteStartObject();
                w.WriteString("name", io.Child);
                w.WriteString("interface", io.Interface);
                w.WriteString("family", Family(io.Family));
                w.WriteBoolean("multicast", io.Multicast);
                w.WriteString("protocol", io.Protocol);
                w.WriteNumber("received", io.Received);
                w.WriteNumber("absorbed", io.Absorbed);
                w.WriteNumber("sent", io.Sent);
                w.WriteNumber("send_failures", io.SendFailures);
                Discards(w, io.Discards);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (report.Effector is { } e)
            {
                w.WriteStartObject("effector");
                w.WriteNumber("applied", e.Applied);
                w.WriteNumber("failed", e.Failed);
                w.WriteStartObject("held_addresses");
                foreach (var (owner, count) in e.HeldAddresses)
                    w.WriteNumber(owner, count);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("effector");
            }
            w.WriteStartArray("virtual_servers");
            foreach (var vs in report.VirtualServers)
                VirtualServer(w, vs);
            w.WriteEndArray();
            w.WriteStartArray("missing");
            foreach (var m in report.Missing)
                w.WriteStringValue(m);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void Instance(Utf8JsonWriter w, InstanceReport i)
    {
        w.WriteStartObject();
        w.WriteString("name", i.Name);
        w.WriteNumber("vrid", i.Vrid);
        w.WriteString("family", Family(i.Family));
        w.WriteString("interface", i.Interface);
        w.WriteString("state", KeepalivedText.StateName(i.State));
        w.WriteNumber("priority", i.Priority);
        w.WriteNumber("effective_priority", i.EffectivePriority);
        w.WriteStartArray("trackers");
        foreach (var t in i.Trackers)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("kind", t.Kind);
            w.WriteNumber("contribution", t.Contribution);
            w.WriteBoolean("faulting", t.Faulting);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (i.MasterAddress is null)
            w.WriteNull("master_address");
        else
            w.WriteString("master_address", i.MasterAddress.ToString());
        if (i.LastTransition is { } t2)
        {
            w.WriteStartObject("last_transition");
            w.WriteString("from", KeepalivedText.StateName(t2.From));
            w.WriteString("to", KeepalivedText.StateName(t2.To));
            w.WriteString("reason", Snake(t2.Reason.ToString()));
            w.WriteString("at", Time(t2.At));
            w.WriteNumber("at_monotonic_us", t2.AtMonotonicMicros);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("last_transition");
        }
        w.WriteStartArray("peers");
        foreach (var p in i.Peers)
        {
            w.WriteStartObject();
            w.WriteString("address", p.Address.ToString());
            w.WriteNumber("priority", p.Priority);
            w.WriteNumber("interval", p.IntervalCentiseconds / 100.0);
            w.WriteString("checksum", Snake(p.Checksum.ToString()));
            if (p.TtlOrHopLimit < 0)
                w.WriteNull("ttl");
            else
                w.WriteNumber("ttl", p.TtlOrHopLimit);
            w.WriteString("at", Time(p.At));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("explanation", i.Explanation);
        Discards(w, i.Discards);
        w.WriteStartObject("stats");
        foreach (var (name, value) in i.Stats.Named())
            w.WriteNumber(name, value);
        w.WriteEndObject();
        w.WriteNumber("transitions", i.Transitions);
        w.WriteNumber("adverts_paced", i.AdvertsPaced);
        w.WriteEndObject();
    }

    private static void VirtualServer(Utf8JsonWriter w, VirtualServerReport vs)
    {
        w.WriteStartObject();
        w.WriteString("name", vs.Name);
        w.WriteString("display", vs.Display);
        if (vs.Address is null)
            w.WriteNull("address");
        else
            w.WriteString("address", vs.Address.ToString());
        w.WriteNumber("port", vs.Port);
        w.WriteString("protocol", vs.Protocol);
        w.WriteBoolean("quorum_up", vs.QuorumUp);
        w.WriteBoolean("sorry_active", vs.SorryActive);
        w.WriteBoolean("suspended", vs.Suspended);
        w.WriteNumber("failed_ipvs_ops", vs.FailedOps);
        w.WriteStartArray("real_servers");
        foreach (var rs in vs.RealServers)
        {
            w.WriteStartObject();
            w.WriteString("address", rs.Address.ToString());
            w.WriteNumber("port", rs.Port);
            w.WriteBoolean("healthy", rs.Healthy);
            w.WriteNumber("weight", rs.Weight);
            w.WriteBoolean("in_pool", rs.InPool);
            w.WriteBoolean("sorry", rs.IsSorry);
            w.WriteStartArray("checkers");
            foreach (var c in rs.Checkers)
            {
                w.WriteStartObject();
                w.WriteString("checker", c.Checker);
                w.WriteBoolean("up", c.Up);
                if (c.LastSuccess is { } success)
                {
                    w.WriteStartObject("last_check");
                    w.WriteBoolean("success", success);
                    w.WriteString("result", c.LastResult);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("last_check");
                }
                w.WriteNumber("passed", c.Passed);
                w.WriteNumber("failed", c.Failed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Discards<TReason>(Utf8JsonWriter w, IEnumerable<KeyValuePair<TReason, long>> discards)
        where TReason : struct, Enum
    {
        w.WriteStartObject("discards");
        foreach (var (reason, count) in discards)
            w.WriteNumber(Snake(reason.ToString()), count);
        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>"ipv4" or "ipv6".</summary>
    public static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";

    /// <summary>PascalCase to snake_case ("MasterDown" → "master_down", "BadTtl" → "bad_ttl").</summary>
    public static string Snake(string pascal)
    {
        var b = new StringBuilder(pascal.Length + 8);
        for (int k = 0; k < pascal.Length; k++)
        {
            char c = pascal[k];
            if (char.IsUpper(c))
            {
                if (k > 0)
                    b.Append('_');
                b.Append(char.ToLowerInvariant(c));
            }
            else
            {
                b.Append(c);
            }
        }
        return b.ToString();
    }
}
