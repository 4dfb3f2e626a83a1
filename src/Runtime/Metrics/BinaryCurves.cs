using System;

namespace Axon.Metrics;

/// <summary>One point of a ROC curve: at <see cref="Threshold"/>, the false-positive rate and the true-positive rate (recall).</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, float Threshold);

/// <summary>One point of a precision–recall curve at <see cref="Threshold"/>.</summary>
public readonly record struct PrecisionRecallPoint(double Recall, double Precision, float Threshold);

/// <summary>
/// The ROC and precision–recall curves of a binary scorer, one point per distinct score (predict positive when
/// <c>score ≥ threshold</c>), from the highest threshold down; what <see cref="BinaryRanking"/> summarises as areas.
/// </summary>
public static class BinaryCurves
{
    /// <summary>
    /// The ROC curve: starts at (0, 0) with threshold +∞ and ends at (1, 1); its trapezoidal area equals
    /// <see cref="BinaryRanking.RocAuc"/>. Empty when there are no positives or no negatives.
    /// </summary>
    public static RocPoint[] Roc(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var all = Thresholds.All(scores, targets);
        if (all[0].Positives == 0 || all[0].Negatives == 0) return [];
        return Array.ConvertAll(all, c => new RocPoint(c.FalsePositiveRate, c.Recall, c.Threshold));
    }

    /// <summary>
    /// The precision–recall curve at every distinct score (no +∞ point: precision is undefined there); the sum of
    /// <c>(R_k − R_{k−1})·P_k</c> along it is <see cref="BinaryRanking.AveragePrecision"/>. Empty when there are no positives.
    /// </summary>
    public static PrecisionRecallPoint[] PrecisionRecall(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        var all = Thresholds.All(scores, targets);
        if (all[0].Positives == 0) return [];
        return Array.ConvertAll(all[1..], c => new PrecisionRecallPoint(c.Recall, c.Precision, c.Threshold));
    }

    /// <summary>The trapezoidal area under a ROC curve from <see cref="Roc"/>.</summary>
    public static double Area(ReadOnlySpan<RocPoint> curve)
    {
        double area = 0;
        for (int i = 1; i < curve.Length; i++)
            area += (curve[i].FalsePositiveRate - curve[i - 1].FalsePositiveRate) * (curve[i].TruePositiveRate + curve[i - 1].TruePositiveRate) / 2;
        return area;
    }
}
