using KeepAlive.Controller.Genhash;

namespace KeepAlive.Controller.Tests.Genhash;

/// <summary>keepalived 2.2.7 lib/utils.c dump_buffer, the hex dump of genhash -v.</summary>
public class HexDumpTests
{
    [Fact]
    public void Sixteen_bytes_a_line_with_offsets_and_text()
    {
        var dump = HexDump.Format("HTTP/1.0 200 OK\r\nServer: x\r\n"u8);
        Assert.Equal(
            "0000  48 54 54 50 2f 31 2e 30 - 20 32 30 30 20 4f 4b 0d   HTTP/1.0 200 OK.\n" +
            "0016  0a 53 65 72 76 65 72 3a - 20 78 0d 0a               .Server: x..    \n", dump);
    }

    [Fact]
    public void Nothing_dumps_as_nothing() => Assert.Equal(string.Empty, HexDump.Format([]));
}
