using System.Text;
using System.Text.RegularExpressions;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Whether one url's response passes, in keepalived 2.2.7's order (check_http.c <c>http_handle_response</c>): some
/// data (a complete head) was received; the status is one of the url's <c>status_code</c> ranges (200-299 when none
/// is given); the body's MD5 equals <c>digest</c> when one is set; the body matches <c>regex</c> (or does not, with
/// <c>regex_no_match</c>) when one is set. Returns null when it passes, else the reason.
/// </summary>
public static class HttpUrlVerdict
{
    public static string? Judge(HttpUrl url, HttpDigest response, Regex? regex)
    {
        if (!response.HeadComplete)
            return response.HeadTooLong
                ? $"no end of the HTTP head within its first {HttpDigest.HeadLimit} bytes (keepalived's buffer): no data received"
                : "no data received";
        if (!StatusAccepted(url.StatusCodes, response.StatusCode))
            return $"HTTP status code error: got {Status(response.StatusCode)}, expected {Ranges(url.StatusCodes)}";
        if (url.Digest is { } expected)
        {
            var actual = response.Digest();
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                return $"MD5 digest error: got {actual}, expected {expected.ToLowerInvariant()}";
        }
        if (regex is not null)
        {
            bool matched;
            try
            {
                matched = regex.IsMatch(Encoding.Latin1.GetString(response.KeptBody));
            }
            catch (RegexMatchTimeoutException)
            {
                return $"regex '{url.Regex}' took too long on the body";
            }
            if (matched == url.RegexNoMatch)
                return url.RegexNoMatch ? $"regex '{url.Regex}' matched the body (regex_no_match)" : $"regex '{url.Regex}' did not match the body";
        }
        return null;
    }

    /// <summary>keepalived's status test: within 100..599 and in one of the ranges.</summary>
    public static bool StatusAccepted(ValueList<(int From, int To)> ranges, int status)
    {
        if (status is < 100 or > 599)
            return false;
        foreach (var (from, to) in ranges)
            if (status >= from && status <= to)
                return true;
        return false;
    }

    private static string Status(int status) => status == 0 ? "no readable status line" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Ranges(ValueList<(int From, int To)> ranges) =>
        string.Join(",", ranges.Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}"));
}
