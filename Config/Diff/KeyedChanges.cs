using System.Collections.Immutable;

namespace KeepAlive.Config.Diff;

/// <summary>One kind of item compared across a reload: what appeared, disappeared, changed (old and new), and how
/// many items are equal (by record equality, so they receive nothing on reload).</summary>
public sealed record KeyedChanges<TKey, T>(
    ImmutableArray<T> Added,
    ImmutableArray<T> Removed,
    ImmutableArray<Changed<T>> Changed,
    ImmutableArray<T> Unchanged)
    where TKey : notnull
{
    public bool IsEmpty => Added.IsEmpty && Removed.IsEmpty && Changed.IsEmpty;

    /// <summary>Compares two lists keyed by <paramref name="key"/>. A key given twice counts once (the first wins,
    /// as keepalived keeps the first definition). Order follows the new list, then removed items in old order.</summary>
    public static KeyedChanges<TKey, T> Compute(IEnumerable<T> oldItems, IEnumerable<T> newItems, Func<T, TKey> key, IEqualityComparer<T>? comparer = null)
    {
        comparer ??= EqualityComparer<T>.Default;
        var old = new Dictionary<TKey, T>();
        foreach (var item in oldItems)
            old.TryAdd(key(item), item);
        var added = ImmutableArray.CreateBuilder<T>();
        var changed = ImmutableArray.CreateBuilder<Changed<T>>();
        var unchanged = ImmutableArray.CreateBuilder<T>();
        var seen = new HashSet<TKey>();
        foreach (var item in newItems)
        {
            var k = key(item);
            if (!seen.Add(k))
                continue;
            if (!old.TryGetValue(k, out var before))
                added.Add(item);
            else if (comparer.Equals(before, item))
                unchanged.Add(item);
            else
                changed.Add(new Changed<T>(before, item));
        }
        var removed = old.Where(kv => !seen.Contains(kv.Key)).Select(kv => kv.Value).ToImmutableArray();
        return new KeyedChanges<TKey, T>(added.ToImmutable(), removed, changed.ToImmutable(), unchanged.ToImmutable());
    }
}

/// <summary>An item present in both configurations whose content differs.</summary>
public sealed record Changed<T>(T Old, T New);
