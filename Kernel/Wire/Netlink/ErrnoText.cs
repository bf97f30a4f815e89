namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Names and glibc texts of the errnos netlink commonly returns (Linux numbering).</summary>
public static class ErrnoText
{
    /// <summary>"NAME (text)" for a positive errno, "errno N" for one not in the table, "success" for 0.</summary>
    public static string Describe(int errno) => errno == 0 ? "success" : Name(errno) is { } name ? $"{name} ({Text(errno)})" : $"errno {errno}";

    /// <summary>The symbolic name (ENOENT, ...), or null when not in the table.</summary>
    public static string? Name(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        17 => "EEXIST",
        19 => "ENODEV",
        22 => "EINVAL",
        28 => "ENOSPC",
        34 => "ERANGE",
        90 => "EMSGSIZE",
        93 => "EPROTONOSUPPORT",
        95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        100 => "ENETDOWN",
        101 => "ENETUNREACH",
        105 => "ENOBUFS",
        _ => null,
    };

    /// <summary>The strerror text, or "Unknown error N".</summary>
    public static string Text(int errno) => errno switch
    {
        1 => "Operation not permitted",
        2 => "No such file or directory",
        3 => "No such process",
        4 => "Interrupted system call",
        5 => "Input/output error",
        6 => "No such device or address",
        7 => "Argument list too long",
        9 => "Bad file descriptor",
        11 => "Resource temporarily unavailable",
        12 => "Cannot allocate memory",
        13 => "Permission denied",
        16 => "Device or resource busy",
        17 => "File exists",
        19 => "No such device",
        22 => "Invalid argument",
        28 => "No space left on device",
        34 => "Numerical result out of range",
        90 => "Message too long",
        93 => "Protocol not supported",
        95 => "Operation not supported",
        97 => "Address family not supported by protocol",
        98 => "Address already in use",
        99 => "Cannot assign requested address",
        100 => "Network is down",
        101 => "Network is unreachable",
        105 => "No buffer space available",
        _ => $"Unknown error {errno}",
    };
}
