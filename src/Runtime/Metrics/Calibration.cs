using System;

namespace Axon.Metrics;

/// <summary>One bin of a reliability curve: predictions in [<see cref="Low"/>, <see cref="High"/>).</summary>
/// <param name="Low">Lower edge of the bin.</param>
/// <param name="High">Upper edge (the last bin includes 1).</param>
/// <param name="Count">Predictions in the bin.</param>
/// <param name="MeanPredicted">Their mean predicted probability; NaN when the bin is empty.</param>
/// <param name="FractionPositive">The fraction of them that are positive; NaN when the bin is empty.</param>
public readonly record struct ReliabilityBin(double Low, double High, long Count, double MeanPredicted, double FractionPositive);

/// <summary>
/// Whether predicted probabilities mean what they say: of the loans given P(bad) ≈ 0.2, about 20 % should go bad.
/// Ranking metrics (ROC-AUC) ignore this; pricing and provisioning depend on it. Class weights and oversampling
/// raise predicted probabilities above the true rates, which these measures show.
/// Positives are the samples with <c>target ≥ 0.5</c>.
/// </summary>
public static class Calibration
{
    /// <summary>σ(z) = 1/(1 + e^(−z)) of each logit: the probabilities of a binary cross-entropy model.</summary>
    public static float[] Sigmoid(ReadOnlySpan<float> logits)
    {
        var p = new float[logits.Length];
        for (int i = 0; i < p.Length; i++) p[i] = 1f / (1f + MathF.Exp(-logits[i]));
        return p;
    }

    /// <summary>
    /// The Brier score: <c>(1/n) Σ (p_i − y_i)²</c> with y ∈ {0, 1}; 0 is perfect, and always predicting the base rate π scores π(1 − π).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, no samples, or a probability outside [0, 1].</exception>
    public static double BrierScore(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets)
    {
        Check(probabilities, targets);
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double d = probabilities[i] - (targets[i] >= 0.5f ? 1.0 : 0.0);
            sum += d * d;
        }
        return sum / probabilities.Length;
    }

    /// <summary>
    /// The reliability (calibration) curve: <paramref name="bins"/> equal-width bins over [0, 1], each with its mean predicted
    /// probability and observed positive fraction; a calibrated model has the two equal in every bin. Default: 10 bins.
    /// </summary>
    public static ReliabilityBin[] ReliabilityCurve(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, int bins = 10)
    {
        Check(probabilities, targets);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "at least one bin is needed.");
        var count = new long[bins];
        var predicted = new double[bins];
        var positive = new long[bins];
        for (int i = 0; i < probabilities.Length; i++)
        {
            int b = Math.Min((int)(probabilities[i] * (double)bins), bins - 1);
            count[b]++;
            predicted[b] += probabilities[i];
            if (targets[i] >= 0.5f) positive[b]++;
        }
        var curve = new ReliabilityBin[bins];
        for (int b = 0; b < bins; b++)
            curve[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b],
                count[b] == 0 ? double.NaN : predicted[b] / count[b], count[b] == 0 ? double.NaN : (double)positive[b] / count[b]);
        return curve;
    }

    /// <summary>
    /// Expected calibration error of a reliability curve: <c>Σ_b (n_b/n) |FractionPositive_b − MeanPredicted_b|</c> over non-empty bins.
    /// </summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<ReliabilityBin> curve)
    {
        long n = 0;
        double sum = 0;
        foreach (var bin in curve)
        {
            if (bin.Count == 0) continue;
            n += bin.Count;
            sum += bin.Count * Math.Abs(bin.FractionPositive - bin.MeanPredicted);
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private static void Check(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets)
    {
        if (probabilities.Length != targets.Length)
            throw new ArgumentException($"expected one target per probability ({probabilities.Length}), but got {targets.Length}.", nameof(targets));
        if (probabilities.Length == 0) throw new ArgumentException("no samples were given.", nameof(probabilities));
        for (int i = 0; i < probabilities.Length; i++)
            if (!(probabilities[i] >= 0 && probabilities[i] <= 1))
                throw new ArgumentException($"probabilities must be in [0, 1], but probabilities[{i}] is {probabilities[i]} (apply Calibration.Sigmoid to logits).", nameof(probabilities));
    }
}
