using System.Buffers;
using System.Security.Cryptography;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Reads an HTTP response as it streams in and keeps what keepalived 2.2.7 judges it on (check_http.c
/// <c>http_process_response</c>): the head within the first <see cref="HeadLimit"/> bytes, its status and
/// Content-Length, and the MD5 of the body. The body is the raw bytes after the head — keepalived decodes no
/// transfer coding, so a chunked body is hashed with its chunk framing — cut at Content-Length when one is given
/// (bytes after it are counted, not hashed). Pure: bytes in, values out; never throws on any input.
/// </summary>
public sealed class HttpDigest : IDisposable
{
    /// <summary>keepalived's receive buffer (MAX_BUFFER_LENGTH 4096, one byte kept for a NUL): a head longer than this
    /// is never found, and keepalived then reads nothing more and reports "no data received".</summary>
    public const int HeadLimit = 4095;

    private readonly byte[] _head = new byte[HeadLimit];
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly int _keepBody;
    private readonly ArrayBufferWriter<byte>? _kept;
    private int _headLength;

    /// <param name="keepBody">How many body bytes to keep for a regex (0: none).</param>
    public HttpDigest(int keepBody = 0)
    {
        _keepBody = keepBody;
        _kept = keepBody > 0 ? new ArrayBufferWriter<byte>() : null;
    }

    /// <summary>The head (status line and headers) has been received.</summary>
    public bool HeadComplete { get; private set; }

    /// <summary><see cref="HeadLimit"/> bytes arrived without the end of the head: keepalived stops reading here.</summary>
    public bool HeadTooLong => !HeadComplete && _headLength == HeadLimit;

    /// <summary>Status code as keepalived reads it (0 when unreadable); meaningful once <see cref="HeadComplete"/>.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Content-Length, or <see cref="HttpResponseHead.NoContentLength"/>.</summary>
    public ulong ContentLength { get; private set; } = HttpResponseHead.NoContentLength;

    /// <summary>Some byte of the response has arrived.</summary>
    public bool AnyByte => HeadComplete || _headLength > 0;

    /// <summary>Body bytes received (keepalived's rx_bytes).</summary>
    public long BodyBytes { get; private set; }

    /// <summary>The head as received (for genhash's verbose output).</summary>
    public ReadOnlySpan<byte> Head => HeadComplete ? _head.AsSpan(0, _headLength) : ReadOnlySpan<byte>.Empty;

    /// <summary>The first body bytes, up to the keepBody given (for a regex).</summary>
    public ReadOnlySpan<byte> KeptBody => _kept is null ? ReadOnlySpan<byte>.Empty : _kept.WrittenSpan;

    /// <summary>Takes the next bytes of the response. Bytes after an overlong head are ignored, as keepalived
    /// never reads them.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (HeadComplete)
        {
            Body(data);
            return;
        }
        if (HeadTooLong)
            return;
        int take = Math.Min(data.Length, HeadLimit - _headLength);
        int searchFrom = Math.Max(0, _headLength - 3);
        data[..take].CopyTo(_head.AsSpan(_headLength));
        _headLength += take;
        int end = HttpResponseHead.HeadEnd(_head.AsSpan(searchFrom, _headLength - searchFrom));
        if (end < 0)
            return;
        end += searchFrom;
        int bodyInHead = _headLength - end;
        _headLength = end;
        HeadComplete = true;
        StatusCode = HttpResponseHead.StatusCode(Head);
        ContentLength = HttpResponseHead.ContentLength(Head);
        Body(_head.AsSpan(end, bodyInHead));
        Body(data[take..]);
    }

    /// <summary>The MD5 of the body in lower-case hex (keepalived's <c>digest</c> and genhash's output).</summary>
    public string Digest() => Convert.ToHexStringLower(_md5.GetCurrentHash());

    private void Body(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
            return;
        ulong received = (ulong)BodyBytes;
        if (ContentLength == HttpResponseHead.NoContentLength || ContentLength > received)
        {
            ulong room = ContentLength == HttpResponseHead.NoContentLength ? ulong.MaxValue : ContentLength - received;
            int hashed = (ulong)chunk.Length <= room ? chunk.Length : (int)room;
            _md5.AppendData(chunk[..hashed]);
        }
        if (_kept is not null && _kept.WrittenCount < _keepBody)
            _kept.Write(chunk[..Math.Min(chunk.Length, _keepBody - _kept.WrittenCount)]);
        BodyBytes += chunk.Length;
    }

    public void Dispose() => _md5.Dispose();
}
