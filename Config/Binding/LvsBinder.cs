using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>What the LVS binders may look up among the root blocks read so far (keepalived resolves track_file
/// names while parsing, so only blocks written above count).</summary>
public sealed record LvsScope(IReadOnlyList<TrackFileConfig> TrackFiles, IReadOnlyList<VirtualServerGroupConfig> Groups);

/// <summary>The root LVS keywords: virtual_server, virtual_server_group and SSL (check_parser.c).</summary>
public static class LvsBinder
{
    /// <summary>Adds the LVS root keywords to the root table.</summary>
    public static void Register(KeywordTable<ConfigBinder.Draft> table)
    {
        table.On("virtual_server", (d, n, c) =>
        {
            if (VirtualServerBinder.Bind(n, new LvsScope(d.TrackFiles, d.VirtualServerGroups), c) is { } vs)
                d.VirtualServers.Add(vs);
        });
        table.On("virtual_server_group", (d, n, c) =>
            ConfigBinder.AddNamed(d.VirtualServerGroups, VirtualServerGroupBinder.Bind(n, c), g => g.Name, g => g.Origin, "virtual_server_group", c));
        table.On("SSL", (d, n, c) =>
        {
            if (d.Value.Ssl is { } previous)
                c.Report(BinderCodes.DuplicateName.At(n.KeywordToken.Span, "block", "SSL", previous.Origin.Span, "keepalived replaces the first one with this one"));
            d.Value = d.Value with { Ssl = BindSsl(n, c) };
        });
    }

    private sealed class SslDraft
    {
        public string? Password, Ca, Certificate, Key;
        public readonly Dictionary<string, SourceSpan> Seen = new(StringComparer.Ordinal);
    }

    private static readonly KeywordTable<SslDraft> SslTable = new KeywordTable<SslDraft>()
        .On("password", (d, n, c) => SslFile(d, n, c, v => d.Password = v))
        .On("ca", (d, n, c) => SslFile(d, n, c, v => d.Ca = v))
        .On("certificate", (d, n, c) => SslFile(d, n, c, v => d.Certificate = v))
        .On("key", (d, n, c) => SslFile(d, n, c, v => d.Key = v));

    /// <summary>handle_ssl_file: a missing value is reported and the line ignored; a second value replaces the first.</summary>
    private static void SslFile(SslDraft d, SyntaxNode n, BindContext c, Action<string> set)
    {
        if (c.Values.OptionalArg(n, 0, n.Name == "password" ? "a password" : "a file name") is not { } v)
            return;
        c.Values.NoMoreThan(n, 1, "one value");
        if (d.Seen.TryGetValue(n.Name, out var first))
            c.Report(BinderCodes.DuplicateName.At(n.KeywordToken.Span, "SSL setting", n.Name, first, "keepalived replaces the first value with this one"));
        d.Seen[n.Name] = n.KeywordToken.Span;
        set(v.Text);
    }

    private static SslConfig BindSsl(SyntaxNode n, BindContext c)
    {
        var d = new SslDraft();
        SslTable.Bind(d, n.Children, c, null);
        return new SslConfig(d.Password, d.Ca, d.Certificate, d.Key, new Origin(n.Span));
    }
}
