using System;
using System.Collections.Generic;

namespace Axon.Recommenders;

/// <summary>
/// The users and items of a rating set: dense index ↔ raw id of the source file, item titles, and
/// the rating scale that predictions are clipped to (as Surprise clips to its reader's scale).
/// </summary>
public sealed class RatingCatalog
{
    private readonly long[] _rawUsers;
    private readonly long[] _rawItems;
    private readonly string?[] _titles;
    private readonly Dictionary<long, int> _userIndex = new();
    private readonly Dictionary<long, int> _itemIndex = new();

    /// <summary>Creates a catalog; raw ids must be distinct. <paramref name="titles"/> has one (possibly null) entry per item.</summary>
    /// <exception cref="ArgumentException">A raw id repeats, the titles do not match the items, or the scale is empty or not finite.</exception>
    public RatingCatalog(long[] rawUsers, long[] rawItems, string?[] titles, (float Min, float Max) scale)
    {
        ArgumentNullException.ThrowIfNull(rawUsers);
        ArgumentNullException.ThrowIfNull(rawItems);
        ArgumentNullException.ThrowIfNull(titles);
        if (titles.Length != rawItems.Length)
            throw new ArgumentException($"titles has {titles.Length} entries; expected one per item ({rawItems.Length}).", nameof(titles));
        if (!(scale.Min <= scale.Max) || !float.IsFinite(scale.Min) || !float.IsFinite(scale.Max))
            throw new ArgumentException($"the rating scale [{scale.Min}, {scale.Max}] is not a finite interval.", nameof(scale));
        for (int u = 0; u < rawUsers.Length; u++)
            if (!_userIndex.TryAdd(rawUsers[u], u))
                throw new ArgumentException($"raw user id {rawUsers[u]} appears twice.", nameof(rawUsers));
        for (int i = 0; i < rawItems.Length; i++)
            if (!_itemIndex.TryAdd(rawItems[i], i))
                throw new ArgumentException($"raw item id {rawItems[i]} appears twice.", nameof(rawItems));
        _rawUsers = rawUsers;
        _rawItems = rawItems;
        _titles = titles;
        MinRating = scale.Min;
        MaxRating = scale.Max;
    }

    /// <summary>Number of users.</summary>
    public int UserCount => _rawUsers.Length;

    /// <summary>Number of items.</summary>
    public int ItemCount => _rawItems.Length;

    /// <summary>Lowest rating of the scale (0.5 for MovieLens latest).</summary>
    public float MinRating { get; }

    /// <summary>Highest rating of the scale (5 for MovieLens).</summary>
    public float MaxRating { get; }

    /// <summary>The raw id of dense user <paramref name="user"/>.</summary>
    public long RawUserId(int user) => _rawUsers[user];

    /// <summary>The raw id of dense item <paramref name="item"/>.</summary>
    public long RawItemId(int item) => _rawItems[item];

    /// <summary>The dense index of raw user id <paramref name="rawId"/>, or -1 when unknown.</summary>
    public int UserIndex(long rawId) => _userIndex.TryGetValue(rawId, out int u) ? u : -1;

    /// <summary>The dense index of raw item id <paramref name="rawId"/>, or -1 when unknown.</summary>
    public int ItemIndex(long rawId) => _itemIndex.TryGetValue(rawId, out int i) ? i : -1;

    /// <summary>The title of item <paramref name="item"/>, or its raw id as text when it has none.</summary>
    public string Title(int item) => _titles[item] ?? $"item {_rawItems[item]}";

    /// <summary><paramref name="value"/> clipped to <c>[MinRating, MaxRating]</c>.</summary>
    public float Clip(float value) => Math.Clamp(value, MinRating, MaxRating);
}
