using System;
using System.Linq;
using Axon.Data.Tabular;
using Xunit;

namespace Axon.Runtime.Tests.Data.Tabular;

public class StratifiedSplitTests
{
    private static int[] Labels(int n, int positives, long seed)
    {
        var labels = new int[n];
        for (int i = 0; i < positives; i++) labels[i] = 1;
        new Rng(seed).Shuffle(labels.AsSpan());
        return labels;
    }

    [Theory]
    [InlineData(1000, 53, 0.2)]
    [InlineData(101, 7, 0.3)]
    public void Split_KeepsEachClassShare_IsDisjoint_AndFixedBySeed(int n, int positives, double fraction)
    {
        var labels = Labels(n, positives, 3);
        var (train, test) = StratifiedSplit.Split(labels, fraction, seed: 5);
        Assert.Equal(n, train.Length + test.Length);
        Assert.Empty(train.Intersect(test));
        Assert.Equal((int)Math.Round(positives * fraction, MidpointRounding.AwayFromZero), test.Count(r => labels[r] == 1));
        Assert.Equal((int)Math.Round((n - positives) * fraction, MidpointRounding.AwayFromZero), test.Count(r => labels[r] == 0));
        Assert.Equal(test, StratifiedSplit.Split(labels, fraction, seed: 5).Test);
        Assert.NotEqual(test, StratifiedSplit.Split(labels, fraction, seed: 6).Test);
    }

    [Fact]
    public void Split_OfGivenRows_ReturnsOnlyThoseRows()
    {
        var labels = Labels(500, 50, 1);
        var (rest, _) = StratifiedSplit.Split(labels, 0.2, seed: 1);
        var (train, validation) = StratifiedSplit.Split(labels, 0.25, seed: 1, rows: rest);
        Assert.Equal(rest.Order(), train.Concat(validation).Order());
        Assert.Equal(10, validation.Count(r => labels[r] == 1));   // 40 positives in rest, a quarter
    }

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public void KFold_TestPartsPartitionTheRows_AndKeepClassShares(int k)
    {
        var labels = Labels(997, 61, 2);
        var folds = StratifiedSplit.KFold(labels, k, seed: 9);
        Assert.Equal(k, folds.Length);
        Assert.Equal(Enumerable.Range(0, labels.Length), folds.SelectMany(f => f.Test).Order());
        foreach (var (train, test) in folds)
        {
            Assert.Empty(train.Intersect(test));
            Assert.Equal(labels.Length, train.Length + test.Length);
            Assert.InRange(test.Length, labels.Length / k, labels.Length / k + 1);
            Assert.InRange(test.Count(r => labels[r] == 1), 61 / k, 61 / k + 1);
        }
        Assert.Equal(folds[0].Test, StratifiedSplit.KFold(labels, k, seed: 9)[0].Test);
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.Split(new[] { 0, 1 }, 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.KFold(new[] { 0, 1 }, 1, 1));
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Split(new[] { 0, -1 }, 0.5, 1));
    }
}
