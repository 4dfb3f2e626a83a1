using System;
using System.Collections.Generic;

namespace Axon.Metrics;

/// <summary>
/// Choosing the decision threshold of a binary scorer (predict positive when <c>score ≥ t</c>) on data set aside for it,
/// typically a validation split: never on the test split, whose figures would then be optimistic. The candidates
/// are every distinct score (and +∞, predicting nothing positive), so the chosen threshold reproduces the reported
/// counts exactly on the data it was chosen on. Each method sorts a copy of the scores: O(n log n).
/// Positives are the samples with <c>target ≥ 0.5</c>.
/// </summary>
public static class Thresholds
{
    /// <summary>Every candidate threshold, from +∞ down to the lowest score, with its counts.</summary>
    public static ThresholdChoice[] All(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var (sorted, positive, positives) = Sorted(scores, targets);
        long negatives = sorted.Length - positives;
        var result = new List<ThresholdChoice>(sorted.Length + 1) { new(float.PositiveInfinity, 0, 0, positives, negatives) };
        long tp = 0, fp = 0;
        for (int start = 0; start < sorted.Length;)
        {
            int end = start;
            for (; end < sorted.Length && sorted[end] == sorted[start]; end++)
                if (positive[end]) tp++; else fp++;
            result.Add(new ThresholdChoice(sorted[start], tp, fp, positives, negatives));
            start = end;
        }
        return [.. result];
    }

    /// <summary>
    /// The highest threshold whose recall is at least <paramref name="recall"/>: catching that share of the positives with as few
    /// false alarms as possible.
    /// </summary>
    /// <exception cref="ArgumentException">No positives, or <paramref name="recall"/> outside (0, 1].</exception>
    public static ThresholdChoice ForRecall(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, double recall)
    {
        if (!(recall > 0 && recall <= 1)) throw new ArgumentOutOfRangeException(nameof(recall), recall, "target recall must be in (0, 1].");
        var all = All(scores, targets);
        if (all[0].Positives == 0) throw new ArgumentException("there are no positives: recall is undefined.", nameof(targets));
        foreach (var choice in all)
            if (choice.Recall >= recall - 1e-12) return choice;
        return all[^1];   // unreachable: the lowest score has recall 1
    }

    /// <summary>
    /// The lowest threshold (highest recall) whose precision is at least <paramref name="precision"/>, or null when no threshold
    /// reaches it.
    /// </summary>
    public static ThresholdChoice? ForPrecision(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, double precision)
    {
        if (!(precision > 0 && precision <= 1)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "target precision must be in (0, 1].");
        var all = All(scores, targets);
        for (int k = all.Length - 1; k >= 1; k--)
            if (all[k].Precision >= precision - 1e-12) return all[k];
        return null;
    }

    /// <summary>The threshold of the highest F1 (of the highest threshold among ties).</summary>
    public static ThresholdChoice MaximumF1(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var all = All(scores, targets);
        var best = all[0];
        foreach (var choice in all)
            if (choice.F1 > best.F1) best = choice;
        return best;
    }

    /// <summary>The threshold of the lowest total cost under <paramref name="costs"/> (of the highest threshold among ties).</summary>
    public static ThresholdChoice MinimumCost(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, BinaryCosts costs)
    {
        var all = All(scores, targets);
        var best = all[0];
        foreach (var choice in all)
            if (choice.Cost(costs) < best.Cost(costs)) best = choice;
        return best;
    }

    internal static (float[] Sorted, bool[] Positive, long Positives) Sorted(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        if (scores.Length != targets.Length)
            throw new ArgumentException($"expected one target per score ({scores.Length}), but got {targets.Length}.", nameof(targets));
        var keys = new float[scores.Length];
        var positive = new bool[scores.Length];
        long positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!float.IsFinite(scores[i]))
                throw new ArgumentException($"scores must be finite, but scores[{i}] is {scores[i]}.", nameof(scores));
            keys[i] = -scores[i];
            positive[i] = targets[i] >= 0.5f;
            if (positive[i]) positives++;
        }
        Array.Sort(keys, positive);
        for (int i = 0; i < keys.Length; i++) keys[i] = -keys[i];
        return (keys, positive, positives);
    }
}
