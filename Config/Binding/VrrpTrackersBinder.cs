using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>Binds vrrp_script, track_file (alias vrrp_track_file), vrrp_track_process and vrrp_sync_group blocks.</summary>
public static class VrrpTrackersBinder
{
    private const long MaxSeconds = uint.MaxValue / 1_000_000L;

    public sealed class ScriptDraft
    {
        public required VrrpScriptConfig Value;
    }

    public static KeywordTable<ScriptDraft> ScriptTable { get; } = new KeywordTable<ScriptDraft>()
        .On("script", (d, n, c) => d.Value = d.Value with { Script = c.Values.ScriptWithoutUser(n, optional: false) ?? d.Value.Script })
        .On("interval", (d, n, c) =>
        {
            if (!c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s, "the interval stays 1 s"))
                return;
            if (s == 0)
                c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, "an interval of 0", "1 second"));
            d.Value = d.Value with { Interval = TimeSpan.FromSeconds(Math.Max(1, s)) };
        })
        .On("timeout", (d, n, c) =>
        {
            if (!c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s, "the timeout stays the interval"))
                return;
            if (s == 0)
                c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, "a timeout of 0", "1 second"));
            d.Value = d.Value with { Timeout = TimeSpan.FromSeconds(Math.Max(1, s)) };
        })
        .On("weight", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a weight -253..253") is not { } tok)
                return;
            if (!long.TryParse(tok.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var w))
            {
                c.Report(BinderCodes.InvalidNumber.At(tok.Span, n.Name, tok.Text, "; weight 0 is used"));
                return;
            }
            if (w is < -253 or > 253)
            {
                // keepalived reports the range error but still stores the value (vrrp_parser.c); the tracking code then
                // clamps the resulting priority to 1..254.
                c.Report(BinderCodes.OutOfRange.At(tok.Span, n.Name, tok.Text, "-253..253", "; keepalived still uses it"));
                w = Math.Clamp(w, int.MinValue, int.MaxValue);
            }
            bool reverse = false;
            if (n.Arguments.Length > 1)
            {
                if (n.Arguments[1].Text == "reverse")
                    reverse = true;
                else
                    c.Report(BinderCodes.UnknownOption.At(n.Arguments[1].Span, n.Name, n.Arguments[1].Text, " (only 'reverse')"));
            }
            d.Value = d.Value with { Weight = (int)w, WeightReverse = reverse };
        })
        .On("rise", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, int.MaxValue, out var v, "rise 1 is used"))
                d.Value = d.Value with { Rise = (int)v };
        })
        .On("fall", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, int.MaxValue, out var v, "fall 1 is used"))
                d.Value = d.Value with { Fall = (int)v };
        })
        .On("user", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "a user name", out var u))
                return;
            c.Values.NoMoreThan(n, 2, "a user and an optional group");
            d.Value = d.Value with { User = u, Group = n.Arguments.Length > 1 ? n.Arguments[1].Text : null };
        })
        .On("init_fail", (d, n, c) => d.Value = d.Value with { InitFail = true });

    public static VrrpScriptConfig? BindScript(SyntaxNode block, BindContext c)
    {
        if (c.BlockName(block) is not { } name)
            return null;
        var d = new ScriptDraft { Value = new VrrpScriptConfig { Name = name, Origin = new Origin(block.Span) } };
        var other = new List<RawSetting>();
        ScriptTable.Bind(d, block.Children, c, other);
        if (d.Value.Script is null)
        {
            c.Report(BinderCodes.RequiredMissing.At(block.CloseSpan, "vrrp_script", name, "'script'", "the script is removed, as keepalived does"));
            return null;
        }
        return d.Value;
    }

    public sealed class FileDraft
    {
        public required TrackFileConfig Value;
    }

    public static KeywordTable<FileDraft> FileTable { get; } = new KeywordTable<FileDraft>()
        .On("file", (d, n, c) =>
        {
            if (c.Values.TryString(n, "a file path", out var f))
                d.Value = d.Value with { File = f };
        })
        .On("weight", (d, n, c) =>
        {
            if (WeightReverse(n, c) is var (w, reverse))
                d.Value = d.Value with { Weight = w, WeightReverse = reverse };
        })
        .On("init_file", (d, n, c) =>
        {
            long value = 0;
            bool overwrite = false;
            foreach (var a in n.Arguments)
            {
                if (a.Text == "overwrite")
                    overwrite = true;
                else if (c.Values.TryInt(n.Name, a, int.MinValue, int.MaxValue, out var v, "0 is used"))
                    value = v;
            }
            d.Value = d.Value with { InitFile = true, InitValue = value, InitOverwrite = overwrite };
        });

    /// <summary><c>weight N [reverse]</c> of track_file and vrrp_track_process: N in -254..254.</summary>
    private static (int Weight, bool Reverse)? WeightReverse(SyntaxNode n, BindContext c)
    {
        if (!c.Values.TryInt(n, 0, -254, 254, out var w, "weight 1 is used"))
            return null;
        bool reverse = n.Arguments.Length > 1 && n.Arguments[1].Text == "reverse";
        if (n.Arguments.Length > 1 && !reverse)
            c.Report(BinderCodes.UnknownOption.At(n.Arguments[1].Span, n.Name, n.Arguments[1].Text, " (only 'reverse')"));
        return ((int)w, reverse);
    }

    public static TrackFileConfig? BindTrackFile(SyntaxNode block, BindContext c)
    {
        if (c.BlockName(block) is not { } name)
            return null;
        var d = new FileDraft { Value = new TrackFileConfig { Name = name, Origin = new Origin(block.Span) } };
        FileTable.Bind(d, block.Children, c, null);
        if (d.Value.File is null)
        {
            c.Report(BinderCodes.RequiredMissing.At(block.CloseSpan, "track_file", name, "'file'", "it is removed, as keepalived does"));
            return null;
        }
        return d.Value;
    }

    public sealed class ProcessDraft
    {
        public required TrackProcessConfig Value;
        public SyntaxNode? QuorumMaxNode;
    }

    public static KeywordTable<ProcessDraft> ProcessTable { get; } = new KeywordTable<ProcessDraft>()
        .On("process", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "a process name", out var p))
                return;
            d.Value = d.Value with { Process = p, Arguments = n.Arguments.Skip(1).Select(a => a.Text).ToValueList() };
        })
        .On("param_match", (d, n, c) =>
        {
            var mode = n.Arguments.Length > 0 ? n.Arguments[0].Text : "exact";
            if (mode is not ("initial" or "partial" or "exact"))
            {
                c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, mode, "initial or partial", "; exact matching is used"));
                mode = "exact";
            }
            d.Value = d.Value with { ParamMatch = mode };
        })
        .On("weight", (d, n, c) =>
        {
            if (WeightReverse(n, c) is var (w, reverse))
                d.Value = d.Value with { Weight = w, WeightReverse = reverse };
        })
        .On("quorum", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 65535, out var q, "quorum 1 is used"))
                d.Value = d.Value with { Quorum = (int)q };
        })
        .On("quorum_max", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, 65535, out var q))
            {
                d.Value = d.Value with { QuorumMax = (int)q };
                d.QuorumMaxNode = n;
            }
        })
        .On("delay", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1, 3600_000_000, out var t))
                d.Value = d.Value with { ForkDelay = t, TerminateDelay = t };
        })
        .On("fork_delay", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1, 3600_000_000, out var t))
                d.Value = d.Value with { ForkDelay = t };
        })
        .On("terminate_delay", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1, 3600_000_000, out var t))
                d.Value = d.Value with { TerminateDelay = t };
        })
        .On("full_command", (d, n, c) => d.Value = d.Value with { FullCommand = true });

    public static TrackProcessConfig? BindTrackProcess(SyntaxNode block, BindContext c)
    {
        if (c.BlockName(block) is not { } name)
            return null;
        var d = new ProcessDraft { Value = new TrackProcessConfig { Name = name, Origin = new Origin(block.Span) } };
        ProcessTable.Bind(d, block.Children, c, null);
        if (d.Value.Process is null)
        {
            c.Report(BinderCodes.RequiredMissing.At(block.CloseSpan, "vrrp_track_process", name, "'process'", "it is removed, as keepalived does"));
            return null;
        }
        if (d.Value.QuorumMax is { } max && max < d.Value.Quorum)
        {
            c.Report(BinderCodes.InvalidValue.At((d.QuorumMaxNode ?? block).Span, "quorum_max", max.ToString(System.Globalization.CultureInfo.InvariantCulture), $"below quorum {d.Value.Quorum}", "; quorum_max ignored"));
            d.Value = d.Value with { QuorumMax = null };
        }
        return d.Value;
    }

    public sealed class GroupDraft
    {
        public required SyncGroupConfig Value;
        public bool GroupSeen;
        public readonly List<RawSetting> Other = new();
    }

    public static KeywordTable<GroupDraft> GroupTable { get; } = new KeywordTable<GroupDraft>()
        .On("group", (d, n, c) =>
        {
            if (d.GroupSeen)
            {
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is given twice in one sync group: the second list is ignored"));
                return;
            }
            d.GroupSeen = true;
            var members = new List<string>();
            foreach (var line in n.Values)
                foreach (var w in line)
                {
                    if (members.Contains(w.Text))
                        c.Report(BinderCodes.DuplicateName.At(w.Span, "sync group member", w.Text, w.Span, "listed once"));
                    else
                        members.Add(w.Text);
                }
            d.Value = d.Value with { Members = members.ToValueList() };
        })
        .On("track_interface", (d, n, c) => d.Value = d.Value with { TrackInterfaces = TrackingBinder.Bind(n, c, d.Value.TrackInterfaces) })
        .On("track_script", (d, n, c) => d.Value = d.Value with { TrackScripts = TrackingBinder.Bind(n, c, d.Value.TrackScripts) })
        .On("track_file", (d, n, c) => d.Value = d.Value with { TrackFiles = TrackingBinder.Bind(n, c, d.Value.TrackFiles) })
        .On("track_process", (d, n, c) => d.Value = d.Value with { TrackProcesses = TrackingBinder.Bind(n, c, d.Value.TrackProcesses) })
        .On("notify_master", (d, n, c) => d.Value = d.Value with { NotifyMaster = c.Values.Script(n) ?? d.Value.NotifyMaster })
        .On("notify_backup", (d, n, c) => d.Value = d.Value with { NotifyBackup = c.Values.Script(n) ?? d.Value.NotifyBackup })
        .On("notify_fault", (d, n, c) => d.Value = d.Value with { NotifyFault = c.Values.Script(n) ?? d.Value.NotifyFault })
        .On("notify_stop", (d, n, c) => d.Value = d.Value with { NotifyStop = c.Values.Script(n) ?? d.Value.NotifyStop })
        .On("notify", (d, n, c) => d.Value = d.Value with { Notify = c.Values.Script(n) ?? d.Value.Notify })
        .On("smtp_alert", (d, n, c) => { if (c.Values.TryOptionalBool(n, out var b)) d.Value = d.Value with { SmtpAlert = b }; })
        .On("notify_priority_changes", (d, n, c) => { if (c.Values.TryOptionalBool(n, out var b)) d.Value = d.Value with { NotifyPriorityChanges = b }; })
        .On("sync_group_tracking_weight", (d, n, c) => d.Value = d.Value with { SyncGroupTrackingWeight = true })
        .On("global_tracking", (d, n, c) =>
        {
            c.Report(BinderCodes.DeprecatedUse.At(n.KeywordToken.Span, n.Name, "global_tracking is deprecated; use group-level track_* (read as sync_group_tracking_weight)"));
            d.Value = d.Value with { SyncGroupTrackingWeight = true };
        });

    public static SyncGroupConfig? BindSyncGroup(SyntaxNode block, BindContext c)
    {
        if (c.BlockName(block) is not { } name)
            return null;
        var d = new GroupDraft { Value = new SyncGroupConfig { Name = name, Origin = new Origin(block.Span) } };
        GroupTable.Bind(d, block.Children, c, d.Other);
        return d.Value with { Other = d.Other.ToValueList() };
    }
}
