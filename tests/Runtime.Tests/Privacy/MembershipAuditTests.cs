using System;
using Axon.Data;
using Axon.Privacy;
using Axon.Training;
using Xunit;

namespace Axon.Runtime.Tests.Privacy;

public class MembershipAuditTests
{
    [Fact]
    public void TprAtFpr_HandMadeScores_ReadsTheBestTprAtOrBelowTheFpr()
    {
        // 4 members (1) and 5 non-members (0), by descending score: m 0.9, m 0.8, n 0.7, m 0.6, n 0.5, n 0.4, m 0.3, n 0.2, n 0.1.
        float[] scores = [0.9f, 0.8f, 0.6f, 0.3f, 0.7f, 0.5f, 0.4f, 0.2f, 0.1f];
        float[] member = [1, 1, 1, 1, 0, 0, 0, 0, 0];
        var audit = MembershipAudit.FromScores("hand", scores, member);
        // Thresholds: 0.8 → TPR 2/4 at FPR 0; 0.6 → 3/4 at 1/5; 0.3 → 4/4 at 3/5.
        Assert.Equal(0.5, audit.TruePositiveRateAt(0), 12);
        Assert.Equal(0.5, audit.TruePositiveRateAt(0.19), 12);
        Assert.Equal(0.75, audit.TruePositiveRateAt(0.2), 12);
        Assert.Equal(0.75, audit.TruePositiveRateAt(0.59), 12);
        Assert.Equal(1, audit.TruePositiveRateAt(0.6), 12);
        Assert.Equal(0.5, audit.TprAtOnePercentFpr, 12);
        Assert.Equal(0.5, audit.TprAtTenthPercentFpr, 12);
        // AUC: member 0.9, 0.8 beat all 5; 0.6 beats 4; 0.3 beats 2 → 16/20. Advantage: max(TPR − FPR) = 3/4 − 1/5.
        Assert.Equal(16.0 / 20, audit.Auc, 12);
        Assert.Equal(0.75 - 0.2, audit.Advantage, 12);
        Assert.Equal(4, audit.Members);
        Assert.Equal(5, audit.NonMembers);
    }

    [Fact]
    public void FromScores_WithoutNonMembers_OrABadRate_SaysWhatIsMissing()
    {
        var e = Assert.Throws<ArgumentException>(() => MembershipAudit.FromScores("x", [1f, 2f], [1f, 1f]));
        Assert.Contains("non-member", e.Message);
        var audit = MembershipAudit.FromScores("x", [1f, 2f], [0f, 1f]);
        Assert.Throws<ArgumentOutOfRangeException>(() => audit.TruePositiveRateAt(1.5));
    }

    [Fact]
    public void PoissonSampler_BatchSizesHaveMeanQnAndBinomialVariance_AndEverySampleIsDrawnAlike()
    {
        int n = 1000, b = 50, draws = 2000;
        var x = new float[n];
        var labels = new int[n];
        for (int i = 0; i < n; i++) { x[i] = i; labels[i] = i % 2; }
        var sampler = new PoissonSampler(Dataset.FromClassification(x, labels, 1), b, seed: 5);
        Assert.Equal(0.05, sampler.SampleRate, 12);
        Assert.Equal(20, sampler.StepsPerEpoch);
        double sum = 0, squares = 0;
        var hits = new int[n];
        for (int d = 0; d < draws; d++)
        {
            var batch = sampler.Next();
            sum += batch.Count;
            squares += (double)batch.Count * batch.Count;
            for (int i = 0; i < batch.Count; i++)
            {
                int index = (int)batch.Inputs[i];
                Assert.Equal(index % 2, batch.Labels[i]);
                if (i > 0) Assert.True(index > (int)batch.Inputs[i - 1]);   // each sample at most once
                hits[index]++;
            }
        }
        double mean = sum / draws, variance = squares / draws - mean * mean;
        // Binomial(1000, 0.05): mean 50, variance 47.5; the mean of 2000 draws has sd 0.15.
        Assert.InRange(mean, 49.4, 50.6);
        Assert.InRange(variance, 47.5 * 0.85, 47.5 * 1.15);
        // Every sample is chosen about q·draws = 100 times; the first and last halves alike (no positional bias).
        int first = 0, last = 0;
        for (int i = 0; i < n / 2; i++) { first += hits[i]; last += hits[n / 2 + i]; }
        Assert.InRange((double)first / last, 0.95, 1.05);
    }
}
