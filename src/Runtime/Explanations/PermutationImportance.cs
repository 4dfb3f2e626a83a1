using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Data;

namespace Axon.Explanations;

/// <summary>
/// Permutation importance (Breiman, 2001; Fisher et al., 2019) on a held-out set: how much a score drops when one
/// feature's values are shuffled across the rows, breaking its link with the target while keeping its distribution.
/// Model-agnostic (it only calls <see cref="IModel.Predict"/>); measure it on data the model was not trained on, or it
/// reports what the model memorised. Features are grouped by source column: all values of one column's expansion
/// (one-hot, missing indicator) are shuffled together with the same permutation.
/// </summary>
public static class PermutationImportance
{
    /// <summary>
    /// For each source column c: <c>importance_c = s(original) − mean_r s(column c permuted, repeat r)</c> over
    /// <paramref name="repeats"/> seeded permutations, with the standard deviation over repeats. Sorted, largest first.
    /// Defaults: 5 repeats, seed 0.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Held-out rows with targets (<c>[Count, InputSize]</c>).</param>
    /// <param name="score">Higher is better, from the model's outputs (<c>[Count, OutputSize]</c>) and the targets: e.g. <c>(o, t) =&gt; BinaryRanking.RocAuc(o, t)</c>.</param>
    /// <param name="featureColumns">The source column of each input value (<c>TabularPipeline.FeatureColumns</c>); default: each input value is its own feature, named by its index.</param>
    /// <param name="repeats">Permutations per column; at least 1.</param>
    /// <param name="seed">Seed of the permutations.</param>
    public static FeatureImportance[] Compute(IModel model, Dataset data, Func<float[], float[], double> score,
        IReadOnlyList<string>? featureColumns = null, int repeats = 5, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(score);
        if (data.FeatureSize != model.InputSize)
            throw new ArgumentException($"the data has {data.FeatureSize} values per row; {model.Name} takes {model.InputSize}.", nameof(data));
        var targets = data.Targets ?? throw new ArgumentException("permutation importance needs a dataset with targets (Dataset.FromRegression), not class labels.", nameof(data));
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "at least 1 repeat is needed.");
        int width = data.FeatureSize, n = data.Count;
        featureColumns ??= Enumerable.Range(0, width).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (featureColumns.Count != width)
            throw new ArgumentException($"expected one column name per input value ({width}), got {featureColumns.Count}.", nameof(featureColumns));

        var outputs = new float[n * model.OutputSize];
        model.Predict(data.Features, outputs);
        double original = score(outputs, targets);
        var shuffled = (float[])data.Features.Clone();
        var permutation = new int[n];
        var rng = new Rng(seed);
        var result = new List<FeatureImportance>();
        foreach (var group in featureColumns.Select((c, i) => (c, i)).GroupBy(p => p.c))
        {
            var positions = group.Select(p => p.i).ToArray();
            var drops = new double[repeats];
            for (int r = 0; r < repeats; r++)
            {
                for (int i = 0; i < n; i++) permutation[i] = i;
                rng.Shuffle(permutation.AsSpan());
                for (int i = 0; i < n; i++)
                    foreach (int j in positions) shuffled[i * width + j] = data.Features[permutation[i] * width + j];
                model.Predict(shuffled, outputs);
                drops[r] = original - score(outputs, targets);
            }
            foreach (int j in positions)   // restore the group's values before the next group
                for (int i = 0; i < n; i++) shuffled[i * width + j] = data.Features[i * width + j];
            double mean = drops.Average();
            result.Add(new FeatureImportance(group.Key, mean, Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / repeats)));
        }
        return [.. result.OrderByDescending(f => f.Importance)];
    }
}
