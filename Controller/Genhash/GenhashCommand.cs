using System.Diagnostics;
using System.Net;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Controller.Genhash;

/// <summary>
/// genhash (<c>genhash …</c>, or <c>keepalive -T|--genhash …</c>): fetches one url the way HTTP_GET/SSL_GET does
/// (<see cref="HttpExchange"/>, the same code as the checker) and prints the MD5 of the body to paste into a
/// <c>digest</c>. As keepalived 2.2.7 check_genhash.c: the status code is not judged; a failed exchange prints
/// keepalived's own words for it (<c>Error connecting</c>, <c>Timeout HTTP read</c>...) on stdout; an answer without
/// a complete head prints <c>no data received from remote webserver</c> on stderr; all of these exit 0, only a
/// usage error exits 1.
/// </summary>
public static class GenhashCommand
{
    private const string Rule = "-----------------------[";
    private const string RuleEnd = "]-----------------------\n";

    /// <summary>Runs genhash; returns the exit code.</summary>
    /// <param name="args">What follows the program name or -T.</param>
    /// <param name="program">The name the usage shows.</param>
    /// <param name="amGenhash">Invoked as <c>genhash</c> (the usage then omits " --genhash").</param>
    /// <param name="stdout">Where the digest goes.</param>
    /// <param name="stderr">Where usage and "no data" go.</param>
    /// <param name="sockets">Where sockets are made (the process's namespace by default).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, string program, bool amGenhash, TextWriter stdout, TextWriter stderr, ProbeSocketFactory? sockets = null)
    {
        // check_genhash_parse_cmdline: "Trivial sanity check" — nothing (or one word) to work with is a usage error.
        if (args.Count < (amGenhash ? 2 : 1))
            return Usage(stderr, program, amGenhash, null);
        var (options, error) = GenhashOptions.Parse(args);
        if (options is null)
            return Usage(stderr, program, amGenhash, error);

        var endpoint = new ProbeEndpoint(new IPEndPoint(options.Server, options.Port), null, null, options.Fwmark, options.Timeout);
        var request = new HttpExchangeRequest(endpoint, options.Url, options.Protocol, HttpCheckTarget.HostHeader(options.Virtualhost, endpoint.Remote),
            options.Ssl ? SslClientSettings.Anonymous : null, options.Sni ? options.Virtualhost : null);
        using var response = new HttpDigest(options.Verbose ? int.MaxValue : 0);
        // keepalived bounds each step only; our overall bound is three of its longest steps (about 3.5 hours).
        using var deadline = new ExchangeDeadline(options.Timeout, GenhashOptions.DefaultTimeout * 3, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var result = await HttpExchange.RunAsync(request, sockets ?? ProbeSockets.Tcp, deadline, response).ConfigureAwait(false);
        watch.Stop();

        if (options.Verbose && response.HeadComplete)
            WriteVerbose(stdout, response);
        if (result.Failure is not null)
            stdout.Write(result.KeepalivedMessage + "\n");
        else if (!response.HeadComplete)
            stderr.Write("no data received from remote webserver\n");
        else
            stdout.Write(response.Digest() + "\n");
        if (options.Verbose)
            stdout.Write($"\nGlobal response time for [{options.Url}] = {(long)watch.Elapsed.TotalMicroseconds} usecs\n");
        stdout.Flush();
        return 0;
    }

    private static int Usage(TextWriter stderr, string program, bool amGenhash, string? error)
    {
        if (error is not null)
            stderr.Write(error + "\n");
        GenhashOptions.WriteUsage(stderr, program, amGenhash);
        return KeepAliveCli.UsageError;
    }

    /// <summary>keepalived's -v sections: the head in hex and as text, the hashed body in hex, the hash. keepalived
    /// restarts the body dump's offsets at each read; we dump the body as one buffer.</summary>
    private static void WriteVerbose(TextWriter stdout, HttpDigest response)
    {
        stdout.Write(Rule + "    HTTP Header Buffer    " + RuleEnd);
        stdout.Write(HexDump.Format(response.Head));
        stdout.Write(Rule + " HTTP Header Ascii Buffer " + RuleEnd);
        stdout.Write(System.Text.Encoding.Latin1.GetString(response.Head) + "\n");
        var body = response.KeptBody;
        if (response.ContentLength != HttpResponseHead.NoContentLength && (ulong)body.Length > response.ContentLength)
            body = body[..(int)response.ContentLength];
        if (!body.IsEmpty)
        {
            stdout.Write(Rule + "        HTML Buffer        " + RuleEnd);
            stdout.Write(HexDump.Format(body));
        }
        stdout.Write("\n" + Rule + "    HTML hash resulting    " + RuleEnd);
        stdout.Write(HexDump.Format(Convert.FromHexString(response.Digest())));
        stdout.Write(Rule + " HTML hash final resulting " + RuleEnd);
    }
}
