using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Axon.Explanations;

/// <summary>
/// Per-feature reports named by the ORIGINAL columns: the values of one column's expansion (a one-hot group, a value and
/// its missing indicator) are summed back into that column, so a report says "Income", not "Income (missing)" and
/// "Home=rent" separately. The column of each model input comes from <c>TabularPipeline.FeatureColumns</c>.
/// </summary>
public static class FeatureReport
{
    /// <summary>
    /// Mean over rows of the absolute per-column attribution: for each row, the attributions of a column's values are
    /// summed (signs kept, as completeness adds them), then the absolute value is averaged over rows. Sorted, largest first.
    /// </summary>
    /// <param name="attributions"><c>[n, featureColumns.Count]</c> attributions (e.g. from <see cref="Attributions.IntegratedGradients"/>).</param>
    /// <param name="featureColumns">The source column of each input value.</param>
    public static FeatureImportance[] MeanAbsoluteByColumn(ReadOnlySpan<float> attributions, IReadOnlyList<string> featureColumns)
    {
        ArgumentNullException.ThrowIfNull(featureColumns);
        int width = featureColumns.Count;
        int n = Guard.Rows(attributions.Length, width, nameof(attributions), "the feature list");
        var columns = featureColumns.Distinct().ToArray();
        var index = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var map = featureColumns.Select(c => index[c]).ToArray();
        var sums = new double[columns.Length];
        var squares = new double[columns.Length];
        var row = new double[columns.Length];
        for (int r = 0; r < n; r++)
        {
            Array.Clear(row);
            for (int i = 0; i < width; i++) row[map[i]] += attributions[r * width + i];
            for (int c = 0; c < columns.Length; c++) { sums[c] += Math.Abs(row[c]); squares[c] += row[c] * row[c]; }
        }
        return columns.Select((c, i) =>
        {
            double mean = sums[i] / n;
            return new FeatureImportance(c, mean, Math.Sqrt(Math.Max(0, squares[i] / n - mean * mean)));
        }).OrderByDescending(f => f.Importance).ToArray();
    }

    /// <summary>The attributions of one row summed per source column, in column order of first appearance.</summary>
    public static (string Column, double Attribution)[] ByColumn(ReadOnlySpan<float> attributions, IReadOnlyList<string> featureColumns)
    {
        ArgumentNullException.ThrowIfNull(featureColumns);
        if (attributions.Length != featureColumns.Count)
            throw new ArgumentException($"expected one attribution per feature ({featureColumns.Count}), got {attributions.Length}.", nameof(attributions));
        var order = new List<string>();
        var sums = new Dictionary<string, double>();
        for (int i = 0; i < attributions.Length; i++)
        {
            if (!sums.ContainsKey(featureColumns[i])) { order.Add(featureColumns[i]); sums[featureColumns[i]] = 0; }
            sums[featureColumns[i]] += attributions[i];
        }
        return order.Select(c => (c, sums[c])).ToArray();
    }

    /// <summary>A Markdown table of importances, largest first, with a header naming what they measure.</summary>
    public static string ToMarkdown(IEnumerable<FeatureImportance> importances, string measure)
    {
        ArgumentNullException.ThrowIfNull(importances);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| feature | {measure} | ± sd |");
        text.AppendLine("|---|---:|---:|");
        foreach (var f in importances.OrderByDescending(f => f.Importance))
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Feature} | {f.Importance:F4} | {f.StandardDeviation:F4} |");
        return text.ToString();
    }
}
