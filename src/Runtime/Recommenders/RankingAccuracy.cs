using System;

namespace Axon.Recommenders;

/// <summary>
/// Top-N accuracy at cut-off <c>k</c>, averaged over the test users (those with at least one test
/// rating): for each user the <c>k</c> highest-scored items among those not rated in training are
/// compared with the user's test items <c>T_u</c>, with <c>h_u</c> of them hit.
/// </summary>
/// <param name="Precision">Mean of <c>h_u / k</c>.</param>
/// <param name="Recall">Mean of <c>h_u / |T_u|</c>.</param>
/// <param name="Ndcg">Mean of <c>DCG_u / IDCG_u</c>, <c>DCG_u = Σ_{hit at rank p} 1/log₂(p + 2)</c> (ranks from 0),
/// <c>IDCG_u = Σ_{p &lt; min(|T_u|, k)} 1/log₂(p + 2)</c>.</param>
/// <param name="HitRate">Fraction of users with <c>h_u ≥ 1</c>.</param>
/// <param name="Users">Number of test users.</param>
public readonly record struct RankingAccuracy(double Precision, double Recall, double Ndcg, double HitRate, int Users)
{
    /// <summary>
    /// Scores every item for every test user with <paramref name="scorer"/> (<see cref="IRatingPredictor.ScoreItems"/>),
    /// excludes the user's training items, and measures the top <paramref name="k"/> against the test items.
    /// The loop over users allocates nothing; the buffers are allocated once per call.
    /// </summary>
    public static RankingAccuracy Evaluate(IRatingPredictor scorer, RatingSplit split, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(split);
        var workspace = new RankingWorkspace(split, k);
        return workspace.Run(scorer);
    }
}

/// <summary>The buffers of <see cref="RankingAccuracy.Evaluate"/>, reusable across scorers of the same split.</summary>
public sealed class RankingWorkspace
{
    private readonly RatingMatrix _train;
    private readonly RatingMatrix _test;
    private readonly float[] _scores;
    private readonly bool[] _excluded;
    private readonly bool[] _relevant;
    private readonly int[] _top;

    /// <summary>Prepares the buffers for <paramref name="split"/> at cut-off <paramref name="k"/>.</summary>
    public RankingWorkspace(RatingSplit split, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"k is {k}; expected at least 1.");
        _train = RatingMatrix.ByUser(split.Train);
        _test = RatingMatrix.ByUser(split.Test);
        int items = split.Train.ItemCount;
        _scores = new float[items];
        _excluded = new bool[items];
        _relevant = new bool[items];
        _top = new int[k];
    }

    /// <summary>The metrics of <paramref name="scorer"/> (fitted on the split's training set). Allocates nothing.</summary>
    /// <exception cref="ArgumentException">The test set has no users.</exception>
    public RankingAccuracy Run(IRatingPredictor scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        int k = _top.Length, users = 0;
        double precision = 0, recall = 0, ndcg = 0, hits = 0;
        for (int u = 0; u < _test.RowCount; u++)
        {
            var relevant = _test.Columns(u);
            if (relevant.Length == 0) continue;
            users++;
            scorer.ScoreItems(u, _scores);
            var seen = _train.Columns(u);
            foreach (int i in seen) _excluded[i] = true;
            foreach (int i in relevant) _relevant[i] = true;
            int count = TopN.Select(_scores, _top, _excluded);
            int h = 0;
            double dcg = 0, idcg = 0;
            for (int p = 0; p < count; p++)
                if (_relevant[_top[p]])
                {
                    h++;
                    dcg += 1.0 / Math.Log2(p + 2);
                }
            for (int p = 0; p < Math.Min(relevant.Length, k); p++) idcg += 1.0 / Math.Log2(p + 2);
            precision += (double)h / k;
            recall += (double)h / relevant.Length;
            ndcg += dcg / idcg;
            if (h > 0) hits++;
            foreach (int i in seen) _excluded[i] = false;
            foreach (int i in relevant) _relevant[i] = false;
        }
        if (users == 0) throw new ArgumentException("the split's test set has no ratings; expected at least 1 test user.");
        return new RankingAccuracy(precision / users, recall / users, ndcg / users, hits / users, users);
    }
}
