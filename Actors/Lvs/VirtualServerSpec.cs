using System.Collections.Immutable;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>What the quorum logic needs of one real server.</summary>
/// <param name="Key">Address and port.</param>
/// <param name="Weight">Configured weight (keepalived's effective_weight before any dynamic change).</param>
/// <param name="Inhibit">inhibit_on_failure: kept with weight 0 instead of removed while failed.</param>
/// <param name="StartsUp">False when a checker starts down (alpha).</param>
public sealed record RealServerSpec(RealServerKey Key, long Weight, bool Inhibit, bool StartsUp);

/// <summary>The sorry server: its key and <c>sorry_server_inhibit</c>.</summary>
public sealed record SorrySpec(RealServerKey Key, bool Inhibit);

/// <summary>
/// A virtual server as the quorum logic sees it, with keepalived's corrections applied (check/check_data.c
/// check_check_config): a quorum above the total weight is lowered to it; a hysteresis not below the quorum becomes
/// quorum − 1 (0 when the quorum is 0 — keepalived's unsigned arithmetic would make it 4294967295 there);
/// a real server listed twice keeps its first entry.
/// </summary>
public sealed record VirtualServerSpec(
    ImmutableArray<RealServerSpec> RealServers,
    long Quorum,
    long Hysteresis,
    SorrySpec? Sorry,
    bool Omega,
    bool HaSuspend)
{
    /// <summary>Corrections made, in the words a log line would use.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>Builds the spec from the configured virtual server.</summary>
    public static VirtualServerSpec From(VirtualServerConfig vs)
    {
        ArgumentNullException.ThrowIfNull(vs);
        var servers = vs.RealServers.Select(rs => new RealServerSpec(
            rs.Key,
            rs.Weight,
            rs.InhibitOnFailure,
            HealthPolicy.RealServerStartsUp(rs.Checkers.Select(c => CheckerSettings.From(c.Common)))));
        var sorry = vs.SorryServer is { } s ? new SorrySpec(new RealServerKey(s.Address, s.Port), s.Inhibit) : null;
        return Create(servers, vs.Quorum, vs.Hysteresis, sorry, vs.Omega, vs.HaSuspend);
    }

    /// <summary>Builds a spec with keepalived's corrections.</summary>
    public static VirtualServerSpec Create(IEnumerable<RealServerSpec> servers, long quorum, long hysteresis, SorrySpec? sorry, bool omega, bool haSuspend)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var warnings = ImmutableArray.CreateBuilder<string>();
        var seen = new HashSet<RealServerKey>();
        var kept = ImmutableArray.CreateBuilder<RealServerSpec>();
        foreach (var rs in servers)
        {
            if (!seen.Add(rs.Key))
            {
                warnings.Add($"real server {rs.Key} is listed twice; the first entry is used");
                continue;
            }
            kept.Add(rs);
        }
        var total = kept.Aggregate(0L, (sum, rs) => SaturatingAdd(sum, RealWeight(rs.Weight)));
        // quorum is unsigned in keepalived (1..UINT_MAX from the parser); anything below 1 is 1.
        quorum = Math.Clamp(quorum, 1, uint.MaxValue);
        hysteresis = Math.Clamp(hysteresis, 0, uint.MaxValue);
        if (quorum > total)
        {
            warnings.Add($"quorum {quorum} exceeds total weight of real servers {total}, reducing quorum to {total}");
            quorum = total;
        }
        if (hysteresis >= quorum && hysteresis > 0)
        {
            var h = Math.Max(0, quorum - 1);
            warnings.Add($"hysteresis {hysteresis} >= quorum {quorum}; setting hysteresis to {h}");
            hysteresis = h;
        }
        return new VirtualServerSpec(kept.ToImmutable(), quorum, hysteresis, sorry, omega, haSuspend) { Warnings = warnings.ToImmutable() };
    }

    /// <summary>keepalived's real_weight: an effective weight clamped to the IPVS range 0..2147483647.</summary>
    public static int RealWeight(long weight) => (int)Math.Clamp(weight, 0, int.MaxValue);

    internal static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
