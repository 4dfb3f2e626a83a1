using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Data.TimeSeries;

/// <summary>
/// Standardisation of a series' columns, <c>z = (x − μ_c) / σ_c</c>, with <c>μ_c</c> and <c>σ_c</c> (population standard deviation,
/// as scikit-learn's <c>StandardScaler</c>; 1 where a column is constant) measured on the training period only. Fitting on the whole
/// series would leak the test period's level and spread into the training inputs; <see cref="Fit"/> reads only the rows it is given.
/// </summary>
public sealed class SeriesScaler
{
    private readonly string[] _columns;
    private readonly double[] _mean, _scale;

    private SeriesScaler(string[] columns, double[] mean, double[] scale)
    {
        _columns = columns;
        _mean = mean;
        _scale = scale;
    }

    /// <summary>
    /// Measures <c>μ_c = (1/n) Σ x_tc</c> and <c>σ_c = √((1/n) Σ (x_tc − μ_c)²)</c> over rows <paramref name="rows"/> (the training
    /// period) of <paramref name="columns"/> (default: all). Columns not named are passed through unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown column, or a range outside the series or with no rows.</exception>
    public static SeriesScaler Fit(Series series, TimeRange rows, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(series);
        rows.Check(series.Length, nameof(rows));
        if (rows.Length == 0) throw new ArgumentException($"rows {rows} is empty; a scaler needs at least one row to measure.", nameof(rows));
        if (columns is null || columns.Length == 0) columns = series.Columns.ToArray();
        var mean = new double[series.ColumnCount];
        var scale = new double[series.ColumnCount];
        Array.Fill(scale, 1.0);
        foreach (var name in columns)
        {
            int c = series.IndexOf(name);
            double sum = 0;
            for (int t = rows.Start; t < rows.End; t++) sum += series[t, c];
            double mu = sum / rows.Length, ss = 0;
            for (int t = rows.Start; t < rows.End; t++) { double d = series[t, c] - mu; ss += d * d; }
            double sigma = Math.Sqrt(ss / rows.Length);
            mean[c] = mu;
            scale[c] = sigma > 0 ? sigma : 1;
        }
        return new SeriesScaler(series.Columns.ToArray(), mean, scale);
    }

    /// <summary>The columns of the series the scaler was fitted on.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>μ of <paramref name="column"/> (0 for a column passed through).</summary>
    public double Mean(string column) => _mean[IndexOf(column)];

    /// <summary>σ of <paramref name="column"/> (1 for a column passed through or constant).</summary>
    public double Scale(string column) => _scale[IndexOf(column)];

    /// <summary>A new series, every value standardised: <c>(x − μ_c) / σ_c</c>.</summary>
    /// <exception cref="ArgumentException">The series' columns are not those the scaler was fitted on.</exception>
    public Series Transform(Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!series.Columns.SequenceEqual(_columns))
            throw new ArgumentException(
                $"the series has columns {string.Join(", ", series.Columns)}; the scaler was fitted on {string.Join(", ", _columns)}.", nameof(series));
        int k = _columns.Length;
        var values = new float[series.Values.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((series.Values[i] - _mean[i % k]) / _scale[i % k]);
        return new Series(values, _columns);
    }

    /// <summary>Maps standardised values of <paramref name="column"/> (a model's predictions) back to its units, in place: <c>x = z·σ_c + μ_c</c>.</summary>
    public void Inverse(string column, Span<float> values)
    {
        int c = IndexOf(column);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] * _scale[c] + _mean[c]);
    }

    private int IndexOf(string column)
    {
        int c = Array.IndexOf(_columns, column);
        return c >= 0 ? c : throw new ArgumentException($"the scaler has no column '{column}'; its columns are {string.Join(", ", _columns)}.", nameof(column));
    }
}
