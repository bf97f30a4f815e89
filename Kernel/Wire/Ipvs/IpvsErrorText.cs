using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Words kernel errors the way ipvsadm does for the operation that failed ("Service already exists"), and
/// falls back to the errno text.</summary>
public static class IpvsErrorText
{
    private const int Eperm = 1, Enoent = 2, Esrch = 3, Enomem = 12, Eexist = 17, Einval = 22, Enoprotoopt = 92;

    public static IpvsOperation Operation(byte command) => command switch
    {
        IpvsConstants.CmdNewService => IpvsOperation.AddService,
        IpvsConstants.CmdSetService => IpvsOperation.EditService,
        IpvsConstants.CmdDelService => IpvsOperation.DeleteService,
        IpvsConstants.CmdGetService => IpvsOperation.GetService,
        IpvsConstants.CmdNewDest => IpvsOperation.AddDestination,
        IpvsConstants.CmdSetDest => IpvsOperation.EditDestination,
        IpvsConstants.CmdDelDest => IpvsOperation.DeleteDestination,
        IpvsConstants.CmdGetDest => IpvsOperation.GetDestination,
        IpvsConstants.CmdNewDaemon => IpvsOperation.StartDaemon,
        IpvsConstants.CmdDelDaemon => IpvsOperation.StopDaemon,
        IpvsConstants.CmdGetDaemon => IpvsOperation.GetDaemon,
        IpvsConstants.CmdSetConfig => IpvsOperation.SetConfig,
        IpvsConstants.CmdGetConfig => IpvsOperation.GetConfig,
        IpvsConstants.CmdGetInfo => IpvsOperation.GetInfo,
        IpvsConstants.CmdZero => IpvsOperation.Zero,
        IpvsConstants.CmdFlush => IpvsOperation.Flush,
        _ => IpvsOperation.Unknown,
    };

    public static string Describe(IpvsOperation operation, int errno) => (operation, errno) switch
    {
        (IpvsOperation.AddService, Eexist) => "Service already exists",
        (IpvsOperation.AddService or IpvsOperation.EditService, Enoent) => "Scheduler or persistence engine not found",
        (IpvsOperation.EditService or IpvsOperation.DeleteService or IpvsOperation.Zero, Esrch) => "No such service",
        (IpvsOperation.AddDestination or IpvsOperation.EditDestination or IpvsOperation.DeleteDestination, Esrch) => "Service not defined",
        (IpvsOperation.AddDestination, Eexist) => "Destination already exists",
        (IpvsOperation.EditDestination or IpvsOperation.DeleteDestination, Enoent) => "No such destination",
        (IpvsOperation.StartDaemon, Eexist) => "Daemon has already run",
        (IpvsOperation.StopDaemon, Esrch) => "No daemon is running",
        (_, Eperm) => "Permission denied (you must be root)",
        (_, Einval) => "Invalid operation (wrong module version, address not unicast, ...)",
        (_, Enoprotoopt) => "Protocol not available",
        (_, Enomem) => "Memory allocation problem",
        _ => ErrnoText.Text(errno),
    };
}
