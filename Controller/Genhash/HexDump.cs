using System.Text;

namespace KeepAlive.Controller.Genhash;

/// <summary>keepalived 2.2.7 lib/utils.c <c>dump_buffer</c>, the hex dump of genhash -v: 16 bytes a line, a four-digit
/// decimal offset, bytes as <c>%3.2x</c>, " -" after the eighth, then the printable characters.</summary>
public static class HexDump
{
    public static string Format(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        int padded = data.Length % 16 == 0 ? data.Length : data.Length + 16 - data.Length % 16;
        for (int i = 0; i < padded; i++)
        {
            if (i % 16 == 0)
                sb.Append((i & 0xffff).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
            sb.Append(i < data.Length ? $"{data[i],3:x2}" : "   ");
            if ((i + 1) % 8 != 0)
                continue;
            if ((i + 1) % 16 != 0)
            {
                sb.Append(" -");
                continue;
            }
            sb.Append("   ");
            for (int j = i - 15; j <= i; j++)
                sb.Append(j < data.Length ? (data[j] is >= 0x20 and <= 0x7e ? (char)data[j] : '.') : ' ');
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
