using System;
using System.Collections.Generic;

namespace Axon.Recommenders;

/// <summary>
/// Reproducible splits of a rating set. The same seed gives the same splits on every run and
/// machine, so every algorithm can be scored on the same folds.
/// </summary>
public static class RatingSplits
{
    /// <summary>
    /// k-fold cross-validation as Surprise's <c>KFold</c>: the ratings are shuffled with
    /// <paramref name="seed"/> and cut into <paramref name="folds"/> consecutive parts whose sizes differ
    /// by at most one (the first <c>Count mod k</c> parts get one more); split <c>f</c> tests on part
    /// <c>f</c> and trains on the rest. Every rating is tested exactly once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2 or above the rating count.</exception>
    public static RatingSplit[] KFold(Ratings ratings, int folds = 5, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (folds < 2 || folds > ratings.Count)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"folds is {folds}; expected 2 to {ratings.Count} (the rating count).");
        var order = new int[ratings.Count];
        for (int r = 0; r < order.Length; r++) order[r] = r;
        var rng = new Rng(seed);
        rng.Shuffle(order.AsSpan());
        var splits = new RatingSplit[folds];
        int start = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = ratings.Count / folds + (f < ratings.Count % folds ? 1 : 0);
            var test = order.AsSpan(start, size);
            var train = new int[ratings.Count - size];
            order.AsSpan(0, start).CopyTo(train);
            order.AsSpan(start + size).CopyTo(train.AsSpan(start));
            splits[f] = new RatingSplit(ratings.Subset(train), ratings.Subset(test));
            start += size;
        }
        return splits;
    }

    /// <summary>
    /// Leave-last-out: each user's latest rating (largest timestamp; among equal timestamps the one
    /// chosen at random from <paramref name="seed"/>) is the test set, the rest is the training set.
    /// Users with fewer than <paramref name="minRatings"/> ratings stay wholly in training.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minRatings"/> is below 2.</exception>
    public static RatingSplit LeaveLastOut(Ratings ratings, long seed = 0, int minRatings = 2)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (minRatings < 2)
            throw new ArgumentOutOfRangeException(nameof(minRatings), minRatings, $"minRatings is {minRatings}; expected at least 2 (one to train on, one to test).");
        int users = ratings.UserCount;
        var last = new int[users];
        var count = new int[users];
        var ties = new int[users];
        Array.Fill(last, -1);
        var rng = new Rng(seed);
        for (int r = 0; r < ratings.Count; r++)
        {
            int u = ratings.Users[r];
            count[u]++;
            int best = last[u];
            if (best < 0 || ratings.Timestamps[r] > ratings.Timestamps[best])
            {
                last[u] = r;
                ties[u] = 1;
            }
            else if (ratings.Timestamps[r] == ratings.Timestamps[best])
            {
                // Reservoir sampling keeps each of the tied ratings with equal probability.
                if (rng.NextInt(++ties[u]) == 0) last[u] = r;
            }
        }
        var train = new List<int>(ratings.Count);
        var test = new List<int>(users);
        for (int r = 0; r < ratings.Count; r++)
        {
            int u = ratings.Users[r];
            if (count[u] >= minRatings && last[u] == r) test.Add(r);
            else train.Add(r);
        }
        return new RatingSplit(ratings.Subset(train.ToArray()), ratings.Subset(test.ToArray()));
    }
}
