namespace KeepAlive.Controller.Service.Memory;

/// <summary>
/// When to collect the youngest generation ahead of the runtime's own budget. The workstation GC sizes its gen0 budget
/// from the CPU's last-level cache: 80 MB on a host with a 300 MB L3 (measured here), so an idle
/// daemon allocating a few hundred kB per second touches fresh pages for minutes and its RSS depends on the CPU it
/// runs on. The GC's own knob (<c>DOTNET_GCgen0size</c>) is read from the environment only, not from
/// runtimeconfig.json (measured), so a daemon started by any init system could not rely on it.
/// </summary>
/// <remarks>Fed samples of the process's allocated bytes and gen0 collection count (no clock, no GC calls): a sample
/// that sees a collection the runtime made by itself (or a first sample) only moves the baseline; one that finds
/// <see cref="BudgetBytes"/> or more allocated since the baseline asks for a collection, and <see cref="Collected"/>
/// moves the baseline past it.</remarks>
public sealed class YoungGenerationPolicy
{
    private long _baseline = -1;
    private int _collections = -1;

    public YoungGenerationPolicy(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        BudgetBytes = budgetBytes;
    }

    /// <summary>The young garbage allowed between two collections.</summary>
    public long BudgetBytes { get; }

    /// <summary>True when a gen0 collection should run now.</summary>
    /// <param name="allocatedBytes">Bytes the process has allocated since it started (monotonic).</param>
    /// <param name="gen0Collections">Gen0 collections so far (every collection counts in gen0).</param>
    public bool ShouldCollect(long allocatedBytes, int gen0Collections)
    {
        if (_baseline < 0 || gen0Collections != _collections || allocatedBytes < _baseline)
        {
            Collected(allocatedBytes, gen0Collections);
            return false;
        }
        return allocatedBytes - _baseline >= BudgetBytes;
    }

    /// <summary>A collection ran: its sample is the new baseline.</summary>
    public void Collected(long allocatedBytes, int gen0Collections)
    {
        _baseline = allocatedBytes;
        _collections = gen0Collections;
    }
}
