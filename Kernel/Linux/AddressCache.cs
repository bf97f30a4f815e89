using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// Hands out the last <see cref="IPAddress"/> again while the same bytes (and scope) keep arriving, so a steady peer
/// costs no allocation per advert. <see cref="Ports.VrrpDatagram"/> carries <see cref="IPAddress"/> objects, so a new
/// address (or one a caller re-scoped) still allocates one object: that is the only allocation left on the receive
/// path. Safe under concurrent use: a reader works on its own copy of the reference.
/// </summary>
internal struct AddressCache
{
    private IPAddress? _last;

    public IPAddress Get(ReadOnlySpan<byte> bytes, long scopeId)
    {
        var last = _last;
        if (last is not null && Matches(last, bytes, scopeId))
            return last;
        var fresh = bytes.Length == 16 ? new IPAddress(bytes, scopeId) : new IPAddress(bytes);
        _last = fresh;
        return fresh;
    }

    private static bool Matches(IPAddress address, ReadOnlySpan<byte> bytes, long scopeId)
    {
        Span<byte> current = stackalloc byte[16];
        if (!address.TryWriteBytes(current, out int written) || !current[..written].SequenceEqual(bytes))
            return false;
        return address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId == scopeId;
    }
}
