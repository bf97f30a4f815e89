using System.Text;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>keepalived 2.2.7 check_smtp.c smtp_get_line_cb and smtp_get_status.</summary>
public class SmtpReplyTests
{
    [Theory]
    [InlineData("220 mail.example.com ESMTP", 220)]
    [InlineData("220", 220)]
    [InlineData("250 hello", 250)]
    [InlineData("220-first line of a multi-line banner", -1)]
    [InlineData("220\r", -1)] // a bare code with CRLF: the CR follows the code
    [InlineData("220 ready\r", 220)]
    [InlineData(" 220 x", -1)]
    [InlineData("22 x", -1)]
    [InlineData("2200 x", -1)]
    [InlineData("", -1)]
    [InlineData("abc", -1)]
    public void Status_is_three_characters_then_a_space_or_the_end(string line, int expected) =>
        Assert.Equal(expected, SmtpReply.Status(line));

    private static string? Feed(SmtpReply reply, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var room = reply.NextRead();
        Assert.True(bytes.Length <= room.Length);
        bytes.CopyTo(room);
        return reply.Commit(bytes.Length);
    }

    [Fact]
    public void A_line_arrives_in_pieces_and_ends_at_the_newline()
    {
        var reply = new SmtpReply();
        Assert.Null(Feed(reply, "220 mai"));
        Assert.Equal("220 mail\r", Feed(reply, "l\r\n250 next"));
    }

    [Fact]
    public void A_full_buffer_without_newline_is_cleared_and_reading_goes_on()
    {
        var reply = new SmtpReply();
        Assert.Null(Feed(reply, new string('x', SmtpReply.BufferSize - 1)));
        Assert.Equal(SmtpReply.BufferSize - 1, reply.NextRead().Length);
        Assert.Equal("220 ok", Feed(reply, "220 ok\n"));
    }

    [Fact]
    public void A_nul_byte_hides_the_newline_after_it()
    {
        var reply = new SmtpReply();
        Assert.Null(Feed(reply, "220\0 ok\n"));
    }

    [Fact]
    public void Helo_is_keepalived_command_cut_to_its_buffer()
    {
        Assert.Equal("HELO smtpchecker.keepalived.org\r\n", Encoding.UTF8.GetString(SmtpReply.Helo("smtpchecker.keepalived.org")));
        Assert.Equal(SmtpReply.BufferSize - 1, SmtpReply.Helo(new string('h', 600)).Length);
    }
}
