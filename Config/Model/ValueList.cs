using System.Collections;
using System.Collections.Immutable;

namespace KeepAlive.Config.Model;

/// <summary>
/// An immutable list with value equality, so records holding lists compare by content (the reload diff decides
/// "changed" by record equality; ImmutableArray alone compares by reference).
/// </summary>
[System.Runtime.CompilerServices.CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public readonly struct ValueList<T> : IEquatable<ValueList<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    public ValueList(ImmutableArray<T> items) => _items = items.IsDefault ? ImmutableArray<T>.Empty : items;

    public ValueList(IEnumerable<T> items) => _items = items.ToImmutableArray();

    public static ValueList<T> Empty => new(ImmutableArray<T>.Empty);

    public ImmutableArray<T> Items => _items.IsDefault ? ImmutableArray<T>.Empty : _items;

    public int Count => Items.Length;

    public T this[int index] => Items[index];

    public bool IsEmpty => Count == 0;

    /// <summary>A new list with <paramref name="item"/> appended.</summary>
    public ValueList<T> Append(T item) => new(Items.Add(item));

    public bool Equals(ValueList<T> other)
    {
        var a = Items;
        var b = other.Items;
        if (a.Length != b.Length)
            return false;
        var cmp = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Length; i++)
            if (!cmp.Equals(a[i], b[i]))
                return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

/// <summary>Builds <see cref="ValueList{T}"/> values.</summary>
public static class ValueList
{
    public static ValueList<T> From<T>(IEnumerable<T> items) => new(items);

    /// <summary>Collection-expression builder: <c>ValueList&lt;int&gt; x = [1, 2];</c>.</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));

    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);
}
