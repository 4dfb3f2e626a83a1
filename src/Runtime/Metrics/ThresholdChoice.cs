namespace Axon.Metrics;

/// <summary>
/// A decision threshold and what it gives on the data it was chosen on: predict positive when <c>score ≥ Threshold</c>
/// (<see cref="float.PositiveInfinity"/>: predict nothing positive).
/// </summary>
/// <param name="Threshold">The threshold, one of the scores (or +∞).</param>
/// <param name="TruePositives">Positives at or above it.</param>
/// <param name="FalsePositives">Negatives at or above it.</param>
/// <param name="Positives">All positives.</param>
/// <param name="Negatives">All negatives.</param>
public readonly record struct ThresholdChoice(float Threshold, long TruePositives, long FalsePositives, long Positives, long Negatives)
{
    /// <summary>TP/(TP + FP); 0 when nothing is predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP/P; 0 when there are no positives.</summary>
    public double Recall => Positives == 0 ? 0 : (double)TruePositives / Positives;

    /// <summary>FP/N, the false-positive rate; 0 when there are no negatives.</summary>
    public double FalsePositiveRate => Negatives == 0 ? 0 : (double)FalsePositives / Negatives;

    /// <summary>1 − FP/N, the specificity.</summary>
    public double Specificity => Negatives == 0 ? 0 : 1 - FalsePositiveRate;

    /// <summary>2TP/(2TP + FP + FN).</summary>
    public double F1 => 2 * TruePositives + FalsePositives + (Positives - TruePositives) == 0 ? 0
        : 2.0 * TruePositives / (2 * TruePositives + FalsePositives + (Positives - TruePositives));

    /// <summary>The total cost of this threshold's decisions under <paramref name="costs"/>.</summary>
    public double Cost(BinaryCosts costs) =>
        TruePositives * costs.TruePositive + FalsePositives * costs.FalsePositive
        + (Positives - TruePositives) * costs.FalseNegative + (Negatives - FalsePositives) * costs.TrueNegative;
}
