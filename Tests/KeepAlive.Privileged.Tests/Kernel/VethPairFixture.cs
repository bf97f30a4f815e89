namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>One <see cref="VethNamespacePair"/> shared by a test class, created on first use (after the test has
/// checked for root, so an unprivileged run skips instead of failing here) and deleted when the class is done.</summary>
public sealed class VethPairFixture : IDisposable
{
    private readonly Lazy<VethNamespacePair> _pair = new(() => new VethNamespacePair());

    public VethNamespacePair Pair => _pair.Value;

    public void Dispose()
    {
        if (_pair.IsValueCreated)
            _pair.Value.Dispose();
    }
}
