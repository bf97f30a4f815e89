using System.Diagnostics.CodeAnalysis;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>What <see cref="RawVrrpSocket.Open"/> gives back: the open socket, or why there is none.</summary>
/// <param name="Socket">The socket (the caller owns and disposes it), or null when opening failed.</param>
/// <param name="Error">Ok with a socket; otherwise the errno and what was being done.</param>
public readonly record struct VrrpSocketOpenResult(RawVrrpSocket? Socket, KernelResult Error)
{
    /// <summary>True when <see cref="Socket"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Socket))]
    public bool IsOk => Socket is not null;
}
