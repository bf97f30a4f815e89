using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The real servers of the checker benchmark, in a process of their own so that their CPU is not the daemon's
/// (mode <c>lvs-listen COUNT PORT</c>): COUNT TCP listeners on 127.0.1.1..COUNT, PORT, each accepting connections
/// and closing them at once. Prints "listening" when ready; runs until killed or until its stdin closes (its parent is gone).
/// </summary>
public static class CheckListeners
{
    public static IPAddress Address(int index) => IPAddress.Parse($"127.0.1.{index + 1}");

    public static int Run(string[] args)
    {
        int count = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        int port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var loops = new List<Task>();
        for (int i = 0; i < count; i++)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(Address(i), port));
            listener.Listen(4096);
            for (int a = 0; a < 2; a++)
                loops.Add(Task.Run(() => AcceptLoop(listener)));
        }
        Console.WriteLine("listening");
        Console.Out.Flush();
        ExitWithParent();
        Task.WaitAll([.. loops]);
        return 0;
    }

    /// <summary>The parent holds this process's stdin open: its end (the parent killed, even by SIGKILL) ends this
    /// process too.</summary>
    public static void ExitWithParent() => new Thread(() =>
    {
        while (Console.In.ReadLine() is not null)
        {
        }
        Environment.Exit(3);
    }) { IsBackground = true }.Start();

    private static async Task AcceptLoop(Socket listener)
    {
        while (true)
        {
            using var accepted = await listener.AcceptAsync().ConfigureAwait(false);
        }
    }
}
