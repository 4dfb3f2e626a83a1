using System;
using System.Linq;
using Axon.Data.TimeSeries;
using Xunit;

namespace Axon.Runtime.Tests.Data.TimeSeries;

public class WalkForwardTests
{
    [Fact]
    public void Expanding_PeriodsAreInTimeOrder_TestsTile_TrainGrows()
    {
        var folds = WalkForward.Splits(100, train: 40, validation: 10, test: 15);
        Assert.Equal(3, folds.Count);   // test ends 65, 80, 95; the next would end at 110 > 100
        for (int k = 0; k < folds.Count; k++)
        {
            var f = folds[k];
            Assert.Equal(k, f.Fold);
            Assert.Equal(new TimeRange(0, 40 + 15 * k), f.Train);
            Assert.Equal(f.Train.End, f.Validation.Start);
            Assert.Equal(10, f.Validation.Length);
            Assert.Equal(f.Validation.End, f.Test.Start);
            Assert.Equal(15, f.Test.Length);
            if (k > 0) Assert.Equal(folds[k - 1].Test.End, f.Test.Start);
        }
        Assert.True(folds[^1].Test.End <= 100);
    }

    [Fact]
    public void Rolling_KeepsTheTrainingLength_AndStepMovesTheOrigin()
    {
        var folds = WalkForward.Splits(60, train: 20, validation: 0, test: 5, expanding: false, step: 10, start: 3);
        Assert.Equal([new TimeRange(3, 23), new TimeRange(13, 33), new TimeRange(23, 43), new TimeRange(33, 53)], folds.Select(f => f.Train));
        Assert.All(folds, f => Assert.Equal(0, f.Validation.Length));
        Assert.Equal(new TimeRange(53, 58), folds[^1].Test);
    }

    [Fact]
    public void Chronological_SplitsInOrder_TestTakesTheRemainder()
    {
        var s = WalkForward.Chronological(101, 0.6, 0.2);
        Assert.Equal(new TimeRange(0, 60), s.Train);
        Assert.Equal(new TimeRange(60, 80), s.Validation);
        Assert.Equal(new TimeRange(80, 101), s.Test);
    }

    [Fact]
    public void NoFoldFits_SaysHowManyRowsOneNeeds()
    {
        var e = Assert.Throws<ArgumentException>(() => WalkForward.Splits(50, 40, 10, 5));
        Assert.Contains("55 in all; the series has 50", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => WalkForward.Splits(50, 10, 5, 0));
    }
}
