using System;
using System.Linq;
using Axon.Data.Tabular;
using Axon.Data.TimeSeries;
using Xunit;

namespace Axon.Runtime.Tests.Data.TimeSeries;

public class SeriesToolsTests
{
    [Fact]
    public void Scaler_IsFittedOnTheTrainingRowsOnly_LaterRowsChangeNothing()
    {
        // Training rows 0..3 of column a: 1, 2, 3, 6 → μ = 3, σ = √((4 + 1 + 0 + 9)/4) = √3.5. Column b is constant there.
        float[] values = [1, 5, 2, 5, 3, 5, 6, 5, 1000, -7, 2000, 9];
        var series = new Series(values, ["a", "b"]);
        var train = new TimeRange(0, 4);
        var scaler = SeriesScaler.Fit(series, train);
        Assert.Equal(3.0, scaler.Mean("a"), 12);
        Assert.Equal(Math.Sqrt(3.5), scaler.Scale("a"), 12);
        Assert.Equal(5.0, scaler.Mean("b"), 12);
        Assert.Equal(1.0, scaler.Scale("b"));   // constant on the training rows: σ taken as 1, not 0

        // The future (rows 4-5) could be anything: the scaler does not move.
        var other = (float[])values.Clone();
        other[8] = -1e6f; other[11] = 1e6f;
        var refit = SeriesScaler.Fit(new Series(other, ["a", "b"]), train);
        Assert.Equal(scaler.Mean("a"), refit.Mean("a"));
        Assert.Equal(scaler.Scale("a"), refit.Scale("a"));
        Assert.Equal(scaler.Mean("b"), refit.Mean("b"));

        var z = scaler.Transform(series);
        Assert.Equal((float)((6 - 3) / Math.Sqrt(3.5)), z[3, 0]);
        Assert.Equal((float)((1000 - 3) / Math.Sqrt(3.5)), z[4, 0]);
        var back = new[] { z[3, 0], z[4, 0] };
        scaler.Inverse("a", back);
        Assert.Equal(6f, back[0], 4);
        Assert.Equal(1000f, back[1], 2);
    }

    [Fact]
    public void Scaler_NamedColumnsOnly_OthersPassThrough()
    {
        var series = new Series([1, 10, 3, 30], ["a", "b"]);
        var z = SeriesScaler.Fit(series, new TimeRange(0, 2), "a").Transform(series);
        Assert.Equal([-1f, 10f, 1f, 30f], z.Values);
    }

    [Fact]
    public void Returns_LogAndSimple_MatchTheFormulas()
    {
        float[] prices = [100, 110, 99];
        Assert.Equal([(float)Math.Log(1.1), (float)Math.Log(0.9)], Returns.Log(prices));
        Assert.Equal([0.1f, -0.1f], Returns.Simple(prices).Select(r => MathF.Round(r, 6)));
        Assert.Contains("price 1 is 0", Assert.Throws<ArgumentException>(() => Returns.Log([1f, 0f])).Message);

        var series = new Series([100, 50, 110, 50, 99, 100], ["x", "y"]).LogReturns();
        Assert.Equal(2, series.Length);
        Assert.Equal((float)Math.Log(0.9), series[1, 0]);
        Assert.Equal((float)Math.Log(2.0), series[1, 1]);
    }

    [Fact]
    public void Series_FromCsv_SelectsColumnsInOrder()
    {
        var table = Csv.Parse("DAX,SMI,time\n1,2,1991.1\n3,4,1991.2\n");
        var s = Series.FromTable(table, "SMI", "DAX");
        Assert.Equal(["SMI", "DAX"], s.Columns);
        Assert.Equal([2f, 1f, 4f, 3f], s.Values);
        Assert.Equal([1f, 3f], s.Column("DAX"));
        var w = s.With("sum", [3f, 7f]);
        Assert.Equal([2f, 1f, 3f, 4f, 3f, 7f], w.Values);
        Assert.Contains("no column 'FTSE'", Assert.Throws<ArgumentException>(() => Series.FromTable(table, "FTSE")).Message);
    }

    [Fact]
    public void RiskMetrics_FollowsTheRecursion_WithOnlyPastReturns()
    {
        float[] r = [0.02f, -0.01f, 0.03f];
        var sigma = Volatility.RiskMetrics(r, 0.9);
        Assert.True(float.IsNaN(sigma[0]));
        double v1 = 0.02 * 0.02, v2 = 0.9 * v1 + 0.1 * (-0.01f * (double)-0.01f);
        Assert.Equal((float)Math.Sqrt(v1), sigma[1], 7);
        Assert.Equal((float)Math.Sqrt(v2), sigma[2], 7);
        // Changing today's return leaves today's forecast alone.
        var changed = Volatility.RiskMetrics([0.02f, -0.01f, 0.5f], 0.9);
        Assert.Equal(sigma[2], changed[2]);
    }

    [Fact]
    public void RollingMean_AveragesThePrecedingRows()
    {
        var m = Volatility.RollingMean([1f, 2f, 3f, 10f], 2);
        Assert.True(float.IsNaN(m[0]) && float.IsNaN(m[1]));
        Assert.Equal(1.5f, m[2]);
        Assert.Equal(2.5f, m[3]);
    }
}
