using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Axon;
using Axon.Data.TimeSeries;
using Axon.Metrics;
using Axon.Training;

namespace MarketPrediction;

/// <summary>The lesson's settings; the defaults are what the README's tables were measured with.</summary>
public sealed record LessonSettings
{
    /// <summary>Training rows of the first walk-forward fold (the training period then grows by <see cref="Test"/> per fold).</summary>
    public int Train { get; init; } = 1000;

    /// <summary>Validation rows per fold: early stopping and ridge's α are chosen on them.</summary>
    public int Validation { get; init; } = 200;

    /// <summary>Test rows per fold; the folds' test periods tile the last rows of the series.</summary>
    public int Test { get; init; } = 200;

    /// <summary>Network seeds per task (initialisation and batch order).</summary>
    public int Seeds { get; init; } = 5;

    /// <summary>Largest number of epochs; early stopping on the validation loss usually ends sooner.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Epochs without a better validation loss before training stops (the best epoch's weights are kept).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Days averaged by the rolling-mean volatility forecast.</summary>
    public int RollingDays { get; init; } = 20;

    /// <summary>RiskMetrics decay λ.</summary>
    public double Lambda { get; init; } = 0.94;

    /// <summary>Ridge penalties tried on each fold's validation period (on standardised inputs).</summary>
    public IReadOnlyList<double> RidgeAlphas { get; init; } = [1, 10, 100, 1000, 10000, 100000];
}

/// <summary>One task's rows, with the test days' actual values and each row's predictions (aligned with <see cref="Rows"/>).</summary>
public sealed record TaskResult(List<ResultRow> Rows, float[] Actual, List<float[]> Predictions);

/// <summary>A network of the lesson: a name and a constructor taking the seed. Every one reads a [20, 4] window (80 values).</summary>
public sealed record Network(string Name, Func<int, IModel> Create);

/// <summary>
/// Lesson 5: next-day DAX return and next-day DAX volatility from 20-day windows of four European indices, baselines against
/// networks on the same walk-forward folds.
/// </summary>
public static class Lesson
{
    /// <summary>The four indices, in the CSV's order.</summary>
    public static readonly string[] Indices = ["DAX", "SMI", "CAC", "FTSE"];

    /// <summary>The networks compared with the baselines.</summary>
    public static readonly IReadOnlyList<Network> Networks =
    [
        new("Dense 80-32-1 (flattened window)", seed => new WindowMlp(seed: seed)),
        new("Dense 80-16-1, dropout 0.3, AdamW 0.1", seed => new RegularizedWindowMlp(seed: seed)),
        new("Conv1D 8×5, avg pool 4, dropout, Dense", seed => new WindowConv1D(seed: seed)),
        new("GRU 16, dropout, Dense", seed => new WindowGru(seed: seed)),
        new("LSTM 16, dropout, Dense", seed => new WindowLstm(seed: seed)),
    ];

    /// <summary>The closes of the four indices.</summary>
    public static Series LoadCloses(string path) => Series.ReadCsv(path, Indices);

    /// <summary>
    /// The walk-forward folds over <paramref name="length"/> rows: expanding training period, then validation, then test; the
    /// first row is chosen so that the last fold's test period ends at the last row (the most recent data is tested).
    /// </summary>
    public static IReadOnlyList<WalkForwardSplit> Folds(int length, LessonSettings s)
    {
        int start = (length - s.Train - s.Validation) % s.Test;
        return WalkForward.Splits(length, s.Train, s.Validation, s.Test, expanding: true, start: start);
    }

    /// <summary>
    /// Task 1: the next day's DAX log return from the last 20 days' log returns of the four indices. Baselines: zero (the random
    /// walk: tomorrow's price is today's), the training period's mean return, ridge on the same windows.
    /// </summary>
    public static TaskResult ReturnTask(Series closes, LessonSettings s, TextWriter? log = null)
    {
        var returns = closes.LogReturns();
        var dax = returns.Column("DAX");
        var baselines = new List<Baseline>
        {
            new("zero return (random walk)", (_, _) => 0f),
            new("training mean", (fold, _) => (float)Mean(dax, fold.Train)),
        };
        return RunTask("return", returns, Indices, "DAX", direction: true, baselines, s, log);
    }

    /// <summary>
    /// Task 2: the next day's absolute DAX log return from the last 20 days' absolute log returns of the four indices. Baselines:
    /// the training period's mean (a constant: no volatility clustering), the mean of the last 20 days' absolute returns, RiskMetrics EWMA (σ̂·√(2/π), the mean absolute value of a normal with
    /// that σ; and with the factor fitted on the training period instead), ridge on the same windows.
    /// </summary>
    public static TaskResult VolatilityTask(Series closes, LessonSettings s, TextWriter? log = null)
    {
        var returns = closes.LogReturns();
        var names = Indices.Select(n => "|" + n + "|").ToArray();
        var absolute = new Series(returns.Values.Select(MathF.Abs).ToArray(), names);
        var target = absolute.Column("|DAX|");
        var rolling = Volatility.RollingMean(target, s.RollingDays);
        var sigma = Volatility.RiskMetrics(returns.Column("DAX"), s.Lambda);
        float normal = MathF.Sqrt(2f / MathF.PI);
        var baselines = new List<Baseline>
        {
            new("training mean", (fold, _) => (float)Mean(target, fold.Train)),
            new($"rolling mean, {s.RollingDays} days", (_, t) => rolling[t]),
            new($"RiskMetrics EWMA λ {s.Lambda:0.00}, ×√(2/π)", (_, t) => normal * sigma[t]),
            new($"RiskMetrics EWMA λ {s.Lambda:0.00}, factor fitted", (fold, t) => (float)Factor(fold.Train, target, sigma) * sigma[t]),
        };
        var rows = RunTask("volatility", absolute, names, "|DAX|", direction: false, baselines, s, log);

        // The same models on returns measured in units of each index's own EWMA volatility, |z_t| = |r_t| / σ̂_t (σ̂_t known the day
        // before): the windows no longer carry the level of volatility, which drifts between periods, only its recent shape; the
        // forecast of |z| is multiplied back by the DAX's σ̂_t.
        var sigmas = Indices.Select(n => Volatility.RiskMetrics(returns.Column(n), s.Lambda)).ToArray();
        const int skip = 100;   // the EWMA's start-up rows are dropped (σ̂ is NaN on row 0 and unreliable for a while)
        var z = new float[(returns.Length - skip) * Indices.Length];
        for (int t = skip; t < returns.Length; t++)
            for (int c = 0; c < Indices.Length; c++)
                z[(t - skip) * Indices.Length + c] = MathF.Abs(returns[t, c]) / sigmas[c][t];
        var zNames = Indices.Select(n => "|z " + n + "|").ToArray();
        var normalised = new Series(z, zNames);
        var scaledRows = RunTask("volatility", normalised, zNames, "|z DAX|", direction: false, [], s, log,
            suffix: ", in units of σ̂", multiplier: t => sigma[t + skip], actualOverride: t => target[t + skip], offset: skip);
        if (!scaledRows.Actual.SequenceEqual(rows.Actual)) throw new InvalidOperationException("the two volatility runs scored different days.");
        rows.Rows.AddRange(scaledRows.Rows);
        rows.Predictions.AddRange(scaledRows.Predictions);
        return rows;
    }

    /// <summary>The least-squares factor c of |r_t| ≈ c·σ̂_t over a training period (rows before 100 skipped: the EWMA is still starting up).</summary>
    private static double Factor(TimeRange train, float[] target, float[] sigma)
    {
        double xy = 0, xx = 0;
        for (int t = Math.Max(train.Start, 100); t < train.End; t++)
        {
            xy += (double)target[t] * sigma[t];
            xx += (double)sigma[t] * sigma[t];
        }
        return xy / xx;
    }

    private sealed record Baseline(string Name, Func<WalkForwardSplit, int, float> Forecast);

    private static TaskResult RunTask(string task, Series series, string[] features, string target, bool direction,
        List<Baseline> baselines, LessonSettings s, TextWriter? log, string suffix = "", Func<int, float>? multiplier = null,
        Func<int, float>? actualOverride = null, int offset = 0)
    {
        var folds = Folds(series.Length + offset, s).Select(f => new WalkForwardSplit(f.Fold,
            new TimeRange(Math.Max(0, f.Train.Start - offset), f.Train.End - offset),
            new TimeRange(f.Validation.Start - offset, f.Validation.End - offset),
            new TimeRange(f.Test.Start - offset, f.Test.End - offset))).ToList();
        var options = new WindowOptions { Window = Windows.Steps, Features = features, Targets = [target] };
        var actual = new List<float>();
        var baselinePredictions = baselines.Select(_ => new List<float>()).ToList();
        var ridge = new List<float>();
        var networks = Networks.Select(_ => Enumerable.Range(0, s.Seeds).Select(_ => new List<float>()).ToArray()).ToArray();
        foreach (var fold in folds)
        {
            // Scaling measured on the training period only; windows assigned to the period of their target row.
            var scaler = SeriesScaler.Fit(series, fold.Train);
            var scaled = scaler.Transform(series);
            var train = SlidingWindows.Create(scaled, options, fold.Train);
            var validation = SlidingWindows.Create(scaled, options, fold.Validation);
            var test = SlidingWindows.Create(scaled, options, fold.Test);
            foreach (int t in test.TargetRows) actual.Add(actualOverride is null ? series[t, series.IndexOf(target)] : actualOverride(t));
            for (int b = 0; b < baselines.Count; b++)
                foreach (int t in test.TargetRows) baselinePredictions[b].Add(baselines[b].Forecast(fold, t));

            var (model, alpha) = BestRidge(train, validation, s.RidgeAlphas);
            ridge.AddRange(Rescale(Unscale(scaler, target, test.Count, o => model.Predict(test.Data.Features, o)), test, multiplier));
            log?.WriteLine($"  {task}{suffix} fold {fold.Fold}: {train.Count} training windows (targets on returns rows {fold.Train.Start + offset}-{fold.Train.End + offset - 1}), " +
                           $"validation rows {fold.Validation.Start + offset}-{fold.Validation.End + offset - 1}, test rows {fold.Test.Start + offset}-{fold.Test.End + offset - 1}; ridge α {alpha:G3}");

            for (int n = 0; n < Networks.Count; n++)
                for (int seed = 0; seed < s.Seeds; seed++)
                {
                    var net = Networks[n].Create(seed);
                    var stopping = new EarlyStopping(patience: s.Patience, restoreBestWeights: true);
                    net.Fit(train.Data, new FitOptions
                    {
                        Epochs = s.Epochs, BatchSize = s.BatchSize, Validation = validation.Data, Seed = seed,
                        Callbacks = [stopping], Progress = ProgressMode.None,
                    });
                    networks[n][seed].AddRange(Rescale(Unscale(scaler, target, test.Count, o => net.Predict(test.Data.Features, o)), test, multiplier));
                }
        }

        var y = actual.ToArray();
        var result = new TaskResult([], y, []);
        void Add(string model, int? seed, List<float> predicted)
        {
            var p = predicted.ToArray();
            result.Rows.Add(Row(task, model, seed, p, y, direction));
            result.Predictions.Add(p);
        }
        for (int b = 0; b < baselines.Count; b++) Add(baselines[b].Name, null, baselinePredictions[b]);
        Add("ridge on the same windows" + suffix, null, ridge);
        for (int n = 0; n < Networks.Count; n++)
            for (int seed = 0; seed < s.Seeds; seed++)
                Add(Networks[n].Name + suffix, seed, networks[n][seed]);
        return result;
    }

    private static (Ridge Model, double Alpha) BestRidge(WindowedSeries train, WindowedSeries validation, IReadOnlyList<double> alphas)
    {
        int d = train.Data.FeatureSize;
        var y = train.Target();
        var yValidation = validation.Target();
        var p = new float[validation.Count];
        (Ridge, double)? best = null;
        double bestRmse = double.PositiveInfinity;
        foreach (double alpha in alphas)
        {
            var model = Ridge.Fit(train.Data.Features, y, d, alpha);
            model.Predict(validation.Data.Features, p);
            double rmse = RegressionMetrics.RootMeanSquaredError(p, yValidation);
            if (rmse < bestRmse) { bestRmse = rmse; best = (model, alpha); }
        }
        return best!.Value;
    }

    private static float[] Rescale(float[] predictions, WindowedSeries test, Func<int, float>? multiplier)
    {
        if (multiplier is not null)
            for (int i = 0; i < predictions.Length; i++) predictions[i] *= multiplier(test.TargetRows[i]);
        return predictions;
    }

    private static float[] Unscale(SeriesScaler scaler, string target, int count, Action<float[]> predict)
    {
        var o = new float[count];
        predict(o);
        scaler.Inverse(target, o);
        return o;
    }

    private static ResultRow Row(string task, string model, int? seed, float[] predicted, float[] actual, bool direction)
    {
        var score = RegressionMetrics.Score(predicted, actual, direction);
        return new ResultRow(task, model, seed, score.RootMeanSquaredError, score.MeanAbsoluteError, direction ? score.DirectionAccuracy : null);
    }

    private static double Mean(float[] values, TimeRange range)
    {
        double sum = 0;
        for (int t = range.Start; t < range.End; t++) sum += values[t];
        return sum / range.Length;
    }

    /// <summary>
    /// The task's table: one line per model (networks: mean ± sample standard deviation over seeds), errors in percent of log
    /// return, and RMSE relative to <paramref name="reference"/>'s (below 1 beats it).
    /// </summary>
    public static void PrintTable(TaskResult result, string reference, TextWriter w)
    {
        var rows = result.Rows;
        double referenceRmse = rows.First(r => r.Model == reference).Rmse;
        bool direction = rows.Any(r => r.DirectionAccuracy is not null);
        w.WriteLine($"  {"model",-52} {"seeds",5} {"RMSE (%)",16} {"MAE (%)",16} {(direction ? "direction" : ""),16} {"RMSE / " + Short(reference),14}");
        foreach (var group in rows.GroupBy(r => r.Model))
        {
            var g = group.ToArray();
            string seeds = g[0].Seed is null ? "-" : g.Length.ToString(CultureInfo.InvariantCulture);
            string da = direction ? Spread(g.Select(r => r.DirectionAccuracy!.Value).ToArray(), 1, "F3") : "";
            w.WriteLine($"  {group.Key,-52} {seeds,5} {Spread(g.Select(r => r.Rmse).ToArray(), 100, "F4"),16} " +
                        $"{Spread(g.Select(r => r.Mae).ToArray(), 100, "F4"),16} {da,16} {g.Average(r => r.Rmse) / referenceRmse,14:F4}");
        }
    }

    /// <summary>
    /// Says which models beat <paramref name="reference"/> by RMSE, by how much, and whether the difference is significant: the
    /// one-sided Diebold–Mariano test on squared errors (<see cref="DieboldMarianoP"/>), per seed for the networks.
    /// </summary>
    public static void PrintVerdict(TaskResult result, string reference, TextWriter w)
    {
        int r = result.Rows.FindIndex(x => x.Model == reference);
        double referenceRmse = result.Rows[r].Rmse;
        bool any = false, significant = false;
        foreach (var group in result.Rows.Select((row, i) => (row, i)).GroupBy(x => x.row.Model))
        {
            double rmse = group.Average(x => x.row.Rmse);
            if (group.Key == reference || rmse >= referenceRmse) continue;
            any = true;
            var p = group.Select(x => DieboldMarianoP(result.Actual, result.Predictions[x.i], result.Predictions[r])).ToArray();
            significant |= p.Min() < 0.05;
            string ps = p.Length == 1 ? $"p = {p[0]:F2}" : $"p = {p.Min():F2}-{p.Max():F2} over seeds";
            w.WriteLine($"  {group.Key}: RMSE {100 * (1 - rmse / referenceRmse):F2} % below {reference} (one-sided Diebold-Mariano {ps})");
        }
        if (!any) w.WriteLine($"  Nothing beats {reference} by RMSE.");
        else if (!significant) w.WriteLine($"  None of these differences is significant at 5 %: nothing here reliably beats {reference}.");
    }

    /// <summary>
    /// The one-sided Diebold–Mariano (1995) p-value that <paramref name="model"/> forecasts better than <paramref name="reference"/>
    /// under squared-error loss: <c>d_t = (y_t − r_t)² − (y_t − m_t)²</c>, <c>DM = d̄ / √(s²_d / n)</c> (one-step forecasts, so no
    /// autocorrelation correction), <c>p = 1 − Φ(DM)</c>. Small p: the model's advantage is unlikely to be luck.
    /// </summary>
    public static double DieboldMarianoP(float[] actual, float[] model, float[] reference)
    {
        int n = actual.Length;
        var d = new double[n];
        for (int t = 0; t < n; t++)
        {
            double er = actual[t] - (double)reference[t], em = actual[t] - (double)model[t];
            d[t] = er * er - em * em;
        }
        double mean = d.Average(), variance = d.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        if (variance == 0) return mean > 0 ? 0 : 1;
        return 1 - NormalCdf(mean / Math.Sqrt(variance / n));
    }

    // Φ(x) = ½·erfc(−x/√2), erfc by Abramowitz and Stegun 7.1.26 (absolute error below 1.5·10⁻⁷): plenty for a p-value.
    private static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * z);
        double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-z * z);
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }

    private static string Short(string model) => model.Split(' ', ',')[0];

    /// <summary>"mean ± sd" of <paramref name="values"/>×<paramref name="scale"/> (just the value when there is one).</summary>
    public static string Spread(double[] values, double scale, string format)
    {
        double mean = values.Average() * scale;
        if (values.Length < 2) return mean.ToString(format, CultureInfo.InvariantCulture);
        double sd = Math.Sqrt(values.Sum(v => (v * scale - mean) * (v * scale - mean)) / (values.Length - 1));
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)}";
    }
}
