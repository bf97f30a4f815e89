using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Tracking;

namespace KeepAlive.Actors.Vrrp;

/// <summary>What a reload changes for one running instance, from its old and new setup: whether the I/O actor must
/// be told a new registration (VRID checks, priority, interval, VIPs, peers, codec settings), what its MASTER set gains
/// and loses, and which tracked objects it no longer uses. Pure.</summary>
/// <param name="RegistrationChanged">The receive registration differs.</param>
/// <param name="MasterSet">Objects to add and remove while MASTER (empty when the set is the same).</param>
/// <param name="Renamed">The vrrp_instance name changed (the effector's owner, the sync group's member name).</param>
/// <param name="DroppedTrackers">Tracker keys no longer bound: their effects are forgotten.</param>
public sealed record VrrpReconfiguration(bool RegistrationChanged, KernelSetChange MasterSet, bool Renamed, IReadOnlyList<string> DroppedTrackers)
{
    public static VrrpReconfiguration Between(VrrpInstanceSetup old, VrrpInstanceSetup @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var o = old.Settings;
        var n = @new.Settings;
        bool registration = o.Version != n.Version || o.Vrid != n.Vrid || o.Priority != n.Priority || o.AdvertIntervalMicros != n.AdvertIntervalMicros
            || !old.VirtualAddresses.Select(a => a.Address).SequenceEqual(@new.VirtualAddresses.Select(a => a.Address))
            || !old.PeerChecks.SequenceEqual(@new.PeerChecks) || !old.UnicastPeers.SequenceEqual(@new.UnicastPeers)
            || old.CheckUnicastSource != @new.CheckUnicastSource || old.Authentication != @new.Authentication
            || old.ChecksumFlavour != @new.ChecksumFlavour || !old.Source.Equals(@new.Source) || !old.Destination.Equals(@new.Destination);
        var change = KernelSetChange.Between(old.MasterSet ?? KernelSet.Of(old.VirtualAddresses), @new.MasterSet ?? KernelSet.Of(@new.VirtualAddresses));
        var kept = @new.Tracked.Select(t => t.Tracker).ToHashSet(StringComparer.Ordinal);
        var dropped = old.Tracked.Select(t => t.Tracker).Where(t => !kept.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        return new VrrpReconfiguration(registration, change, old.Name != @new.Name, dropped);
    }

    /// <summary>Each bound tracker's effect under the new bindings, for the objects whose state is known.</summary>
    public static IReadOnlyDictionary<string, TrackerEffect> Effects(IReadOnlyList<TrackedBinding> bindings, IReadOnlyDictionary<string, TrackedStatus> known)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        ArgumentNullException.ThrowIfNull(known);
        var effects = new Dictionary<string, TrackerEffect>(StringComparer.Ordinal);
        foreach (var binding in bindings)
        {
            if (known.TryGetValue(binding.Tracker, out var status))
                effects[binding.Tracker] = binding.Effect(status);
        }
        return effects;
    }
}
