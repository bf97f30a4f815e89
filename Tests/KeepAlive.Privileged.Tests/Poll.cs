using System.Diagnostics;

namespace KeepAlive.Privileged.Tests;

/// <summary>Waiting, bounded, for something a process or the kernel does.</summary>
public static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds (checked every <paramref name="everyMs"/> ms);
    /// false when it still does not after <paramref name="timeout"/>.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout, int everyMs = 20)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
                return true;
            Thread.Sleep(everyMs);
        }
        return condition();
    }
}
