using System;
using System.Linq;
using Axon.Data.TimeSeries;
using Xunit;

namespace Axon.Runtime.Tests.Data.TimeSeries;

public class SlidingWindowsTests
{
    // Value = 100·row + column: every value is unique and says which row it came from.
    private static Series Coded(int rows, int columns = 3) =>
        new(Enumerable.Range(0, rows * columns).Select(i => 100f * (i / columns) + i % columns).ToArray(),
            Enumerable.Range(0, columns).Select(c => "c" + c).ToArray());

    private static int RowOf(float value) => (int)(value / 100);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 1, 1)]
    [InlineData(4, 3, 2)]
    [InlineData(7, 2, 5)]
    public void EveryInputRowPrecedesItsTarget_AndNoTargetValueIsInItsOwnWindow(int window, int horizon, int stride)
    {
        var series = Coded(40);
        // The target column is also a feature: its past is an input, its value at the target row must not be.
        var w = SlidingWindows.Create(series, new WindowOptions { Window = window, Horizon = horizon, Stride = stride, Targets = ["c1"] });
        Assert.True(w.Count > 0);
        for (int i = 0; i < w.Count; i++)
        {
            int target = w.TargetRows[i];
            float y = w.Data.TargetsOf(i)[0];
            Assert.Equal(100f * target + 1, y);
            var x = w.Inputs(i);
            Assert.Equal(window * 3, x.Length);
            Assert.DoesNotContain(y, x.ToArray());
            foreach (float v in x) Assert.True(RowOf(v) <= target - horizon, $"sample {i}: input from row {RowOf(v)}, target row {target}");
            // Row-major [T, F]: step s, feature j is row (first + s), column j, oldest step first.
            for (int s = 0; s < window; s++)
                for (int j = 0; j < 3; j++)
                    Assert.Equal(100f * (w.FirstInputRow(i) + s) + j, x[s * 3 + j]);
            Assert.Equal(target - horizon, w.LastInputRow(i));
            if (i > 0) Assert.Equal(stride, target - w.TargetRows[i - 1]);
        }
        Assert.Equal(window + horizon - 1, w.TargetRows[0]);   // the first row with a full window before it
    }

    [Fact]
    public void TargetRange_KeepsOnlyTargetsInside_InputsMayReachBackButNeverForward()
    {
        var series = Coded(50);
        var range = new TimeRange(20, 30);
        var w = SlidingWindows.Create(series, new WindowOptions { Window = 6, Targets = ["c0", "c2"], Features = ["c2", "c0"] }, range);
        Assert.Equal(Enumerable.Range(20, 10), w.TargetRows);
        Assert.Equal(2, w.FeaturesPerStep);
        Assert.Equal(12, w.Data.FeatureSize);
        Assert.Equal(2, w.Data.TargetSize);
        Assert.Equal(new[] { 2000f, 2002f }, w.Data.TargetsOf(0).ToArray());
        Assert.Equal(new[] { 1402f, 1400f }, w.Inputs(0)[..2].ToArray());   // Features order: c2 then c0, from row 14
        Assert.Equal(w.TargetRows.Select(r => 100f * r + 2), w.Target(1));
        for (int i = 0; i < w.Count; i++)
            foreach (float v in w.Inputs(i)) Assert.True(RowOf(v) < range.End && RowOf(v) < w.TargetRows[i]);
    }

    [Fact]
    public void TooShortARange_GivesNoSamples()
    {
        var w = SlidingWindows.Create(Coded(10), new WindowOptions { Window = 8, Horizon = 3, Targets = ["c0"] });
        Assert.Equal(0, w.Count);
        Assert.Equal(0, w.Data.Count);
    }

    [Fact]
    public void BadOptions_SayWhatWasExpected()
    {
        var s = Coded(10);
        Assert.Contains("Horizon is 0; expected at least 1",
            Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Create(s, new WindowOptions { Window = 2, Horizon = 0, Targets = ["c0"] })).Message);
        Assert.Contains("no column 'price'",
            Assert.Throws<ArgumentException>(() => SlidingWindows.Create(s, new WindowOptions { Window = 2, Targets = ["price"] })).Message);
        Assert.Contains("not a range of rows",
            Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.Create(s, new WindowOptions { Window = 2, Targets = ["c0"] }, new TimeRange(5, 11))).Message);
    }
}
