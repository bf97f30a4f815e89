using System.Diagnostics;
using System.Net;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Benchmarks;

/// <summary>
/// Kernel time of VIP adds and removes through <see cref="LinuxKernelPort"/> (not a test; needs root, run it inside a
/// network namespace of your own: <c>ip netns exec ka-x dotnet run -c Release -- addresses IFACE [N] [reps]</c>):
/// N /32 addresses on IFACE added one by one, then removed, per repetition; prints the median time per batch and
/// per address, with and without a subscriber to the port's address events (the effector always has one).
/// </summary>
public static class AddressOpsBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: addresses IFACE [N] [reps]");
            return 2;
        }
        string iface = args[0];
        int n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
        int reps = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var opened = LinuxKernelPort.Open(out var port);
        if (!opened.IsOk || port is null)
        {
            Console.Error.WriteLine($"cannot open the kernel port: {opened}");
            return 1;
        }
        using (port)
        {
            var addresses = Enumerable.Range(0, n).Select(i => new InterfaceAddress(iface, IPAddress.Parse($"10.77.{i / 250}.{i % 250 + 1}"), 32)).ToList();
            foreach (bool subscribed in new[] { false, true })
            {
                long events = 0;
                using var subscription = subscribed ? port.Subscribe(_ => Interlocked.Increment(ref events)) : null;
                var add = new List<double>();
                var remove = new List<double>();
                for (int r = 0; r < reps; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    foreach (var a in addresses)
                    {
                        var result = port.AddAddress(a);
                        if (!result.IsOk)
                        {
                            Console.Error.WriteLine($"add {a}: {result}");
                            return 1;
                        }
                    }
                    add.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    start = Stopwatch.GetTimestamp();
                    foreach (var a in addresses)
                        port.RemoveAddress(a);
                    remove.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                add.Sort();
                remove.Sort();
                Console.WriteLine($"{n} addresses on {iface}, {(subscribed ? "with" : "without")} an event subscriber: add {add[reps / 2]:F2} ms ({add[reps / 2] * 1000 / n:F0} µs each), remove {remove[reps / 2]:F2} ms (median of {reps}){(subscribed ? $", {Interlocked.Read(ref events)} events" : "")}");
            }
        }
        return 0;
    }
}
