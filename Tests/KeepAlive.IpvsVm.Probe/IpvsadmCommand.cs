using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.IpvsVm.Probe;

/// <summary>What an ipvsadm command line asks of the kernel.</summary>
public enum IpvsadmAction
{
    AddService,
    EditService,
    DeleteService,
    AddDestination,
    EditDestination,
    DeleteDestination,
    Flush,
    Zero,
    SetTimeouts,
}

/// <summary>
/// One ipvsadm command line that changes the kernel (-A -E -D -a -e -d -C -Z --set), read with ipvsadm 1.31's
/// meanings and defaults (scheduler wlc, persistence 300 s, forwarding -g, weight 1), so the same line given to
/// ipvsadm and to our port must leave the kernel in the same state.
/// </summary>
public sealed record IpvsadmCommand(IpvsadmAction Action, IpvsService? Service, IpvsDestination? Destination, IpvsTimeouts? Timeouts)
{
    /// <summary>Reads <paramref name="arguments"/>; null with <paramref name="error"/> when it is not one we know.</summary>
    public static IpvsadmCommand? Parse(IReadOnlyList<string> arguments, out string error)
    {
        error = string.Empty;
        try
        {
            return ParseOrThrow(new Queue<string>(arguments));
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Applies the command through <paramref name="ipvs"/>.</summary>
    public KernelResult ApplyTo(IIpvsPort ipvs) => Action switch
    {
        IpvsadmAction.AddService => ipvs.AddService(Service!),
        IpvsadmAction.EditService => ipvs.EditService(Service!),
        IpvsadmAction.DeleteService => ipvs.DeleteService(Service!),
        IpvsadmAction.AddDestination => ipvs.AddDestination(Service!, Destination!),
        IpvsadmAction.EditDestination => ipvs.EditDestination(Service!, Destination!),
        IpvsadmAction.DeleteDestination => ipvs.DeleteDestination(Service!, Destination!),
        IpvsadmAction.Flush => ipvs.Flush(),
        IpvsadmAction.Zero => ipvs.Zero(Service),
        IpvsadmAction.SetTimeouts => ipvs.SetTimeouts(Timeouts!),
        _ => throw new InvalidOperationException(Action.ToString()),
    };

    private static IpvsadmCommand ParseOrThrow(Queue<string> args)
    {
        var command = Next(args, "a command");
        var action = command switch
        {
            "-A" => IpvsadmAction.AddService,
            "-E" => IpvsadmAction.EditService,
            "-D" => IpvsadmAction.DeleteService,
            "-a" => IpvsadmAction.AddDestination,
            "-e" => IpvsadmAction.EditDestination,
            "-d" => IpvsadmAction.DeleteDestination,
            "-C" => IpvsadmAction.Flush,
            "-Z" => IpvsadmAction.Zero,
            "--set" => IpvsadmAction.SetTimeouts,
            _ => throw new FormatException($"unknown command {command}"),
        };
        if (action == IpvsadmAction.SetTimeouts)
            return new(action, null, null, new IpvsTimeouts(Number(Next(args, "tcp")), Number(Next(args, "tcpfin")), Number(Next(args, "udp"))));
        var options = new ServiceOptions();
        while (args.Count > 0)
            options.Read(Next(args, "an option"), args);
        var service = options.Service(required: action is not (IpvsadmAction.Flush or IpvsadmAction.Zero));
        var destination = action is IpvsadmAction.AddDestination or IpvsadmAction.EditDestination or IpvsadmAction.DeleteDestination
            ? options.Destination(service!, addOrEdit: action != IpvsadmAction.DeleteDestination)
            : null;
        return new(action, service, destination, null);
    }

    internal static string Next(Queue<string> args, string what) =>
        args.TryDequeue(out var value) ? value : throw new FormatException($"missing {what}");

    internal static uint Number(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"not a number: {text}");

    /// <summary>"1.2.3.4:80", "[fd00::1]:80" or, when <paramref name="defaultPort"/> is given, an address alone.</summary>
    internal static (IPAddress Address, ushort Port) Endpoint(string text, ushort? defaultPort)
    {
        if (defaultPort is { } port && IPAddress.TryParse(text.Trim('[', ']'), out var alone) && (!text.Contains(':', StringComparison.Ordinal) || (alone.AddressFamily == AddressFamily.InterNetworkV6 && !text.StartsWith('['))))
            return (alone, port);
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !IPAddress.TryParse(text[..colon].Trim('[', ']'), out var address))
            throw new FormatException($"not an address:port: {text}");
        return (address, checked((ushort)Number(text[(colon + 1)..])));
    }
}
