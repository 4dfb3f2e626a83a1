using System;
using System.Linq;
using Axon.Recommenders;
using Xunit;

namespace Axon.Runtime.Tests.Recommenders;

/// <summary>The GEMM similarities and the top-N and ranking metrics against pair-by-pair and sort-based versions on random data.</summary>
public class BruteForceTests
{
    private static Ratings Random(int users, int items, double density, int seed)
    {
        var rng = new Random(seed);
        var u = new System.Collections.Generic.List<long>();
        var i = new System.Collections.Generic.List<long>();
        var v = new System.Collections.Generic.List<float>();
        for (int a = 0; a < users; a++)
            for (int b = 0; b < items; b++)
                // The first two conditions make sure every user and item has a rating.
                if (b == a % items || a == b % users || rng.NextDouble() < density)
                {
                    u.Add(a);
                    i.Add(b);
                    v.Add(rng.Next(1, 11) * 0.5f);
                }
        return Ratings.FromRaw(u.ToArray(), i.ToArray(), v.ToArray());
    }

    /// <summary>Surprise's loops over one pair at a time (similarities.pyx), in double.</summary>
    private static double PairByPair(RatingMatrix x, int a, int b, Similarity kind, double shrinkage, double mu, double[] xb, double[] yb)
    {
        double freq = 0, prods = 0, sqi = 0, sqj = 0, si = 0, sj = 0, sqd = 0;
        var ca = x.Columns(a); var va = x.Values(a);
        var cb = x.Columns(b); var vb = x.Values(b);
        for (int p = 0; p < ca.Length; p++)
            for (int q = 0; q < cb.Length; q++)
            {
                if (ca[p] != cb[q]) continue;
                double ri = va[p], rj = vb[q];
                if (kind == Similarity.PearsonBaseline) { ri -= mu + xb[a] + yb[ca[p]]; rj -= mu + xb[b] + yb[ca[p]]; }
                freq++; prods += ri * rj; sqi += ri * ri; sqj += rj * rj; si += ri; sj += rj; sqd += (ri - rj) * (ri - rj);
            }
        int minSupport = kind == Similarity.PearsonBaseline ? 2 : 1;
        if (a == b) return 1;
        if (freq < minSupport) return 0;
        return kind switch
        {
            Similarity.Msd => 1 / (sqd / freq + 1),
            Similarity.Cosine => prods / Math.Sqrt(sqi * sqj),
            Similarity.Pearson => Math.Sqrt((freq * sqi - si * si) * (freq * sqj - sj * sj)) is var d && d > 0 ? (freq * prods - si * sj) / d : 0,
            _ => Math.Sqrt(sqi * sqj) is var d2 && d2 > 0 ? prods / d2 * (freq - 1) / (freq - 1 + shrinkage) : 0,
        };
    }

    [Theory]
    [InlineData(Similarity.Msd, true)]
    [InlineData(Similarity.Msd, false)]
    [InlineData(Similarity.Cosine, true)]
    [InlineData(Similarity.Cosine, false)]
    [InlineData(Similarity.Pearson, true)]
    [InlineData(Similarity.Pearson, false)]
    [InlineData(Similarity.PearsonBaseline, true)]
    [InlineData(Similarity.PearsonBaseline, false)]
    public void Similarities_OnRandomRatings_EqualPairByPair(Similarity kind, bool userBased)
    {
        // 70 rows: more than one 64-row block, so the block edges are covered.
        var r = Random(70, 45, 0.25, seed: (int)kind * 2 + (userBased ? 1 : 0));
        var byUser = RatingMatrix.ByUser(r);
        var byItem = RatingMatrix.ByItem(r);
        var x = userBased ? byUser : byItem;
        double mu = r.GlobalMean();
        var (bu, bi) = Baselines.Compute(byUser, byItem, mu);
        var (xb, yb) = userBased ? (bu, bi) : (bi, bu);
        var sim = Similarities.Compute(x, kind, shrinkage: 10, globalMean: mu, rowBias: xb, columnBias: yb);
        int n = x.RowCount;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                Assert.True(Math.Abs(PairByPair(x, a, b, kind, 10, mu, xb, yb) - sim[a * n + b]) < 2e-5,
                    $"{kind} ({a},{b}): {sim[a * n + b]} vs {PairByPair(x, a, b, kind, 10, mu, xb, yb)}");
    }

    [Fact]
    public void KnnWithMeans_OnRandomRatings_EqualsSortingEveryNeighbour()
    {
        var r = Random(40, 30, 0.3, seed: 11);
        var knn = new KnnWithMeans(new KnnOptions { K = 5, Similarity = Similarity.Pearson });
        knn.Fit(r);
        var byItem = RatingMatrix.ByItem(r);
        var byUser = RatingMatrix.ByUser(r);
        var sim = knn.SimilarityMatrix.ToArray();
        double Mean(int u) => byUser.Values(u).ToArray().Average(v => (double)v);
        for (int u = 0; u < 40; u++)
            for (int i = 0; i < 30; i++)
            {
                var raters = byItem.Columns(i).ToArray();
                var values = byItem.Values(i).ToArray();
                // OrderByDescending is stable: equal similarities keep the training order, as heapq.nlargest.
                var top = Enumerable.Range(0, raters.Length).OrderByDescending(j => sim[u * 40 + raters[j]]).Take(5)
                    .Where(j => sim[u * 40 + raters[j]] > 0).ToArray();
                double sumSim = top.Sum(j => (double)sim[u * 40 + raters[j]]);
                double est = Mean(u) + (top.Length == 0 ? 0 : top.Sum(j => sim[u * 40 + raters[j]] * (values[j] - Mean(raters[j]))) / sumSim);
                Assert.True(Math.Abs(Math.Clamp(est, 0.5, 5) - knn.Predict(u, i)) < 1e-4, $"({u},{i}): {knn.Predict(u, i)} vs {est}");
            }
    }

    [Fact]
    public void TopN_EqualsStableSortWithExclusions()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 50; trial++)
        {
            int len = rng.Next(1, 60), n = rng.Next(0, 15);
            var scores = Enumerable.Range(0, len).Select(_ => (float)rng.Next(0, 8)).ToArray();
            var excluded = Enumerable.Range(0, len).Select(_ => rng.NextDouble() < 0.3).ToArray();
            var expected = Enumerable.Range(0, len).Where(i => !excluded[i]).OrderByDescending(i => scores[i]).Take(n).ToArray();
            var dest = new int[n];
            int count = TopN.Select(scores, dest, excluded);
            Assert.Equal(expected, dest[..count]);
        }
    }
}
