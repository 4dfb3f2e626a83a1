using System;
using System.Linq;
using Axon.Metrics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Axon.Runtime.Tests.Metrics;

/// <summary>Confusion matrix, thresholds, curves and calibration against hand-computed cases and brute force on random data.</summary>
public class ClassificationMetricsTests
{
    /// <summary>Random binary scores with many ties (a few score levels) and a random positive rate, from <paramref name="seed"/>.</summary>
    private static (float[] Scores, float[] Targets) RandomBinary(int seed, int n)
    {
        var rng = new Rng(seed);
        int levels = 2 + rng.NextInt(12);
        float rate = 0.05f + 0.9f * rng.NextSingle();
        var scores = new float[n];
        var targets = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = rng.NextSingle() < rate;
            targets[i] = positive ? 1 : 0;
            // Positives score higher on average, so thresholds matter.
            scores[i] = rng.NextInt(levels) + (positive ? rng.NextInt(levels) : 0) - levels / 2f;
        }
        return (scores, targets);
    }

    private static (long Tp, long Fp, long Fn, long Tn) Count(float[] scores, float[] targets, float threshold)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool predicted = scores[i] >= threshold, actual = targets[i] >= 0.5f;
            if (predicted && actual) tp++; else if (predicted) fp++; else if (actual) fn++; else tn++;
        }
        return (tp, fp, fn, tn);
    }

    private static float[] Candidates(float[] scores) => scores.Distinct().Append(float.PositiveInfinity).OrderDescending().ToArray();

    [Fact]
    public void ConfusionMatrix_ThreeClasses_HandComputed()
    {
        //            predicted 0  1  2
        // actual 0:            3  1  0
        // actual 1:            1  2  1
        // actual 2:            0  0  2
        int[] actual = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
        int[] predicted = [0, 0, 0, 1, 0, 1, 1, 2, 2, 2];
        var m = ConfusionMatrix.From(actual, predicted, 3);
        Assert.Equal(3, m[0, 0]);
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(3.0 / 4, m.Precision(0), 12);     // column 0: 3 of 4
        Assert.Equal(2.0 / 3, m.Precision(1), 12);
        Assert.Equal(2.0 / 3, m.Precision(2), 12);
        Assert.Equal(3.0 / 4, m.Recall(0), 12);
        Assert.Equal(2.0 / 4, m.Recall(1), 12);
        Assert.Equal(1.0, m.Recall(2), 12);
        Assert.Equal(5.0 / 6, m.Specificity(0), 12);   // TN 5 of 6 non-zero samples
        Assert.Equal(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), m.F1(1), 12);
        Assert.Equal((0.75 + 2.0 / 3 + 2.0 / 3) / 3, m.MacroPrecision, 12);
        Assert.Equal((0.75 + 0.5 + 1) / 3, m.MacroRecall, 12);
        Assert.Equal(0.7, m.Accuracy, 12);
        Assert.Equal(0.7, m.MicroF1, 12);
        Assert.Equal(0.7, m.MicroPrecision, 12);
        Assert.Contains("| 0 | 3 | 1 | 0 | 0.750 | 0.750 | 0.750 |", m.ToMarkdown());
    }

    [Property(MaxTest = 60)]
    public void ConfusionMatrix_MatchesBruteForceCounts(int seed, PositiveInt size)
    {
        var rng = new Rng(seed);
        int classes = 2 + rng.NextInt(4), n = size.Get % 300 + 1;
        var actual = Enumerable.Range(0, n).Select(_ => rng.NextInt(classes)).ToArray();
        var predicted = actual.Select(a => rng.NextSingle() < 0.6f ? a : rng.NextInt(classes)).ToArray();
        var m = ConfusionMatrix.From(actual, predicted, classes);
        double f1Sum = 0;
        long tpSum = 0, fpSum = 0, fnSum = 0;
        for (int c = 0; c < classes; c++)
        {
            long tp = 0, fp = 0, fn = 0, tn = 0;
            for (int i = 0; i < n; i++)
            {
                if (actual[i] == c && predicted[i] == c) tp++;
                else if (predicted[i] == c) fp++;
                else if (actual[i] == c) fn++;
                else tn++;
            }
            Assert.Equal((tp, fp, fn, tn), (m.TruePositives(c), m.FalsePositives(c), m.FalseNegatives(c), m.TrueNegatives(c)));
            double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp), recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Assert.Equal(precision, m.Precision(c), 12);
            Assert.Equal(recall, m.Recall(c), 12);
            Assert.Equal(f1, m.F1(c), 12);
            Assert.Equal(tn + fp == 0 ? 0 : (double)tn / (tn + fp), m.Specificity(c), 12);
            f1Sum += f1;
            tpSum += tp; fpSum += fp; fnSum += fn;
        }
        Assert.Equal(f1Sum / classes, m.MacroF1, 12);
        Assert.Equal((double)tpSum / (tpSum + fpSum), m.MicroPrecision, 12);
        Assert.Equal((double)tpSum / (tpSum + fnSum), m.MicroRecall, 12);
        Assert.Equal(actual.Zip(predicted).Count(p => p.First == p.Second) / (double)n, m.MicroF1, 12);   // single-label: micro F1 = accuracy
    }

    [Property(MaxTest = 60)]
    public void Thresholds_MatchBruteForceOverEveryCandidate(int seed, PositiveInt size)
    {
        var (scores, targets) = RandomBinary(seed, size.Get % 200 + 2);
        long positives = targets.Count(t => t >= 0.5f);
        var candidates = Candidates(scores);

        foreach (var choice in Thresholds.All(scores, targets))
            Assert.Equal(Count(scores, targets, choice.Threshold), (choice.TruePositives, choice.FalsePositives, choice.Positives - choice.TruePositives, choice.Negatives - choice.FalsePositives));

        var costs = new BinaryCosts(FalsePositive: 1, FalseNegative: 7, TruePositive: -0.5);
        double Cost(float t) { var (tp, fp, fn, tn) = Count(scores, targets, t); return tp * -0.5 + fp * 1 + fn * 7; }
        Assert.Equal(candidates.Min(Cost), Thresholds.MinimumCost(scores, targets, costs).Cost(costs), 9);
        Assert.Equal(candidates.First(t => Cost(t) == candidates.Min(Cost)), Thresholds.MinimumCost(scores, targets, costs).Threshold);

        if (positives == 0) return;
        double F1(float t) { var (tp, fp, fn, _) = Count(scores, targets, t); return tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn); }
        Assert.Equal(candidates.First(t => F1(t) == candidates.Max(F1)), Thresholds.MaximumF1(scores, targets).Threshold);

        foreach (double recall in new[] { 0.5, 0.8, 0.95, 1.0 })
        {
            var chosen = Thresholds.ForRecall(scores, targets, recall);
            float expected = candidates.First(t => Count(scores, targets, t).Tp >= recall * positives - 1e-9);
            Assert.Equal(expected, chosen.Threshold);
            Assert.True(chosen.Recall >= recall - 1e-12);
        }
        foreach (double precision in new[] { 0.3, 0.6, 0.9 })
        {
            var chosen = Thresholds.ForPrecision(scores, targets, precision);
            var reaching = candidates.Where(t => Count(scores, targets, t) is var c && c.Tp + c.Fp > 0 && (double)c.Tp / (c.Tp + c.Fp) >= precision).ToArray();
            if (reaching.Length == 0) Assert.Null(chosen);
            else Assert.Equal(reaching.Min(), chosen!.Value.Threshold);
        }
    }

    [Property(MaxTest = 60)]
    public void Curves_MatchBruteForce_AndTheirAreasMatchBinaryRanking(int seed, PositiveInt size)
    {
        var (scores, targets) = RandomBinary(seed, size.Get % 200 + 2);
        long positives = targets.Count(t => t >= 0.5f), negatives = targets.Length - positives;
        var roc = BinaryCurves.Roc(scores, targets);
        var pr = BinaryCurves.PrecisionRecall(scores, targets);
        if (positives == 0 || negatives == 0) { Assert.Empty(roc); if (positives == 0) Assert.Empty(pr); return; }
        Assert.Equal((0.0, 0.0), (roc[0].FalsePositiveRate, roc[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (roc[^1].FalsePositiveRate, roc[^1].TruePositiveRate));
        foreach (var point in roc)
        {
            var (tp, fp, _, _) = Count(scores, targets, point.Threshold);
            Assert.Equal((double)tp / positives, point.TruePositiveRate, 12);
            Assert.Equal((double)fp / negatives, point.FalsePositiveRate, 12);
        }
        Assert.Equal(BinaryRanking.RocAuc(scores, targets), BinaryCurves.Area(roc), 9);

        double ap = 0, previous = 0;
        foreach (var point in pr)
        {
            var (tp, fp, _, _) = Count(scores, targets, point.Threshold);
            Assert.Equal((double)tp / (tp + fp), point.Precision, 12);
            ap += (point.Recall - previous) * point.Precision;
            previous = point.Recall;
        }
        Assert.Equal(BinaryRanking.AveragePrecision(scores, targets), ap, 9);
    }

    [Fact]
    public void Thresholds_HandComputedCase()
    {
        float[] scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f];
        float[] targets = [1, 0, 1, 1, 0, 0];
        var recall = Thresholds.ForRecall(scores, targets, 2.0 / 3);
        Assert.Equal(0.7f, recall.Threshold);   // 0.9, 0.8, 0.7 flagged: 2 of 3 positives
        Assert.Equal(2.0 / 3, recall.Precision, 12);
        Assert.Equal(0.6f, Thresholds.MaximumF1(scores, targets).Threshold);   // TP 3, FP 1: F1 6/7
        Assert.Equal(0.9f, Thresholds.ForPrecision(scores, targets, 1.0)!.Value.Threshold);
        Assert.Null(Thresholds.ForPrecision(new[] { 0.9f, 0.1f }, new[] { 0f, 1f }, 0.8));
        // A missed positive costs 10, a false alarm 1: flag down to 0.6 (cost 1), not 0.9 (cost 20).
        Assert.Equal(0.6f, Thresholds.MinimumCost(scores, targets, new BinaryCosts(1, 10)).Threshold);
        // Expensive false alarms: flag only the sure 0.9 (cost 2 misses), not nothing (3) nor down to 0.6 (100 + 0).
        Assert.Equal(0.9f, Thresholds.MinimumCost(scores, targets, new BinaryCosts(100, 1)).Threshold);
        // When the top score is a negative and false alarms cost more than misses, flagging nothing wins.
        Assert.Equal(float.PositiveInfinity, Thresholds.MinimumCost(new[] { 0.9f, 0.1f }, new[] { 0f, 1f }, new BinaryCosts(5, 1)).Threshold);
        var matrix = ConfusionMatrix.Binary(scores, targets, recall.Threshold);
        Assert.Equal((2, 1, 1, 2), (matrix.TruePositives(1), matrix.FalsePositives(1), matrix.FalseNegatives(1), matrix.TrueNegatives(1)));
    }

    [Fact]
    public void Calibration_BrierAndReliability_HandComputed()
    {
        float[] p = [0.1f, 0.15f, 0.8f, 0.9f, 0.95f];
        float[] y = [0, 1, 1, 1, 0];
        double brier = (0.01 + 0.7225 + 0.04 + 0.01 + 0.9025) / 5;
        Assert.Equal(brier, Calibration.BrierScore(p, y), 6);
        var curve = Calibration.ReliabilityCurve(p, y, bins: 2);
        Assert.Equal(2, curve[0].Count);
        Assert.Equal(0.125, curve[0].MeanPredicted, 6);
        Assert.Equal(0.5, curve[0].FractionPositive, 12);
        Assert.Equal(3, curve[1].Count);
        Assert.Equal((0.8 + 0.9 + 0.95) / 3, curve[1].MeanPredicted, 6);
        Assert.Equal(2.0 / 3, curve[1].FractionPositive, 12);
        Assert.Equal((2 * 0.375 + 3 * Math.Abs(2.0 / 3 - 2.65 / 3)) / 5, Calibration.ExpectedCalibrationError(curve), 6);
        var tenBins = Calibration.ReliabilityCurve(p, y);
        Assert.True(double.IsNaN(tenBins[5].MeanPredicted));
        Assert.Equal(1, tenBins[9].Count);   // 0.95
        Assert.Throws<ArgumentException>(() => Calibration.BrierScore(new[] { 1.5f }, new[] { 1f }));
    }

    [Property(MaxTest = 40)]
    public void Calibration_MatchesBruteForce(int seed, PositiveInt size)
    {
        var rng = new Rng(seed);
        int n = size.Get % 300 + 1, bins = 1 + rng.NextInt(12);
        var p = Enumerable.Range(0, n).Select(_ => rng.NextSingle()).ToArray();
        var y = p.Select(v => rng.NextSingle() < v ? 1f : 0f).ToArray();
        Assert.Equal(p.Zip(y).Average(t => (t.First - (double)t.Second) * (t.First - (double)t.Second)), Calibration.BrierScore(p, y), 9);
        var curve = Calibration.ReliabilityCurve(p, y, bins);
        Assert.Equal(n, curve.Sum(b => b.Count));
        foreach (var bin in curve)
        {
            var inside = p.Select((v, i) => (v, i)).Where(t => t.v >= bin.Low && (t.v < bin.High || bin.High == 1.0)).ToArray();
            Assert.Equal(inside.Length, bin.Count);
            if (inside.Length > 0) Assert.Equal(inside.Average(t => (double)t.v), bin.MeanPredicted, 9);
        }
    }

    [Fact]
    public void Accuracy_ARowWithNaN_IsNeverCorrect()
    {
        // IndexOfMax picks a row's first NaN: without the check the first three rows would count (each NaN sits at the label).
        float[] outputs = [float.NaN, float.NaN, float.NaN, float.NaN, 1f, 0.5f, 1f, float.NaN, 0.5f, 1f, 3f, 0f];
        int[] labels = [0, 0, 1, 1];
        Assert.Equal(1, Accuracy.CountArgMaxCorrect(outputs, labels, 4, 3));   // only the last row: arg-max 1 = label 1
        float[] binary = [float.NaN, float.NaN, 2f, -1f];
        float[] targets = [0f, 1f, 1f, 0f];
        Assert.Equal(2, Accuracy.CountBinaryCorrect(binary, targets, 4, 0f));   // NaN is neither class
    }
}
