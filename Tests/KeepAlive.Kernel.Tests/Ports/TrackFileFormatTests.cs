using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>keepalived's track_file reading (strtol(buf, NULL, 0) on at most 127 bytes, then the −2³¹..2³¹ check) and
/// its init_file rule. The expected numbers and ERANGE cases were taken from glibc's own strtol (python ctypes).</summary>
public class TrackFileFormatTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("5", 5)]
    [InlineData("5\n", 5)]
    [InlineData("  42  ", 42)]
    [InlineData("\t\n\v\f\r-7", -7)]
    [InlineData("+9", 9)]
    [InlineData("-0", 0)]
    [InlineData("0x1F", 31)]
    [InlineData("0X1f\n", 31)]
    [InlineData("0x", 0)]
    [InlineData("0xg", 0)]
    [InlineData("010", 8)]
    [InlineData("0777", 511)]
    [InlineData("08", 0)]
    [InlineData("09", 0)]
    [InlineData("-0x10", -16)]
    [InlineData("abc", 0)]
    [InlineData("12abc", 12)]
    [InlineData("1 2", 1)]
    [InlineData("- 5", 0)]
    [InlineData("+-5", 0)]
    [InlineData("0b101", 0)]
    [InlineData("1\u00002", 1)]
    [InlineData("\u00a05", 0)]
    [InlineData("2147483647", 2147483647)]
    [InlineData("2147483648", 2147483648)]      // INT32_MAX + 1 is accepted (keepalived's check is off by one)
    [InlineData("-2147483648", -2147483648)]
    public void Numbers_are_read_as_strtol_base_0(string content, long expected)
    {
        Assert.Equal(TrackedFileReading.Number(expected), TrackFileFormat.Parse(Encoding.UTF8.GetBytes(content)));
    }

    [Theory]
    [InlineData("2147483649")]
    [InlineData("-2147483649")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]          // ERANGE
    [InlineData("-9223372036854775809")]         // ERANGE
    [InlineData("99999999999999999999999")]      // ERANGE
    [InlineData("0x8000000000000000")]           // ERANGE
    public void Numbers_out_of_range_are_invalid_and_ignored(string content)
    {
        Assert.Equal(TrackedFileReadingKind.Invalid, TrackFileFormat.Parse(Encoding.UTF8.GetBytes(content)).Kind);
    }

    [Fact]
    public void Only_the_first_127_bytes_count()
    {
        var spaces = new string(' ', 126);
        Assert.Equal(TrackedFileReading.Number(7), TrackFileFormat.Parse(Encoding.ASCII.GetBytes(spaces + "7")));
        Assert.Equal(TrackedFileReading.Number(0), TrackFileFormat.Parse(Encoding.ASCII.GetBytes(spaces + " 7")));
        Assert.Equal(TrackedFileReading.Number(12), TrackFileFormat.Parse(Encoding.ASCII.GetBytes(spaces[..125] + "123")));
    }

    [Fact]
    public void Init_writes_the_value_and_a_newline()
    {
        Assert.Equal("0\n", TrackFileFormat.Render(0));
        Assert.Equal("-254\n", TrackFileFormat.Render(-254));
        Assert.Equal("2147483647\n", TrackFileFormat.Render(int.MaxValue));
    }

    [Theory]
    // exists, regular, overwrite → action
    [InlineData(false, false, false, TrackFileInitAction.Write)]
    [InlineData(false, false, true, TrackFileInitAction.Write)]
    [InlineData(true, true, false, TrackFileInitAction.None)]
    [InlineData(true, false, false, TrackFileInitAction.None)]
    [InlineData(true, true, true, TrackFileInitAction.Write)]
    [InlineData(true, false, true, TrackFileInitAction.NotRegular)]
    public void Init_creates_a_missing_file_and_overwrites_only_a_regular_one_when_asked(bool exists, bool regular, bool overwrite, TrackFileInitAction expected)
    {
        Assert.Equal(expected, TrackFileFormat.DecideInit(new TrackedFileInit(5, overwrite), exists, regular));
    }
}
