using KeepAlive.Config.Binding;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Binding;

/// <summary>Reads, parses and binds in-memory text (no validation), for the LVS binder tests.</summary>
internal static class LvsTestBind
{
    public const string Path = "/etc/keepalived/keepalived.conf";

    public static BindResult Bind(string text)
    {
        var read = ConfigReader.Read(Path, new InMemoryConfigSource().Add(Path, text));
        var parsed = Parser.Parse(read.Lines);
        return ConfigBinder.Bind(parsed.Tree);
    }

    public static VirtualServerConfig SingleVs(this BindResult r) => Assert.Single(r.Config.VirtualServers);

    public static RealServerConfig SingleRs(this BindResult r) => Assert.Single(r.SingleVs().RealServers);

    public static T SingleChecker<T>(this BindResult r) where T : CheckerConfig =>
        Assert.IsType<T>(Assert.Single(r.SingleRs().Checkers));

    public static IEnumerable<Diagnostic> WithCode(this BindResult r, DiagnosticDescriptor d) =>
        r.Diagnostics.Where(x => x.Descriptor == d);

    public static bool Has(this BindResult r, DiagnosticDescriptor d, string fragment) =>
        r.Diagnostics.Any(x => x.Descriptor == d && x.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>A virtual server around <paramref name="body"/>, with the settings whose absence is reported.</summary>
    public static string Vs(string body, string head = "10.0.0.1 80") => $$"""
        virtual_server {{head}} {
            lb_algo rr
            lb_kind NAT
            protocol TCP
        {{body}}
        }
        """;
}
