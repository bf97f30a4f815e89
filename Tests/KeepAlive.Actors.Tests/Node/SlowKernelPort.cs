using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>A kernel whose address, link and frame operations each take <paramref name="delay"/> of real time: run the
/// virtual lab's specs with <c>KA_LAB_KERNEL_DELAY_MS=20</c> to check that none of them reads the kernel before the
/// effector could have acted (what a loaded CI host does to them now and then).</summary>
public sealed class SlowKernelPort(IKernelPort inner, TimeSpan delay) : DelegatingKernelPort(inner)
{
    public const string Variable = "KA_LAB_KERNEL_DELAY_MS";

    /// <summary><paramref name="kernel"/>, slowed down when <see cref="Variable"/> gives a number of milliseconds.</summary>
    public static IKernelPort FromEnvironment(IKernelPort kernel) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int ms) && ms > 0
            ? new SlowKernelPort(kernel, TimeSpan.FromMilliseconds(ms))
            : kernel;

    public override KernelResult AddAddress(InterfaceAddress address) => Slowly(() => Inner.AddAddress(address));

    public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses) => Slowly(() => Inner.AddAddresses(addresses));

    public override KernelResult RemoveAddress(InterfaceAddress address) => Slowly(() => Inner.RemoveAddress(address));

    public override KernelResult CreateMacvlan(MacvlanSpec link) => Slowly(() => Inner.CreateMacvlan(link));

    public override KernelResult DeleteLink(string name) => Slowly(() => Inner.DeleteLink(name));

    public override KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame)
    {
        Thread.Sleep(delay);
        return Inner.SendFrame(interfaceName, frame);
    }

    private T Slowly<T>(Func<T> operation)
    {
        Thread.Sleep(delay);
        return operation();
    }
}
