using System;
using System.Collections.Generic;

namespace Axon.Data;

/// <summary>
/// K-fold assignment of a dataset's rows for <see cref="Training.CrossValidation"/>: plain (a random permutation cut into k nearly equal
/// parts) or stratified (each class's rows shuffled and dealt round-robin to the folds, so every fold keeps the class proportions within
/// one sample per class). Internal until the data helpers' public stratified k-fold lands; then CrossValidation should use that.
/// </summary>
internal static class CrossValidationFolds
{
    /// <summary>The fold (0..k−1) of every row.</summary>
    public static int[] Assign(Dataset data, int folds, bool stratified, long seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "expected at least 2 folds.");
        if (folds > data.Count)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"{folds} folds need at least {folds} samples; the dataset has {data.Count}.");
        var fold = new int[data.Count];
        var rng = new Rng(seed);
        if (!stratified || (data.Labels is null && data.TargetSize != 1))
        {
            var order = Dataset.Permutation(data.Count, seed);
            for (int i = 0; i < order.Length; i++) fold[order[i]] = (int)((long)i * folds / order.Length);
            return fold;
        }
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < data.Count; i++)
        {
            int c = data.Labels is { } l ? l[i] : data.Targets![i] >= 0.5f ? 1 : 0;
            if (!byClass.TryGetValue(c, out var list)) byClass[c] = list = [];
            list.Add(i);
        }
        // Continue the round-robin across classes so fold sizes differ by at most one overall.
        int next = 0;
        foreach (var rows in byClass.Values)
        {
            var array = rows.ToArray();
            rng.Shuffle<int>(array);
            foreach (int row in array) { fold[row] = next; next = (next + 1) % folds; }
        }
        return fold;
    }

    /// <summary>The training rows (every fold but <paramref name="k"/>) and the held-out rows of fold <paramref name="k"/>, each in dataset order.</summary>
    public static (int[] Train, int[] Held) Rows(int[] fold, int k)
    {
        var train = new List<int>();
        var held = new List<int>();
        for (int i = 0; i < fold.Length; i++) (fold[i] == k ? held : train).Add(i);
        return (train.ToArray(), held.ToArray());
    }
}
