using System.Globalization;
using System.Net;
using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller.Genhash;

/// <summary>
/// genhash's command line (keepalived 2.2.7 check_genhash.c <c>check_genhash_parse_cmdline</c>): <c>-s</c> server
/// (an IP address), <c>-p</c> port, <c>-u</c> url are required; <c>-S</c> TLS, <c>-I</c> SNI (the name of
/// <c>-V</c>), <c>-V</c> virtualhost, <c>-P</c> 1.0|1.0c|1.1, <c>-m</c> fwmark, <c>-t</c> timeout in whole
/// seconds (none: keepalived's UINT_MAX microseconds, about 71 minutes; kept in its 32-bit microseconds), <c>-v</c> verbose, <c>-h</c> help.
/// A later <c>-u</c> replaces an earlier one, as keepalived checks the last url given.
/// </summary>
public sealed record GenhashOptions(IPAddress Server, int Port, string Url, bool Ssl, bool Sni, string? Virtualhost, string Protocol, uint? Fwmark, TimeSpan Timeout, bool Verbose)
{
    /// <summary>keepalived's connection_to when -t is not given: UINT_MAX microseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMicroseconds(uint.MaxValue);

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new('h', "help", OptionArgument.None, "Display this short inlined help screen."),
        new('v', "verbose", OptionArgument.None, "Use verbose mode output."),
        new('S', "use-ssl", OptionArgument.None, "Use SSL connection to remote server."),
        new('I', "use-sni", OptionArgument.None, "Use SNI during SSL handshake (uses virtualhost setting; see -V)."),
        new('s', "server", OptionArgument.Required, "Use the specified remote server address."),
        new('V', "use-virtualhost", OptionArgument.Required, "Use the specified virtualhost in GET query."),
        new('p', "port", OptionArgument.Required, "Use the specified remote server port."),
        new('u', "url", OptionArgument.Required, "Use the specified remote server url."),
        new('m', "fwmark", OptionArgument.Required, "Use the specified FW mark."),
        new('P', "protocol", OptionArgument.Required, "Use the specified HTTP protocol - '1.0', 1.0c', '1.1'."),
        new('t', "timeout", OptionArgument.Required, "Timeout in seconds"),
    ];

    /// <summary>The options after the program name (genhash) or after <c>-T</c>. Null with no error means "print the
    /// usage" (help, too few arguments, a required option missing); an error is printed before the usage.</summary>
    public static (GenhashOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var parsed = OptionParser.Parse(args, Specs);
        if (parsed.Error is not null)
            return (null, parsed.Error);
        if (parsed.Operands.Count > 0)
            return (null, "Unexpected argument(s): " + string.Join(' ', parsed.Operands));
        if (parsed.Has("help"))
            return (null, null);
        IPAddress? server = null;
        int? port = null;
        uint? fwmark = null;
        string protocol = "1.0";
        var timeout = DefaultTimeout;
        foreach (var (option, value) in parsed.Given)
        {
            switch (option.Long)
            {
                case "server":
                    if (!IPAddress.TryParse(value, out server))
                        return (null, $"server should be an IP, not {value}");
                    break;
                case "port":
                    if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) || p is <= 0 or > 65535)
                        return (null, $"invalid port number '{value}'");
                    port = p;
                    break;
                case "fwmark":
                    if (!TryUnsigned(value!, out var mark))
                        return (null, $"invalid fwmark '{value}'");
                    fwmark = mark == 0 ? null : mark;
                    break;
                case "protocol":
                    protocol = value switch
                    {
                        "1.0" => "1.0",
                        "1.0c" or "1.0C" => "1.0C",
                        "1.1" => "1.1",
                        _ => string.Empty,
                    };
                    if (protocol.Length == 0)
                        return (null, $"invalid HTTP protocol version '{value}'");
                    break;
                case "timeout":
                    if (!TryUnsigned(value!, out var seconds))
                        return (null, $"invalid timeout '{value}'");
                    // keepalived multiplies into its unsigned 32-bit microseconds, wrapping: -t 5000 is 705 s there.
                    timeout = TimeSpan.FromMicroseconds(unchecked((uint)(seconds * 1_000_000UL)));
                    break;
            }
        }
        var url = parsed.Value("url");
        if (server is null || port is null || url is null)
            return (null, null);
        return (new GenhashOptions(server, port.Value, url, parsed.Has("use-ssl"), parsed.Has("use-sni"), parsed.Value("use-virtualhost"), protocol, fwmark, timeout, parsed.Has("verbose")), null);
    }

    /// <summary>keepalived's reading of -m and -t: blanks skipped, then decimal digits only (no sign).</summary>
    private static bool TryUnsigned(string text, out uint value)
    {
        var trimmed = text.TrimStart(' ', '\t');
        value = 0;
        return trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit) && uint.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>genhash_usage, word for word.</summary>
    public static void WriteUsage(TextWriter w, string program, bool amGenhash)
    {
        w.Write($"Usage: {program}{(amGenhash ? "" : " --genhash")} COMMAND [OPTIONS]\n"
            + "Commands:\n"
            + "   -s server-address -p port -u url\n"
            + "   -S -s server-address -p port -u url\n"
            + "   -h\n\n");
        w.Write("Options:\n"
            + "Either long or short options are allowed.\n"
            + "   --use-ssl         -S       Use SSL connection to remote server.\n"
            + "   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).\n"
            + "   --server          -s       Use the specified remote server address.\n"
            + "   --port            -p       Use the specified remote server port.\n"
            + "   --url             -u       Use the specified remote server url.\n"
            + "   --use-virtualhost -V       Use the specified virtualhost in GET query.\n"
            + "   --verbose         -v       Use verbose mode output.\n"
            + "   --help            -h       Display this short inlined help screen.\n"
            + "   --fwmark          -m       Use the specified FW mark.\n"
            + "   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.\n"
            + "                                1.0c means 1.0 with 'Connection: close'\n"
            + "   --timeout         -t       Timeout in seconds\n");
    }
}
