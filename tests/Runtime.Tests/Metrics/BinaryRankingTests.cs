using System;
using System.Linq;
using Axon.Metrics;
using Xunit;

namespace Axon.Runtime.Tests.Metrics;

public class BinaryRankingTests
{
    // scikit-learn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333...
    private static readonly float[] s_scores = [0.1f, 0.4f, 0.35f, 0.8f];
    private static readonly float[] s_targets = [0, 0, 1, 1];

    [Fact]
    public void RocAuc_HandComputedCase()
    {
        // Pairs (positive, negative): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 → 3 of 4.
        Assert.Equal(0.75, BinaryRanking.RocAuc(s_scores, s_targets), 12);
    }

    [Fact]
    public void AveragePrecision_HandComputedCase()
    {
        // Thresholds from the top: 0.8 (TP 1, FP 0: recall +1/2 at precision 1), 0.4 (a negative: no recall),
        // 0.35 (TP 2, FP 1: recall +1/2 at precision 2/3). AP = 1/2 + 1/3.
        Assert.Equal(0.5 + 1.0 / 3, BinaryRanking.AveragePrecision(s_scores, s_targets), 12);
    }

    [Fact]
    public void Ties_CountHalf_AndFormOneThreshold()
    {
        float[] scores = [0.5f, 0.5f, 0.5f, 0.2f];
        float[] targets = [1, 0, 0, 0];
        // The positive ties two negatives (½ each) and beats one: (0.5 + 0.5 + 1) / 3.
        Assert.Equal(2.0 / 3, BinaryRanking.RocAuc(scores, targets), 12);
        // One threshold at 0.5 takes the whole recall at precision 1/3.
        Assert.Equal(1.0 / 3, BinaryRanking.AveragePrecision(scores, targets), 12);
    }

    [Fact]
    public void PerfectAndReversedRankings()
    {
        float[] targets = [1, 1, 0, 0, 0];
        float[] scores = [3f, 2f, 1f, 0f, -1f];
        Assert.Equal(1.0, BinaryRanking.RocAuc(scores, targets));
        Assert.Equal(1.0, BinaryRanking.AveragePrecision(scores, targets));
        float[] reversed = scores.Select(s => -s).ToArray();
        Assert.Equal(0.0, BinaryRanking.RocAuc(reversed, targets));
        // The positives come last: precision 1/4 at recall 1/2, then 2/5 at recall 1.
        Assert.Equal(0.5 * 0.25 + 0.5 * 0.4, BinaryRanking.AveragePrecision(reversed, targets), 12);
    }

    [Fact]
    public void RocAuc_AgreesWithCountingEveryPair()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 200);
            // Coarse scores so that ties happen; targets as floats in [0, 1].
            var scores = Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 10)).ToArray();
            var targets = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (targets[i] >= 0.5f && targets[j] < 0.5f)
                    {
                        pairs++;
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
            double expected = pairs == 0 ? double.NaN : wins / pairs;
            Assert.Equal(expected, BinaryRanking.RocAuc(scores, targets), 12);
        }
    }

    [Fact]
    public void AveragePrecision_AgreesWithTheDefinitionOverEveryCut()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(1, 100);
            var scores = Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 8)).ToArray();
            var targets = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray();
            double positives = targets.Sum();
            double expected = 0, previousRecall = 0;
            // Every distinct score as a threshold, from the top: predict positive when s ≥ threshold.
            foreach (float threshold in scores.Distinct().OrderByDescending(s => s))
            {
                double tp = 0, fp = 0;
                for (int i = 0; i < n; i++)
                    if (scores[i] >= threshold) { if (targets[i] == 1) tp++; else fp++; }
                double recall = tp / positives;
                expected += (recall - previousRecall) * (tp / (tp + fp));
                previousRecall = recall;
            }
            if (positives == 0) expected = double.NaN;
            Assert.Equal(expected, BinaryRanking.AveragePrecision(scores, targets), 12);
        }
    }

    [Fact]
    public void OneClassOnly_IsNaN()
    {
        Assert.True(double.IsNaN(BinaryRanking.RocAuc([1f, 2f], [1f, 1f])));
        Assert.True(double.IsNaN(BinaryRanking.RocAuc([1f, 2f], [0f, 0f])));
        Assert.True(double.IsNaN(BinaryRanking.AveragePrecision([1f, 2f], [0f, 0f])));
        Assert.Equal(1.0, BinaryRanking.AveragePrecision([1f, 2f], [1f, 1f]));
        Assert.True(double.IsNaN(BinaryRanking.RocAuc([], [])));
    }

    [Fact]
    public void BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => BinaryRanking.RocAuc([1f, 2f], [1f]));
        Assert.Throws<ArgumentException>(() => BinaryRanking.AveragePrecision([1f, float.NaN], [1f, 0f]));
        Assert.Throws<ArgumentException>(() => BinaryRanking.RocAuc([float.PositiveInfinity, 0f], [1f, 0f]));
    }
}
