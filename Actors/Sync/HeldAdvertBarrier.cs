namespace KeepAlive.Actors.Sync;

/// <summary>
/// A sync group preempting a live master: the old master's group gives up every VIP on the first advert of any member,
/// so no member's first advert may leave before every member holds its addresses. Each member preempting holds its
/// first advert and reports here; when every member of the group has reported its addresses confirmed, all are released
/// at once. A member's own bound (half an advert interval, at most 100 ms) still lets its advert go if the group never
/// gets there (a member that does not preempt, a kernel that does not answer). Pure: no Akka, no clock.
/// </summary>
public sealed class HeldAdvertBarrier
{
    private readonly Dictionary<string, bool> _held = new(StringComparer.Ordinal);

    /// <summary>A member holds its first advert; <paramref name="confirmed"/> once its addresses are in place (at
    /// once for a member without addresses). Returns the members to release — all that hold — when every one of
    /// <paramref name="members"/> is confirmed, else an empty list.</summary>
    public IReadOnlyList<string> Held(string member, bool confirmed, IReadOnlyCollection<string> members)
    {
        _held[member] = confirmed || _held.GetValueOrDefault(member);
        foreach (var m in members)
        {
            if (!_held.GetValueOrDefault(m))
                return [];
        }
        var release = _held.Keys.ToList();
        _held.Clear();
        return release;
    }

    /// <summary>Forgets every hold: the group left MASTER, or its members changed.</summary>
    public void Reset() => _held.Clear();

    /// <summary>Members holding now (for the status).</summary>
    public int Holding => _held.Count;
}
