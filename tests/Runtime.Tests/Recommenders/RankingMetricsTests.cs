using System;
using System.Linq;
using Axon.Recommenders;
using Axon.Testing;
using Xunit;

namespace Axon.Runtime.Tests.Recommenders;

public class RankingMetricsTests
{
    /// <summary>Fixed random scores per (user, item), with ties (scores on a coarse grid).</summary>
    private sealed class RandomScores(int users, int items, int seed) : IRatingPredictor
    {
        private readonly float[] _s = Enumerable.Range(0, users * items).Select(k => (float)new Random(seed + k).Next(0, 20)).ToArray();
        public string Name => "random";
        public void Fit(Ratings train) { }
        public float Predict(int user, int item) => _s[user * items + item];
    }

    private static Ratings RandomRatings(int users, int items, int seed)
    {
        var rng = new Random(seed);
        var u = new System.Collections.Generic.List<long>();
        var i = new System.Collections.Generic.List<long>();
        for (int a = 0; a < users; a++)
            for (int b = 0; b < items; b++)
                if (b == a % items || a == b % users || rng.NextDouble() < 0.3) { u.Add(a); i.Add(b); }
        var times = Enumerable.Range(0, u.Count).Select(_ => (long)rng.Next(0, 1000)).ToArray();
        return Ratings.FromRaw(u.ToArray(), i.ToArray(), Enumerable.Repeat(3f, u.Count).ToArray(), times);
    }

    [Theory]
    [InlineData(true, 5)]
    [InlineData(false, 5)]
    [InlineData(false, 1)]
    public void Metrics_EqualSortingEveryUsersItems(bool leaveLastOut, int k)
    {
        var r = RandomRatings(25, 40, seed: k);
        var split = leaveLastOut ? RatingSplits.LeaveLastOut(r, seed: 2) : RatingSplits.KFold(r, 4, seed: 2)[0];
        var scorer = new RandomScores(r.UserCount, r.ItemCount, 9);
        var got = RankingAccuracy.Evaluate(scorer, split, k);

        double p = 0, rec = 0, ndcg = 0, hit = 0;
        int users = 0;
        for (int u = 0; u < r.UserCount; u++)
        {
            var test = split.Test.Items.Where((_, t) => split.Test.Users[t] == u).ToHashSet();
            if (test.Count == 0) continue;
            users++;
            var seen = split.Train.Items.Where((_, t) => split.Train.Users[t] == u).ToHashSet();
            var top = Enumerable.Range(0, r.ItemCount).Where(i => !seen.Contains(i))
                .OrderByDescending(i => scorer.Predict(u, i)).Take(k).ToArray();
            int h = top.Count(test.Contains);
            p += (double)h / k;
            rec += (double)h / test.Count;
            double dcg = top.Select((i, pos) => test.Contains(i) ? 1 / Math.Log2(pos + 2) : 0).Sum();
            double idcg = Enumerable.Range(0, Math.Min(k, test.Count)).Sum(pos => 1 / Math.Log2(pos + 2));
            ndcg += dcg / idcg;
            hit += h > 0 ? 1 : 0;
        }
        Assert.Equal(users, got.Users);
        Assert.Equal(p / users, got.Precision, 12);
        Assert.Equal(rec / users, got.Recall, 12);
        Assert.Equal(ndcg / users, got.Ndcg, 12);
        Assert.Equal(hit / users, got.HitRate, 12);
        Assert.True(got.HitRate > 0);   // the data is dense enough for some hits: the comparison is not 0 = 0
    }

    [Fact]
    public void RatingAccuracy_EqualsDirectSums()
    {
        var r = RandomRatings(10, 12, seed: 4);
        var values = r.Values.Select((_, t) => (float)(1 + t % 5)).ToArray();
        var rated = new Ratings(r.Catalog, r.Users, r.Items, values, r.Timestamps);
        var scorer = new RandomScores(10, 12, 1);
        var acc = RatingAccuracy.Evaluate(scorer, rated);
        var errors = Enumerable.Range(0, rated.Count).Select(t => (double)scorer.Predict(rated.Users[t], rated.Items[t]) - values[t]).ToArray();
        Assert.Equal(Math.Sqrt(errors.Average(e => e * e)), acc.Rmse, 12);
        Assert.Equal(errors.Average(Math.Abs), acc.Mae, 12);
        Assert.Equal(0, Allocations.Least(() => RatingAccuracy.Evaluate(scorer, rated)));
    }
}
