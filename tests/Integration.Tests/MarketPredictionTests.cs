using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Data.TimeSeries;
using MarketPrediction;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Lesson 5's pipeline on a slice of the committed EuStockMarkets closes: folds, baselines, rows, JSON.</summary>
public class MarketPredictionTests
{
    private static readonly Lazy<Series> s_closes = new(() =>
        Lesson.LoadCloses(Path.Combine(AppContext.BaseDirectory, "data", "eu-stock-markets", "eu_stock_markets.csv")));

    // The first 800 days, three folds of 100 test days, 2 seeds, few epochs: the whole pipeline in about a second.
    private static readonly LessonSettings s_fast = new() { Train = 300, Validation = 100, Test = 100, Seeds = 2, Epochs = 5, Patience = 2 };

    [Fact]
    public void Folds_AreInTimeOrder_AndTheLastTestEndsAtTheLastRow()
    {
        var closes = s_closes.Value;
        Assert.Equal(1860, closes.Length);
        var folds = Lesson.Folds(closes.Length - 1, new LessonSettings());
        Assert.Equal(3, folds.Count);
        Assert.Equal(1859, folds[^1].Test.End);
        foreach (var f in folds)
        {
            Assert.True(f.Train.End <= f.Validation.Start && f.Validation.End <= f.Test.Start);
            Assert.Equal(folds[0].Train.Start, f.Train.Start);   // expanding
        }
        for (int k = 1; k < folds.Count; k++) Assert.Equal(folds[k - 1].Test.End, folds[k].Test.Start);
    }

    [Fact]
    public void ReturnTask_OnSlice_BaselinesMatchAHandComputation_AndRowsHaveTheSchema()
    {
        var slice = s_closes.Value.Rows(0, 800);
        var result = Lesson.ReturnTask(slice, s_fast);
        var rows = result.Rows;

        // The test days by hand: DAX log returns on every fold's test rows.
        var dax = Returns.Log(slice.Column("DAX"));
        var folds = Lesson.Folds(dax.Length, s_fast);
        var actual = folds.SelectMany(f => Enumerable.Range(f.Test.Start, f.Test.Length)).Select(t => (double)dax[t]).ToArray();
        Assert.Equal(300, actual.Length);

        var zero = rows.Single(r => r.Model.StartsWith("zero", StringComparison.Ordinal));
        Assert.Equal(Math.Sqrt(actual.Average(y => y * y)), zero.Rmse, 9);
        Assert.Equal(actual.Average(Math.Abs), zero.Mae, 9);
        Assert.Equal(0.5, zero.DirectionAccuracy);   // calls no direction: the coin flip
        Assert.Null(zero.Seed);

        // The training mean is each fold's own: its forecast for fold k is the mean of that fold's training returns only.
        var means = folds.Select(f => Enumerable.Range(f.Train.Start, f.Train.Length).Average(t => (double)dax[t])).ToArray();
        var meanForecast = folds.SelectMany((f, k) => Enumerable.Repeat(means[k], f.Test.Length)).ToArray();
        double meanRmse = Math.Sqrt(actual.Zip(meanForecast, (y, p) => (y - (float)p) * (y - (float)p)).Average());
        Assert.Equal(meanRmse, rows.Single(r => r.Model == "training mean").Rmse, 6);

        var networks = rows.Where(r => r.Seed is not null).ToArray();
        Assert.Equal(Lesson.Networks.Count * s_fast.Seeds, networks.Length);
        Assert.All(rows, r => Assert.InRange(r.Rmse, 0.003, 0.05));   // daily DAX returns: around 1 %, never 0 or absurd
        Assert.All(rows, r => Assert.InRange(r.DirectionAccuracy!.Value, 0.3, 0.7));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(rows));
        var first = json.RootElement[0];
        Assert.Equal(["task", "model", "seed", "rmse", "mae", "direction_accuracy"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("return", first.GetProperty("task").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("seed").ValueKind);
    }

    [Fact]
    public void VolatilityTask_OnSlice_HasNoDirection_AndEwmaUsesOnlyThePast()
    {
        var slice = s_closes.Value.Rows(0, 800);
        var rows = Lesson.VolatilityTask(slice, s_fast).Rows;
        Assert.All(rows, r => Assert.Equal("volatility", r.Task));
        Assert.All(rows, r => Assert.Null(r.DirectionAccuracy));
        Assert.Contains(rows, r => r.Model.StartsWith("RiskMetrics", StringComparison.Ordinal));

        // RiskMetrics ×√(2/π) by hand on the same test days.
        var r = Returns.Log(slice.Column("DAX"));
        var folds = Lesson.Folds(r.Length, s_fast);
        double variance = (double)r[0] * r[0], sum = 0;
        var sigma = new double[r.Length];
        for (int t = 1; t < r.Length; t++)
        {
            sigma[t] = Math.Sqrt(variance);
            variance = 0.94 * variance + 0.06 * r[t] * (double)r[t];
        }
        int n = 0;
        foreach (var f in folds)
            for (int t = f.Test.Start; t < f.Test.End; t++, n++)
            {
                double e = Math.Sqrt(2 / Math.PI) * sigma[t] - Math.Abs(r[t]);
                sum += e * e;
            }
        Assert.Equal(Math.Sqrt(sum / n), rows.Single(x => x.Model.Contains("×√(2/π)", StringComparison.Ordinal)).Rmse, 6);
    }

    [Fact]
    public void DieboldMariano_SmallForAClearlyBetterForecast_HalfForAnEqualOne()
    {
        var rng = new Rng(2);
        var y = new float[400];
        var good = new float[400];
        var bad = new float[400];
        for (int t = 0; t < y.Length; t++)
        {
            y[t] = rng.NextSingle() - 0.5f;
            good[t] = y[t] + 0.1f * (rng.NextSingle() - 0.5f);
            bad[t] = y[t] + 1.0f * (rng.NextSingle() - 0.5f);
        }
        Assert.True(Lesson.DieboldMarianoP(y, good, bad) < 1e-6);
        Assert.True(Lesson.DieboldMarianoP(y, bad, good) > 1 - 1e-6);
        Assert.Equal(1.0, Lesson.DieboldMarianoP(y, good, good));   // no difference at all: no evidence of a better forecast
    }

    [Fact]
    public void Ridge_RecoversALinearRule_AndShrinksWithAlpha()
    {
        var rng = new Rng(5);
        const int n = 200, d = 3;
        var x = new float[n * d];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) x[i * d + j] = rng.NextSingle() * 2 - 1;
            y[i] = 2 * x[i * d] - 3 * x[i * d + 2] + 0.5f;
        }
        var p = new float[1];
        Ridge.Fit(x, y, d, 1e-6).Predict([1f, 1f, 1f], p);
        Assert.Equal(2 - 3 + 0.5f, p[0], 3);
        Ridge.Fit(x, y, d, 1e9).Predict([1f, 1f, 1f], p);
        Assert.Equal(y.Average(), p[0], 2);   // all weight shrunk away: the intercept, ȳ
    }
}
