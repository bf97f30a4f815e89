using System.Net;

namespace KeepAlive.Kernel.Linux;

/// <summary>Copies an <see cref="IPAddress"/> into the address bytes of a libc structure (network order, no scope).</summary>
internal static unsafe class SocketAddressBytes
{
    public static void Write(IPAddress address, byte* destination, int length)
    {
        if (!address.TryWriteBytes(new Span<byte>(destination, length), out int written) || written != length)
            throw new ArgumentException($"{address} is not a {length}-byte address", nameof(address));
    }
}
