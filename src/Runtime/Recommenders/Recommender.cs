using System;

namespace Axon.Recommenders;

/// <summary>
/// Top-N recommendations from any fitted <see cref="IRatingPredictor"/>: the highest-scored items a
/// user has not rated in <see cref="Train"/>, and the items most similar to a given one.
/// </summary>
/// <remarks>The span overloads allocate nothing (they reuse this instance's buffers: one thread at a time).</remarks>
public sealed class Recommender
{
    private readonly RatingMatrix _byUser;
    private readonly float[] _scores;
    private readonly bool[] _excluded;

    /// <summary>Wraps <paramref name="scorer"/>, fitted on <paramref name="train"/>.</summary>
    public Recommender(IRatingPredictor scorer, Ratings train)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(train);
        Scorer = scorer;
        Train = train;
        _byUser = RatingMatrix.ByUser(train);
        _scores = new float[train.ItemCount];
        _excluded = new bool[train.ItemCount];
    }

    /// <summary>The algorithm.</summary>
    public IRatingPredictor Scorer { get; }

    /// <summary>The ratings it was fitted on; a user's rated items are never recommended.</summary>
    public Ratings Train { get; }

    /// <summary>
    /// Writes the <c>destination.Length</c> highest-scored items that <paramref name="user"/> has not rated,
    /// best first (ties: lower item index first); returns how many were written. Allocates nothing.
    /// </summary>
    public int Recommend(int user, Span<int> destination)
    {
        if ((uint)user >= (uint)_byUser.RowCount)
            throw new ArgumentOutOfRangeException(nameof(user), user, $"user {user} is outside [0, {_byUser.RowCount}).");
        Scorer.ScoreItems(user, _scores);
        var seen = _byUser.Columns(user);
        foreach (int i in seen) _excluded[i] = true;
        int count = TopN.Select(_scores, destination, _excluded);
        foreach (int i in seen) _excluded[i] = false;
        return count;
    }

    /// <summary>The <paramref name="n"/> best items for <paramref name="user"/> among those not rated (a new array).</summary>
    public int[] Recommend(int user, int n)
    {
        var result = new int[Math.Max(0, Math.Min(n, _scores.Length))];
        return result[..Recommend(user, result)];
    }

    /// <summary>
    /// Writes the <c>destination.Length</c> items most similar to <paramref name="item"/> (itself excluded),
    /// most similar first; returns how many. The scorer must implement <see cref="IItemSimilarity"/>. Allocates nothing.
    /// </summary>
    /// <exception cref="NotSupportedException">The scorer has no notion of item similarity.</exception>
    public int SimilarItems(int item, Span<int> destination)
    {
        if ((uint)item >= (uint)_scores.Length)
            throw new ArgumentOutOfRangeException(nameof(item), item, $"item {item} is outside [0, {_scores.Length}).");
        if (Scorer is not IItemSimilarity similarity)
            throw new NotSupportedException($"{Scorer.Name} does not implement IItemSimilarity; use an item-based KNN or an embedding model.");
        similarity.ItemSimilarities(item, _scores);
        _excluded[item] = true;
        int count = TopN.Select(_scores, destination, _excluded);
        _excluded[item] = false;
        return count;
    }

    /// <summary>The <paramref name="n"/> items most similar to <paramref name="item"/> (a new array).</summary>
    public int[] SimilarItems(int item, int n)
    {
        var result = new int[Math.Max(0, Math.Min(n, _scores.Length - 1))];
        return result[..SimilarItems(item, result)];
    }
}
