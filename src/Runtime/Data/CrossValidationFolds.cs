using System;
using Axon.Data.Tabular;

namespace Axon.Data;

/// <summary>
/// The folds of <see cref="Training.CrossValidation"/>: stratified by class through <see cref="StratifiedSplit.KFold"/> (class-index
/// labels, or <c>t ≥ 0.5</c> for one target per sample), or plain (a random permutation cut into k nearly equal parts) for
/// regression data or when stratification is off.
/// </summary>
internal static class CrossValidationFolds
{
    /// <summary>k pairs of (training rows, held-out rows), each sorted.</summary>
    public static (int[] Train, int[] Test)[] Split(Dataset data, int folds, bool stratified, long seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "expected at least 2 folds.");
        if (folds > data.Count)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"{folds} folds need at least {folds} samples; the dataset has {data.Count}.");
        if (stratified && (data.Labels is not null || data.TargetSize == 1))
        {
            var labels = data.Labels ?? Array.ConvertAll(data.Targets!, t => t >= 0.5f ? 1 : 0);
            return StratifiedSplit.KFold(labels, folds, seed);
        }
        var order = Dataset.Permutation(data.Count, seed);
        var fold = new int[data.Count];
        for (int i = 0; i < order.Length; i++) fold[order[i]] = (int)((long)i * folds / order.Length);
        var result = new (int[] Train, int[] Test)[folds];
        for (int k = 0; k < folds; k++)
        {
            int held = 0;
            foreach (int f in fold) if (f == k) held++;
            var train = new int[data.Count - held];
            var test = new int[held];
            int a = 0, b = 0;
            for (int i = 0; i < fold.Length; i++)
                if (fold[i] == k) test[b++] = i; else train[a++] = i;
            result[k] = (train, test);
        }
        return result;
    }
}
