namespace KeepAlive.Kernel.Ports;

/// <summary>The outcome of one kernel operation: success, or the errno the kernel gave and what we were doing. No
/// exception crosses a port; the caller (the netlink effector) decides retry or escalate from the errno.</summary>
public readonly record struct KernelResult(int Errno, string Message)
{
    public static KernelResult Ok { get; } = new(0, string.Empty);

    public bool IsOk => Errno == 0;

    public static KernelResult Fail(int errno, string message) => new(errno == 0 ? -1 : Math.Abs(errno), message);

    public override string ToString() => IsOk ? "ok" : $"errno {Errno}: {Message}";
}
