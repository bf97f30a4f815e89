using System.Net.Sockets;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>Creates the stream socket a network probe connects with. The default makes a TCP socket in the calling
/// process's network namespace; a test (or a caller running checks in another namespace) passes one that creates it
/// elsewhere — a socket stays in the namespace it was created in.</summary>
public delegate Socket ProbeSocketFactory(AddressFamily family);

/// <summary>The default <see cref="ProbeSocketFactory"/>.</summary>
public static class ProbeSockets
{
    public static ProbeSocketFactory Tcp { get; } = family => new Socket(family, SocketType.Stream, ProtocolType.Tcp);
}
