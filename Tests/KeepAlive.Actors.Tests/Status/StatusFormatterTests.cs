using System.Text.Json;
using KeepAlive.Actors.Status;
using KeepAlive.Actors.Vrrp;
using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests.Status;

/// <summary>The pure formatters: /status JSON field names and escaping, Prometheus escaping and histograms,
/// keepalived's time and address text; none of them uses Akka.</summary>
public class StatusFormatterTests
{
    [Fact]
    public void Status_json_has_the_documented_snake_case_fields()
    {
        using var doc = JsonDocument.Parse(StatusJsonFormatter.Format(SampleReports.Full()));
        var i = doc.RootElement.GetProperty("instances")[0];
        Assert.Equal(
            ["name", "vrid", "family", "interface", "state", "priority", "effective_priority", "trackers", "master_address", "last_transition",
             "peers", "explanation", "discards", "stats", "transitions", "adverts_paced"],
            i.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("BACKUP", 100, 80, "10.0.0.2"), (i.GetProperty("state").GetString(), i.GetProperty("priority").GetInt32(), i.GetProperty("effective_priority").GetInt32(), i.GetProperty("master_address").GetString()));
        var t = i.GetProperty("trackers")[0];
        Assert.Equal(("chk \"x\"", "script", -20), (t.GetProperty("name").GetString(), t.GetProperty("kind").GetString(), t.GetProperty("contribution").GetInt32()));
        var lt = i.GetProperty("last_transition");
        Assert.Equal(("INIT", "BACKUP", "startup", "2026-11-25T13:40:35.2954210Z"), (lt.GetProperty("from").GetString(), lt.GetProperty("to").GetString(), lt.GetProperty("reason").GetString(), lt.GetProperty("at").GetString()));
        var p = i.GetProperty("peers")[0];
        Assert.Equal(("10.0.0.2", 150, 1.0, "pseudo_header", 255), (p.GetProperty("address").GetString(), p.GetProperty("priority").GetInt32(), p.GetProperty("interval").GetDouble(), p.GetProperty("checksum").GetString(), p.GetProperty("ttl").GetInt32()));
        Assert.Equal(2, i.GetProperty("discards").GetProperty("bad_ttl").GetInt64());
        Assert.Equal(2, i.GetProperty("stats").GetProperty("ip_ttl_err").GetInt64());
        var vs = doc.RootElement.GetProperty("virtual_servers")[0];
        Assert.Equal(["name", "display", "address", "port", "protocol", "quorum_up", "sorry_active", "suspended", "failed_ipvs_ops", "real_servers"],
            vs.EnumerateObject().Select(x => x.Name));
        var rs = vs.GetProperty("real_servers")[0];
        Assert.Equal(["address", "port", "healthy", "weight", "in_pool", "sorry", "checkers"], rs.EnumerateObject().Select(x => x.Name));
        var check = rs.GetProperty("checkers")[0];
        Assert.Equal(["checker", "up", "last_check", "passed", "failed"], check.EnumerateObject().Select(x => x.Name));
        Assert.Equal((false, "connection refused"), (check.GetProperty("last_check").GetProperty("success").GetBoolean(), check.GetProperty("last_check").GetProperty("result").GetString()));
        Assert.True(vs.GetProperty("real_servers")[1].GetProperty("sorry").GetBoolean());
        Assert.Equal("track-script-slow", doc.RootElement.GetProperty("missing")[0].GetString());
    }

    [Fact]
    public void An_ah_socket_is_told_apart_by_its_protocol_and_its_drops_count_as_keepalived_auth_failures()
    {
        var discards = System.Collections.Immutable.ImmutableSortedDictionary<KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard, long>.Empty
            .Add(KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard.AhBadIcv, 4).Add(KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard.AhReplay, 1);
        var full = SampleReports.Full();
        var report = full with
        {
            Io = [.. full.Io, new IoReport("io-eth0-v4-multicast-ah", "eth0", System.Net.Sockets.AddressFamily.InterNetwork, true, 7, 2, 0, discards) { Ah = true }],
        };

        using var doc = JsonDocument.Parse(StatusJsonFormatter.Format(report));
        Assert.Equal(["vrrp", "ah"], doc.RootElement.GetProperty("sockets").EnumerateArray().Select(x => x.GetProperty("protocol").GetString()));
        Assert.Equal(4, doc.RootElement.GetProperty("sockets")[1].GetProperty("discards").GetProperty("ah_bad_icv").GetInt64());
        var metrics = PrometheusFormatter.Format(report).Split('\n');
        Assert.Contains("keepalive_vrrp_socket_received_total{interface=\"eth0\",family=\"ipv4\",mode=\"multicast\",protocol=\"vrrp\"} 10", metrics);
        Assert.Contains("keepalive_vrrp_socket_received_total{interface=\"eth0\",family=\"ipv4\",mode=\"multicast\",protocol=\"ah\"} 7", metrics);
        Assert.Contains("keepalive_vrrp_socket_absorbed_total{interface=\"eth0\",family=\"ipv4\",mode=\"multicast\",protocol=\"vrrp\"} 6", metrics);
        Assert.Contains("keepalive_vrrp_socket_absorbed_total{interface=\"eth0\",family=\"ipv4\",mode=\"multicast\",protocol=\"ah\"} 0", metrics);
        Assert.Equal(6, doc.RootElement.GetProperty("sockets")[0].GetProperty("absorbed").GetInt64());
        Assert.Contains("keepalive_vrrp_socket_discards_total{interface=\"eth0\",family=\"ipv4\",mode=\"multicast\",protocol=\"ah\",reason=\"ah_replay\"} 1", metrics);
        const string rs = "virtual_server=\"vs-10.0.0.10-80-tcp\",address=\"10.0.0.21\",port=\"8080\"";
        Assert.Contains("keepalive_lvs_virtual_server_quorum_up{virtual_server=\"vs-10.0.0.10-80-tcp\"} 1", metrics);
        Assert.Contains($"keepalive_lvs_real_server_up{{{rs}}} 1", metrics);
        Assert.Contains($"keepalive_lvs_real_server_weight{{{rs}}} 3", metrics);
        Assert.Contains($"keepalive_lvs_checks_total{{{rs},checker=\"TCP_CHECK on [10.0.0.21]:8080\",result=\"failure\"}} 2", metrics);
        Assert.Contains($"keepalive_lvs_checks_total{{{rs},checker=\"TCP_CHECK on [10.0.0.21]:8080\",result=\"success\"}} 41", metrics);
        Assert.Contains(metrics, m => m.StartsWith($"keepalive_lvs_check_duration_seconds_count{{{rs},checker=", StringComparison.Ordinal));
        Assert.DoesNotContain(metrics, m => m.Contains("10.0.0.99", StringComparison.Ordinal));      // the sorry server is no real server
        Assert.Equal(5, VrrpInstanceStats.Zero.WithDiscards(discards).AuthFailure);
    }

    [Theory]
    [InlineData("VI \"quoted\" \\ back")]
    [InlineData("line\nbreak\u0001\u007f")]
    [InlineData("ünïcødé-实例")]
    [InlineData("</script>{}[]")]
    public void Any_instance_name_survives_json_and_prometheus(string name)
    {
        var report = SampleReports.Full(name);
        using var doc = JsonDocument.Parse(StatusJsonFormatter.Format(report));
        Assert.Equal(name, doc.RootElement.GetProperty("instances")[0].GetProperty("name").GetString());
        var metrics = PrometheusFormatter.Format(report);
        Assert.Contains($"instance=\"{PrometheusFormatter.EscapeLabelValue(name)}\"", metrics);
        Assert.All(metrics.Split('\n'), line => Assert.DoesNotContain('\r', line));
        Assert.Equal(metrics.Split('\n').Length, metrics.Replace("\\n", "").Split('\n').Length);   // no raw newline inside a sample
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", "two\\nlines")]
    public void Label_values_are_escaped_as_the_text_format_requires(string raw, string escaped) =>
        Assert.Equal(escaped, PrometheusFormatter.EscapeLabelValue(raw));

    [Fact]
    public void Histograms_are_cumulative_with_inf_sum_and_count()
    {
        var metrics = PrometheusFormatter.Format(SampleReports.Full()).Split('\n');
        var buckets = metrics.Where(l => l.StartsWith("keepalive_timer_lateness_seconds_bucket")).ToList();
        Assert.Equal(LatencyHistogram.DefaultBounds.Length + 1, buckets.Count);
        var counts = buckets.Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..])).ToList();
        Assert.Equal(counts.Order(), counts);                                          // cumulative: never decreasing
        Assert.EndsWith("{le=\"+Inf\"} 1", buckets[^1]);
        Assert.Contains("keepalive_timer_lateness_seconds_bucket{le=\"0.0005\"} 1", buckets);
        Assert.Contains("keepalive_timer_lateness_seconds_bucket{le=\"0.00025\"} 0", buckets);
        Assert.Contains("keepalive_timer_lateness_seconds_count 1", metrics);
        Assert.Contains(metrics, l => l.StartsWith("keepalive_kernel_op_duration_seconds_bucket{op=\"add_address\",le=\"0.00025\"} 1"));
    }

    [Theory]
    [InlineData(VrrpState.Initialize, 0)]
    [InlineData(VrrpState.Backup, 1)]
    [InlineData(VrrpState.Master, 2)]
    [InlineData(VrrpState.Fault, 3)]
    [InlineData(VrrpState.Stopped, 4)]
    public void The_state_gauge_uses_the_documented_codes(VrrpState state, int code)
    {
        Assert.Equal(code, PrometheusFormatter.Code(state));
        var report = SampleReports.Full() with { Instances = [SampleReports.Instance(state: state)] };
        Assert.Contains($"keepalive_vrrp_state{{instance=\"VI_1\",vrid=\"51\",family=\"ipv4\",interface=\"eth0\"}} {code}", PrometheusFormatter.Format(report));
    }

    [Fact]
    public void Keepalived_time_text_is_ctime_with_microseconds()
    {
        Assert.Equal("1795614035.295421", KeepalivedText.EpochMicros(SampleReports.At));
        Assert.Equal("Wed Nov 25 13:40:35.295421 2026", KeepalivedText.CtimeMicros(SampleReports.At));
        Assert.Equal("Sun Mar  1 00:00:00.000000 2026", KeepalivedText.CtimeMicros(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_stats_dump_zeroes_show_and_reflect_the_report()
    {
        var text = KeepalivedStatsFormatter.Format(SampleReports.Full());
        Assert.StartsWith("VRRP Instance: VI_1\n  Advertisements:\n    Received: 5\n    Sent: 0\n", text);
        Assert.Contains("  Packet Errors:\n    Length: 0\n    TTL: 2\n", text);
        Assert.Equal(19, text.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Formatters_and_explanations_use_no_akka()
    {
        var pure = Types.InAssembly(typeof(PrometheusFormatter).Assembly).That().HaveNameEndingWith("Formatter")
            .Or().HaveName(nameof(KeepalivedText)).Or().HaveName(nameof(MetricCatalog)).Or().HaveName(nameof(LatencyHistogram))
            .Or().HaveName(nameof(ElectionExplanation)).Or().HaveName(nameof(KeepalivedLogText)).Or().HaveName(nameof(InstanceObservations))
            .Or().HaveName(nameof(NodeStatusReport)).Or().HaveName(nameof(InstanceReport));
        Assert.True(pure.GetTypes().Count() >= 12);
        var result = pure.ShouldNot().HaveDependencyOn("Akka").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
