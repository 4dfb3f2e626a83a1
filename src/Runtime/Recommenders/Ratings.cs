using System;
using System.Collections.Generic;

namespace Axon.Recommenders;

/// <summary>
/// Explicit ratings <c>(user, item, rating, timestamp)</c> with users and items as dense indices
/// <c>[0, UserCount)</c> and <c>[0, ItemCount)</c>; the raw ids of the source file and the item
/// titles are kept in a <see cref="RatingCatalog"/> shared by every subset, so the train and test
/// parts of a split index the same users and items.
/// </summary>
/// <remarks>The arrays are used as given (not copied); <see cref="Subset"/> copies the chosen rows.</remarks>
public sealed class Ratings
{
    /// <summary>Creates ratings over <paramref name="catalog"/>; all arrays have one entry per rating.</summary>
    /// <exception cref="ArgumentException">The lengths differ, an index is outside the catalog, or a rating is not finite.</exception>
    public Ratings(RatingCatalog catalog, int[] users, int[] items, float[] values, long[] timestamps)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(timestamps);
        int n = users.Length;
        if (items.Length != n || values.Length != n || timestamps.Length != n)
            throw new ArgumentException(
                $"users, items, values and timestamps have {n}, {items.Length}, {values.Length} and {timestamps.Length} entries; expected the same count.");
        for (int r = 0; r < n; r++)
        {
            if ((uint)users[r] >= (uint)catalog.UserCount)
                throw new ArgumentException($"rating {r}: user index {users[r]} is outside [0, {catalog.UserCount}).", nameof(users));
            if ((uint)items[r] >= (uint)catalog.ItemCount)
                throw new ArgumentException($"rating {r}: item index {items[r]} is outside [0, {catalog.ItemCount}).", nameof(items));
            if (!float.IsFinite(values[r]))
                throw new ArgumentException($"rating {r} is {values[r]}; expected a finite number.", nameof(values));
        }
        Catalog = catalog;
        Users = users;
        Items = items;
        Values = values;
        Timestamps = timestamps;
    }

    /// <summary>Raw ids, titles and the rating scale, shared by every subset.</summary>
    public RatingCatalog Catalog { get; }

    /// <summary>User index of each rating.</summary>
    public int[] Users { get; }

    /// <summary>Item index of each rating.</summary>
    public int[] Items { get; }

    /// <summary>Rating values.</summary>
    public float[] Values { get; }

    /// <summary>Timestamps (seconds since 1970 in MovieLens).</summary>
    public long[] Timestamps { get; }

    /// <summary>Number of ratings.</summary>
    public int Count => Users.Length;

    /// <summary>Number of users in the catalog (not only those rated here).</summary>
    public int UserCount => Catalog.UserCount;

    /// <summary>Number of items in the catalog (not only those rated here).</summary>
    public int ItemCount => Catalog.ItemCount;

    /// <summary>Mean rating <c>μ = Σ r / Count</c> (0 when empty), accumulated in double.</summary>
    public double GlobalMean()
    {
        double s = 0;
        foreach (float v in Values) s += v;
        return Count == 0 ? 0 : s / Count;
    }

    /// <summary>The ratings at <paramref name="rows"/>, in that order, over the same catalog.</summary>
    public Ratings Subset(ReadOnlySpan<int> rows)
    {
        var u = new int[rows.Length];
        var i = new int[rows.Length];
        var v = new float[rows.Length];
        var t = new long[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int r = rows[k];
            if ((uint)r >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"row {r} is outside [0, {Count}).");
            u[k] = Users[r];
            i[k] = Items[r];
            v[k] = Values[r];
            t[k] = Timestamps[r];
        }
        return new Ratings(Catalog, u, i, v, t);
    }

    /// <summary>
    /// Builds ratings from raw ids: users and items get dense indices in order of first appearance.
    /// <paramref name="titles"/> (raw item id → title) is optional.
    /// </summary>
    public static Ratings FromRaw(
        ReadOnlySpan<long> rawUsers, ReadOnlySpan<long> rawItems, float[] values, long[]? timestamps = null,
        IReadOnlyDictionary<long, string>? titles = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rawUsers.Length != rawItems.Length || rawUsers.Length != values.Length)
            throw new ArgumentException(
                $"rawUsers, rawItems and values have {rawUsers.Length}, {rawItems.Length} and {values.Length} entries; expected the same count.");
        timestamps ??= new long[values.Length];
        var userMap = new Dictionary<long, int>();
        var itemMap = new Dictionary<long, int>();
        var rawUserList = new List<long>();
        var rawItemList = new List<long>();
        var users = new int[values.Length];
        var items = new int[values.Length];
        for (int r = 0; r < values.Length; r++)
        {
            users[r] = IndexOf(userMap, rawUserList, rawUsers[r]);
            items[r] = IndexOf(itemMap, rawItemList, rawItems[r]);
        }
        string?[] itemTitles = new string?[rawItemList.Count];
        if (titles is not null)
            for (int i = 0; i < itemTitles.Length; i++)
                itemTitles[i] = titles.TryGetValue(rawItemList[i], out var title) ? title : null;
        var catalog = new RatingCatalog(rawUserList.ToArray(), rawItemList.ToArray(), itemTitles, Scale(values));
        return new Ratings(catalog, users, items, values, timestamps);
    }

    private static (float Min, float Max) Scale(float[] values)
    {
        if (values.Length == 0) return (0f, 0f);
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
        }
        return (min, max);
    }

    private static int IndexOf(Dictionary<long, int> map, List<long> raw, long id)
    {
        if (!map.TryGetValue(id, out int index))
        {
            index = raw.Count;
            map.Add(id, index);
            raw.Add(id);
        }
        return index;
    }
}
