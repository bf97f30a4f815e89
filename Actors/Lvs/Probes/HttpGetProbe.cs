using System.Text.RegularExpressions;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// HTTP_GET and SSL_GET (keepalived 2.2.7 check_http.c, check_ssl.c): each url is fetched over a fresh connection
/// (<see cref="HttpExchange"/>) and judged by <see cref="HttpUrlVerdict"/>; the check passes when every url passes,
/// and reports the first that does not. A checker without urls passes (keepalived enables the server unchecked).
/// <para>keepalived fetches one url per <c>delay_loop</c> and calls the checker up after a full successful round; we
/// fetch all urls in one check, so the first up and every down come one round earlier — the verdict per url is the
/// same.</para>
/// </summary>
public sealed class HttpGetProbe : IHealthProbe
{
    /// <summary>Body bytes kept for a url's regex. keepalived matches PCRE2 over the streamed body; we match the first
    /// MiB, which covers any page a health check is written against.</summary>
    public const int RegexBodyLimit = 1 << 20;

    private readonly HttpCheckConfig _checker;
    private readonly ProbeEndpoint _endpoint;
    private readonly ProbeSocketFactory _sockets;
    private readonly IReadOnlyList<(HttpUrl Url, HttpExchangeRequest Request, Regex? Regex)> _urls;

    private HttpGetProbe(HttpCheckConfig checker, ProbeEndpoint endpoint, ProbeSocketFactory sockets, IReadOnlyList<(HttpUrl, HttpExchangeRequest, Regex?)> urls)
    {
        _checker = checker;
        _endpoint = endpoint;
        _sockets = sockets;
        _urls = urls;
    }

    public static IHealthProbe? TryCreate(HttpCheckConfig checker, ProbeContext context, out string? error) =>
        TryCreate(checker, context, ProbeSockets.Tcp, out error);

    /// <summary>As <see cref="TryCreate(HttpCheckConfig, ProbeContext, out string?)"/>, with the sockets made by
    /// <paramref name="sockets"/>. Fails when the SSL block's files cannot be loaded or a regex does not compile.</summary>
    public static IHealthProbe? TryCreate(HttpCheckConfig checker, ProbeContext context, ProbeSocketFactory sockets, out string? error)
    {
        var endpoint = ProbeEndpoint.TryFrom(checker.Common, context.RealServer, out error);
        if (endpoint is null)
            return null;
        SslClientSettings? tls = null;
        if (checker.Ssl && (tls = SslClientSettings.TryLoad(context.Ssl, out error)) is null)
            return null;
        var urls = new List<(HttpUrl, HttpExchangeRequest, Regex?)>();
        foreach (var url in checker.Urls)
        {
            var vhost = HttpCheckTarget.Virtualhost(url.Virtualhost, checker.Virtualhost, context.RealServer.Virtualhost, context.VirtualServer.Virtualhost);
            var sni = HttpCheckTarget.SniName(checker.EnableSni, url.Virtualhost, checker.Virtualhost, context.RealServer.Virtualhost, context.VirtualServer.Virtualhost);
            var request = new HttpExchangeRequest(endpoint, url.Path, checker.HttpProtocol, HttpCheckTarget.HostHeader(vhost, endpoint.Remote), tls, sni);
            Regex? regex = null;
            if (url.Regex is { } pattern)
            {
                try
                {
                    regex = new Regex(pattern, RegexOptions.CultureInvariant, endpoint.Timeout);
                }
                catch (ArgumentException e)
                {
                    error = $"url {url.Path}: regex '{pattern}' does not compile: {e.Message}";
                    return null;
                }
            }
            urls.Add((url, request, regex));
        }
        return new HttpGetProbe(checker, endpoint, sockets, urls);
    }

    public string Describe => $"{_checker.Kind} on {_endpoint.Label}";

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        foreach (var (url, request, regex) in _urls)
        {
            using var deadline = new ExchangeDeadline(_endpoint.Timeout, ExchangeDeadline.OverallFor(_endpoint.Timeout, _checker.Common.DelayLoop), cancellation);
            using var response = new HttpDigest(regex is null ? 0 : RegexBodyLimit);
            var result = await HttpExchange.RunAsync(request, _sockets, deadline, response).ConfigureAwait(false);
            var failure = result.Failure ?? HttpUrlVerdict.Judge(url, response, regex);
            if (failure is not null)
                return ProbeResult.Fail($"{_checker.Kind} url {url.Path} on {_endpoint.Label}: {failure}");
        }
        return ProbeResult.Pass(_urls.Count == 0
            ? $"{_checker.Kind} on {_endpoint.Label}: no url to check"
            : $"{_checker.Kind} on {_endpoint.Label}: {_urls.Count} url(s) passed");
    }

    public void Dispose()
    {
    }
}
