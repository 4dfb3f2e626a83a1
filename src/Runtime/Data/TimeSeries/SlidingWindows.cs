using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Data.TimeSeries;

/// <summary>Cuts a <see cref="Series"/> into supervised samples without look-ahead.</summary>
public static class SlidingWindows
{
    /// <summary>
    /// One sample per target row <c>t</c> in <paramref name="targets"/> (every <see cref="WindowOptions.Stride"/>-th row, from the
    /// first that has a full window), with inputs rows <c>t − H − T + 1 … t − H</c> of the feature columns and targets row <c>t</c>
    /// of the target columns (see <see cref="WindowOptions"/>). A sample belongs to the period that holds its <b>target</b>: its
    /// inputs may reach back into an earlier period (at forecast time the past is known), never forward, so windows cut per
    /// <see cref="WalkForward"/> period leak nothing from a later period into an earlier one.
    /// </summary>
    /// <param name="series">The series (scale it first with a <see cref="SeriesScaler"/> fitted on the training period).</param>
    /// <param name="options">Window, horizon, stride, feature and target columns.</param>
    /// <param name="targets">The rows whose values may be targets. Default: null, every row.</param>
    /// <returns>The samples, in time order; possibly none, when the range holds no row with a full window before it.</returns>
    /// <exception cref="ArgumentException">A size below 1, an unknown or repeated column, or a range outside the series.</exception>
    public static WindowedSeries Create(Series series, WindowOptions options, TimeRange? targets = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        int window = options.Window, horizon = options.Horizon, stride = options.Stride;
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(options), window, $"Window is {window}; expected at least 1 time step.");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(options), horizon, $"Horizon is {horizon}; expected at least 1 (a target at or before the last input row would be in the input).");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(options), stride, $"Stride is {stride}; expected at least 1.");
        if (options.Targets is null || options.Targets.Count == 0)
            throw new ArgumentException("Targets names no column; expected at least one target column.", nameof(options));
        var featureNames = options.Features ?? series.Columns;
        if (featureNames.Count == 0) throw new ArgumentException("Features names no column; expected at least one, or null for all.", nameof(options));
        var features = Indices(series, featureNames, "Features");
        var targetIndex = Indices(series, options.Targets, "Targets");
        var range = targets ?? new TimeRange(0, series.Length);
        range.Check(series.Length, nameof(targets));

        int first = Math.Max(range.Start, window + horizon - 1);
        int count = first >= range.End ? 0 : (range.End - 1 - first) / stride + 1;
        int f = features.Length, k = targetIndex.Length, columns = series.ColumnCount;
        var x = new float[count * window * f];
        var y = new float[count * k];
        var rows = new int[count];
        var values = series.Values;
        for (int i = 0; i < count; i++)
        {
            int t = first + i * stride, start = t - horizon - window + 1;
            rows[i] = t;
            for (int s = 0; s < window; s++)
                for (int j = 0; j < f; j++)
                    x[(i * window + s) * f + j] = values[(start + s) * columns + features[j]];
            for (int j = 0; j < k; j++) y[i * k + j] = values[t * columns + targetIndex[j]];
        }
        var data = new Dataset(x, window * f, null, y, k);
        return new WindowedSeries(data, window, f, horizon, rows, featureNames.ToArray(), options.Targets.ToArray());
    }

    private static int[] Indices(Series series, IReadOnlyList<string> names, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new int[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (!seen.Add(names[i])) throw new ArgumentException($"{what} names column '{names[i]}' twice.", nameof(names));
            result[i] = series.IndexOf(names[i]);
        }
        return result;
    }
}
