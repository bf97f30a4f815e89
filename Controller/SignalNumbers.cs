namespace KeepAlive.Controller;

/// <summary>keepalived's <c>--signum</c> names and the signal numbers behind them on Linux/glibc (SIGRTMIN = 34,
/// SIGRTMAX = 64): STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON.</summary>
public static class SignalNumbers
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["STOP"] = 15,
        ["RELOAD"] = 1,
        ["DATA"] = 10,
        ["STATS"] = 12,
        ["STATS_CLEAR"] = 63,
        ["JSON"] = 36,
    };

    public static IReadOnlyDictionary<string, int> All => Numbers;

    /// <summary>Every signal the daemon handles: those above, SIGINT (stop, as SIGTERM) and SIGQUIT (ignored, as
    /// keepalived ignores it; see Service.SignalPathWarmUp).</summary>
    public static int[] Handled() => [.. Numbers.Values, 2, 3];

    public static bool TryGet(string name, out int number) => Numbers.TryGetValue(name, out number);
}
