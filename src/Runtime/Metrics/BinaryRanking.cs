using System;

namespace Axon.Metrics;

/// <summary>
/// How well a score ranks the positives of a binary task above the negatives, at every threshold at
/// once: the metrics to report when one class is rare, where accuracy says little (on 5 % positives,
/// calling everything negative is 95 % accurate). The positives are the samples whose target is
/// <c>t ≥ 0.5</c> (as in <see cref="Accuracy.CountBinaryCorrect"/>); any score that grows with the
/// probability of the positive class will do (a logit, a probability). Both metrics sort a copy of the
/// scores, so they allocate and take <c>O(n log n)</c>; they are for evaluation, not for a training step.
/// </summary>
public static class BinaryRanking
{
    /// <summary>
    /// Area under the ROC curve (true-positive rate against false-positive rate over all thresholds):
    /// the probability that a random positive scores above a random negative, ties counted half,
    /// <c>AUC = (1/(P·N)) Σ_{i∈pos} Σ_{j∈neg} ([s_i &gt; s_j] + ½[s_i = s_j])</c> (the Mann–Whitney U
    /// statistic over P·N; equal to scikit-learn's <c>roc_auc_score</c>). 0.5 is a random score, 1 a perfect ranking.
    /// </summary>
    /// <param name="scores">One score per sample; finite.</param>
    /// <param name="targets">One target per sample; positive when ≥ 0.5.</param>
    /// <returns>The area, in [0, 1]; NaN when there are no positives or no negatives (it is then undefined).</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a score is NaN or infinite.</exception>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var (sorted, positive, positives) = SortDescending(scores, targets);
        long negatives = sorted.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double sum = 0;
        long positivesAbove = 0;
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            long groupPositives = 0, groupNegatives = 0;
            for (; end < sorted.Length && sorted[end] == sorted[start]; end++)
                if (positive[end]) groupPositives++; else groupNegatives++;
            // Each negative of this score is outranked by every positive above it and ties with those beside it.
            sum += groupNegatives * (positivesAbove + 0.5 * groupPositives);
            positivesAbove += groupPositives;
            start = end;
        }
        return sum / ((double)positives * negatives);
    }

    /// <summary>
    /// Area under the precision–recall curve as average precision: the precision at each distinct
    /// threshold, from the highest score down, weighted by the recall it adds,
    /// <c>AP = Σ_k (R_k − R_{k−1}) · P_k</c> with <c>P_k = TP_k/(TP_k + FP_k)</c>, <c>R_k = TP_k/P</c>
    /// (scikit-learn's <c>average_precision_score</c>; no interpolation, so it is not optimistic the way the
    /// trapezoidal area is). A random score gets about the positive rate, a perfect ranking 1.
    /// </summary>
    /// <param name="scores">One score per sample; finite.</param>
    /// <param name="targets">One target per sample; positive when ≥ 0.5.</param>
    /// <returns>The average precision, in [0, 1]; NaN when there are no positives (recall is then undefined).</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a score is NaN or infinite.</exception>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var (sorted, positive, positives) = SortDescending(scores, targets);
        if (positives == 0) return double.NaN;
        double sum = 0;
        long truePositives = 0, falsePositives = 0;
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            long groupPositives = 0;
            for (; end < sorted.Length && sorted[end] == sorted[start]; end++)
                if (positive[end]) groupPositives++; else falsePositives++;
            truePositives += groupPositives;
            if (groupPositives > 0)
                sum += (double)groupPositives / positives * truePositives / (truePositives + falsePositives);
            start = end;
        }
        return sum;
    }

    /// <summary>The scores from highest to lowest, whether each sample is positive, and how many are.</summary>
    private static (float[] Sorted, bool[] Positive, long Positives) SortDescending(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        if (scores.Length != targets.Length)
            throw new ArgumentException($"expected one target per score ({scores.Length}), but got {targets.Length}", nameof(targets));
        var keys = new float[scores.Length];
        var positive = new bool[scores.Length];
        long positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!float.IsFinite(scores[i]))
                throw new ArgumentException($"scores must be finite, but scores[{i}] is {scores[i]}", nameof(scores));
            keys[i] = -scores[i];   // ascending sort of the negated scores: highest first
            positive[i] = targets[i] >= 0.5f;
            if (positive[i]) positives++;
        }
        Array.Sort(keys, positive);
        return (keys, positive, positives);
    }
}
