using System.Globalization;
using System.Text;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Status;

/// <summary>
/// <c>/metrics</c> in the Prometheus text exposition format 0.0.4: for each family of <see cref="MetricCatalog"/>, one
/// <c># HELP</c> and one <c># TYPE</c> line, then its samples; label values escaped (<c>\\</c>, <c>\"</c>,
/// <c>\n</c>); histograms as cumulative <c>_bucket{le}</c>, <c>_sum</c> and <c>_count</c>. Pure.
/// </summary>
public static class PrometheusFormatter
{
    /// <summary>The Content-Type of the output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(NodeStatusReport report)
    {
        var w = new Writer();
        var instances = report.Instances;
        w.Family(MetricCatalog.VrrpState, instances, (i, s) => s(Labels(i), Code(i.State)));
        w.Family(MetricCatalog.VrrpPriority, instances, (i, s) => s(Labels(i), i.Priority));
        w.Family(MetricCatalog.VrrpEffectivePriority, instances, (i, s) => s(Labels(i), i.EffectivePriority));
        w.Family(MetricCatalog.VrrpTrackerContribution, instances, (i, s) =>
        {
            foreach (var t in i.Trackers)
                s([.. Labels(i), ("tracker", t.Name), ("kind", t.Kind)], t.Contribution);
        });
        w.Family(MetricCatalog.VrrpTransitions, instances, (i, s) => s(Labels(i), i.Transitions));
        w.Family(MetricCatalog.VrrpBecameMaster, instances, (i, s) => s(Labels(i), i.Totals.BecomeMaster));
        w.Family(MetricCatalog.VrrpReleasedMaster, instances, (i, s) => s(Labels(i), i.Totals.ReleaseMaster));
        w.Family(MetricCatalog.VrrpAdvertsSent, instances, (i, s) => s(Labels(i), i.Totals.AdvertSent));
        w.Family(MetricCatalog.VrrpAdvertsReceived, instances, (i, s) => s(Labels(i), i.Totals.AdvertRcvd));
        w.Family(MetricCatalog.VrrpPriorityZeroSent, instances, (i, s) => s(Labels(i), i.Totals.PriZeroSent));
        w.Family(MetricCatalog.VrrpPriorityZeroReceived, instances, (i, s) => s(Labels(i), i.Totals.PriZeroRcvd));
        w.Family(MetricCatalog.VrrpDiscards, instances, (i, s) =>
        {
            foreach (var (reason, count) in i.Discards)
                s([.. Labels(i), ("reason", StatusJsonFormatter.Snake(reason.ToString()))], count);
        });
        w.Family(MetricCatalog.SocketReceived, report.Io, (io, s) => s(Labels(io), io.Received));
        w.Family(MetricCatalog.SocketAbsorbed, report.Io, (io, s) => s(Labels(io), io.Absorbed));
        w.Family(MetricCatalog.SocketSent, report.Io, (io, s) => s(Labels(io), io.Sent));
        w.Family(MetricCatalog.SocketSendFailures, report.Io, (io, s) => s(Labels(io), io.SendFailures));
        w.Family(MetricCatalog.SocketDiscards, report.Io, (io, s) =>
        {
            foreach (var (reason, count) in io.Discards)
                s([.. Labels(io), ("reason", StatusJsonFormatter.Snake(reason.ToString()))], count);
        });
        w.Family(MetricCatalog.SyncGroupState, report.SyncGroups, (g, s) => s([("group", g.Name)], Code(g.State)));
        var effector = report.Effector is null ? [] : new[] { report.Effector };
        w.Family(MetricCatalog.KernelOps, effector, (e, s) =>
        {
            s([("result", "applied")], e.Applied);
            s([("result", "failed")], e.Failed);
        });
        w.Histograms(MetricCatalog.KernelOpDuration, report.Effector?.OpDurations.Select(p => ((IReadOnlyList<(string, string)>)[("op", p.Key)], p.Value)) ?? []);
        w.Histograms(MetricCatalog.TimerLateness, report.TimerLateness is null ? [] : [([], report.TimerLateness)]);
        w.Family(MetricCatalog.VirtualServerQuorumUp, report.VirtualServers, (vs, s) => s([("virtual_server", vs.Name)], vs.QuorumUp ? 1 : 0));
        w.Family(MetricCatalog.VirtualServerSorryActive, report.VirtualServers, (vs, s) => s([("virtual_server", vs.Name)], vs.SorryActive ? 1 : 0));
        w.Family(MetricCatalog.VirtualServerFailedOps, report.VirtualServers, (vs, s) => s([("virtual_server", vs.Name)], vs.FailedOps));
        var realServers = report.VirtualServers.SelectMany(vs => vs.RealServers.Where(rs => !rs.IsSorry).Select(rs => (vs, rs))).ToList();
        w.Family(MetricCatalog.RealServerHealthy, realServers, (x, s) => s(Labels(x.vs, x.rs), x.rs.Healthy ? 1 : 0));
        w.Family(MetricCatalog.RealServerWeight, realServers, (x, s) => s(Labels(x.vs, x.rs), x.rs.Weight));
        w.Family(MetricCatalog.RealServerInPool, realServers, (x, s) => s(Labels(x.vs, x.rs), x.rs.InPool ? 1 : 0));
        var checkers = realServers.SelectMany(x => x.rs.Checkers.Select(c => (x.vs, x.rs, c))).ToList();
        w.Family(MetricCatalog.Checks, checkers, (x, s) =>
        {
            s([.. Labels(x.vs, x.rs), ("checker", x.c.Checker), ("result", "success")], x.c.Passed);
            s([.. Labels(x.vs, x.rs), ("checker", x.c.Checker), ("result", "failure")], x.c.Failed);
        });
        w.Histograms(MetricCatalog.CheckDuration, checkers.Select(x => ((IReadOnlyList<(string, string)>)[.. Labels(x.vs, x.rs), ("checker", x.c.Checker)], x.c.Durations)));
        w.Family(MetricCatalog.MissingChildren, [report], (r, s) => s([], r.Missing.Length));
        return w.ToString();
    }

    /// <summary>The state as the gauge's number: 0 init, 1 backup, 2 master, 3 fault, 4 stopped.</summary>
    public static int Code(VrrpState state) => state switch
    {
        VrrpState.Initialize => 0,
        VrrpState.Backup => 1,
        VrrpState.Master => 2,
        VrrpState.Fault => 3,
        _ => 4,
    };

    private static (string, string)[] Labels(InstanceReport i) =>
        [("instance", i.Name), ("vrid", i.Vrid.ToString(CultureInfo.InvariantCulture)), ("family", StatusJsonFormatter.Family(i.Family)), ("interface", i.Interface)];

    private static (string, string)[] Labels(IoReport io) =>
        [("interface", io.Interface), ("family", StatusJsonFormatter.Family(io.Family)), ("mode", io.Multicast ? "multicast" : "unicast"), ("protocol", io.Protocol)];

    private static (string, string)[] Labels(VirtualServerReport vs, RealServerReport rs) =>
        [("virtual_server", vs.Name), ("address", rs.Address.ToString()), ("port", rs.Port.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A label value escaped for the text format: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    /// <summary>A help text escaped for the text format: backslash and line feed.</summary>
    public static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

    /// <summary>A sample value: integers as such, +Inf/-Inf/NaN spelled as the format wants, others round-trip.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Writer
    {
        private readonly StringBuilder _b = new();

        public void Family<T>(MetricFamily family, IEnumerable<T> items, Action<T, Action<IReadOnlyList<(string, string)>, double>> samples)
        {
            Header(family);
            foreach (var item in items)
                samples(item, (labels, value) => Sample(family.Name, labels, FormatValue(value)));
        }

        public void Histograms(MetricFamily family, IEnumerable<(IReadOnlyList<(string, string)> Labels, HistogramSnapshot Histogram)> series)
        {
            Header(family);
            foreach (var (labels, h) in series)
            {
                long cumulative = 0;
                for (int k = 0; k < h.UpperBounds.Length; k++)
                {
                    cumulative += h.Counts[k];
                    Sample(family.Name + "_bucket", [.. labels, ("le", FormatValue(h.UpperBounds[k]))], cumulative.ToString(CultureInfo.InvariantCulture));
                }
                long count = h.Count;
                Sample(family.Name + "_bucket", [.. labels, ("le", "+Inf")], count.ToString(CultureInfo.InvariantCulture));
                Sample(family.Name + "_sum", labels, FormatValue(h.SumSeconds));
                Sample(family.Name + "_count", labels, count.ToString(CultureInfo.InvariantCulture));
            }
        }

        private void Header(MetricFamily family)
        {
            _b.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            _b.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
        }

        private void Sample(string name, IReadOnlyList<(string Name, string Value)> labels, string value)
        {
            _b.Append(name);
            if (labels.Count > 0)
            {
                _b.Append('{');
                for (int k = 0; k < labels.Count; k++)
                {
                    if (k > 0)
                        _b.Append(',');
                    _b.Append(labels[k].Name).Append("=\"").Append(EscapeLabelValue(labels[k].Value)).Append('"');
                }
                _b.Append('}');
            }
            _b.Append(' ').Append(value).Append('\n');
        }

        public override string ToString() => _b.ToString();
    }
}
