namespace KeepAlive.Controller.Tests.Status;

/// <summary>The test parser is strict: it accepts the format's own examples and refuses every malformed line.</summary>
public class PrometheusTextParserTests
{
    private const string Good = """
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"} 3 1395066363000
        # A comment.
        # TYPE msdos_file_access_time_seconds gauge
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
        # TYPE h histogram
        h_bucket{le="0.05"} 24054
        h_bucket{le="0.1"} 33444
        h_bucket{le="+Inf"} 144320
        h_sum 53423
        h_count 144320

        """;

    [Fact]
    public void The_format_s_own_example_parses()
    {
        var f = PrometheusTextParser.Parse(Good);
        Assert.Equal(["http_requests_total", "msdos_file_access_time_seconds", "h"], f.Keys);
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", f["msdos_file_access_time_seconds"].Samples[0].Labels["error"]);
        Assert.Equal(5, f["h"].Samples.Count);
    }

    [Theory]
    [InlineData("# TYPE a counter\na 1")]                                          // no final line feed
    [InlineData("# TYPE a counter\r\na 1\r\n")]                                     // CRLF
    [InlineData("a 1\n")]                                                           // no TYPE
    [InlineData("a 1\n# TYPE a counter\n")]                                         // TYPE after samples
    [InlineData("# TYPE a counter\n# TYPE a counter\na 1\n")]                       // TYPE twice
    [InlineData("# TYPE a counter\n# HELP a x\n# HELP a y\na 1\n")]                 // HELP twice
    [InlineData("# TYPE a countr\na 1\n")]                                          // unknown type
    [InlineData("# TYPE 1a counter\n1a 1\n")]                                       // bad name
    [InlineData("# TYPE a counter\na{b=\"1\" 1\n")]                                 // unterminated label set
    [InlineData("# TYPE a counter\na{b=1} 1\n")]                                    // unquoted value
    [InlineData("# TYPE a counter\na{b=\"x\\t\"} 1\n")]                             // bad escape
    [InlineData("# TYPE a counter\na{b=\"1\",b=\"2\"} 1\n")]                        // duplicate label
    [InlineData("# TYPE a counter\na{1b=\"1\"} 1\n")]                               // bad label name
    [InlineData("# TYPE a counter\na{__b=\"1\"} 1\n")]                              // reserved label name
    [InlineData("# TYPE a counter\na one\n")]                                       // not a float
    [InlineData("# TYPE a counter\na 1 2 3\n")]                                     // too many fields
    [InlineData("# TYPE a counter\na\n")]                                           // no value
    [InlineData("# TYPE a counter\na -1\n")]                                        // negative counter
    [InlineData("# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na 2\n")]                 // not contiguous
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n")]   // no +Inf
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")]   // not cumulative
    [InlineData("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")]  // bounds not increasing
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n")]                         // +Inf ≠ count
    [InlineData("# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n")]                                      // bucket without le
    [InlineData("# TYPE g gauge\ng{le=\"1\"} 1\n")]                                                           // le outside a histogram
    public void Malformed_expositions_are_refused(string text) => Assert.Throws<FormatException>(() => PrometheusTextParser.Parse(text));
}
