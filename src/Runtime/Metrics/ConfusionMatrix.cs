using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Axon.Metrics;

/// <summary>
/// Counts of (actual class, predicted class) pairs, and the per-class and averaged metrics read from them.
/// </summary>
/// <remarks>
/// For class c with TP = C[c,c], FP = Σ_{a≠c} C[a,c], FN = Σ_{p≠c} C[c,p], TN = the rest:
/// precision TP/(TP+FP), recall (sensitivity) TP/(TP+FN), specificity TN/(TN+FP), F1 = 2PR/(P+R).
/// A ratio whose denominator is 0 is reported as 0 (scikit-learn's <c>zero_division=0</c>).
/// Macro averages are the unweighted means over classes; micro averages pool the counts of all classes
/// (for single-label data micro precision = micro recall = micro F1 = accuracy).
/// For a binary task the positive class is 1: <see cref="Binary"/> builds the 2×2 matrix from scores and a threshold.
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> ≥ 2 classes.</summary>
    public ConfusionMatrix(int classes)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "a confusion matrix needs at least 2 classes.");
        Classes = classes;
        _counts = new long[classes * classes];
    }

    /// <summary>The matrix of <paramref name="actual"/> against <paramref name="predicted"/> class indices.</summary>
    /// <exception cref="ArgumentException">The lengths differ or an index is outside [0, classes).</exception>
    public static ConfusionMatrix From(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classes)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"expected one prediction per actual class ({actual.Length}), but got {predicted.Length}.", nameof(predicted));
        var matrix = new ConfusionMatrix(classes);
        for (int i = 0; i < actual.Length; i++) matrix.Add(actual[i], predicted[i]);
        return matrix;
    }

    /// <summary>
    /// The 2×2 matrix of a binary task: predicted positive when <c>score ≥ threshold</c>, actual positive when
    /// <c>target ≥ 0.5</c>. Class 1 is the positive class.
    /// </summary>
    public static ConfusionMatrix Binary(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, float threshold)
    {
        if (scores.Length != targets.Length)
            throw new ArgumentException($"expected one target per score ({scores.Length}), but got {targets.Length}.", nameof(targets));
        if (float.IsNaN(threshold)) throw new ArgumentException("threshold is NaN.", nameof(threshold));
        var matrix = new ConfusionMatrix(2);
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) throw new ArgumentException($"scores[{i}] is NaN.", nameof(scores));
            matrix.Add(targets[i] >= 0.5f ? 1 : 0, scores[i] >= threshold ? 1 : 0);
        }
        return matrix;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[Check(actual) * Classes + Check(predicted)];

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        _counts[Check(actual) * Classes + Check(predicted)]++;
        Total++;
    }

    /// <summary>True positives of class c: C[c,c].</summary>
    public long TruePositives(int c) => this[c, c];

    /// <summary>False positives of class c: samples of other classes predicted as c.</summary>
    public long FalsePositives(int c) => Column(c) - this[c, c];

    /// <summary>False negatives of class c: samples of c predicted as another class.</summary>
    public long FalseNegatives(int c) => Support(c) - this[c, c];

    /// <summary>True negatives of class c: samples neither of c nor predicted as c.</summary>
    public long TrueNegatives(int c) => Total - Support(c) - Column(c) + this[c, c];

    /// <summary>Samples whose actual class is c.</summary>
    public long Support(int c)
    {
        long sum = 0;
        for (int p = 0; p < Classes; p++) sum += this[c, p];
        return sum;
    }

    private long Column(int c)
    {
        long sum = 0;
        for (int a = 0; a < Classes; a++) sum += this[a, c];
        return sum;
    }

    /// <summary>Precision of class c: TP/(TP + FP); 0 when nothing was predicted as c.</summary>
    public double Precision(int c) => Ratio(TruePositives(c), TruePositives(c) + FalsePositives(c));

    /// <summary>Recall (sensitivity, true-positive rate) of class c: TP/(TP + FN); 0 when c has no samples.</summary>
    public double Recall(int c) => Ratio(TruePositives(c), Support(c));

    /// <summary>Specificity (true-negative rate) of class c: TN/(TN + FP); 0 when every sample is of class c.</summary>
    public double Specificity(int c) => Ratio(TrueNegatives(c), TrueNegatives(c) + FalsePositives(c));

    /// <summary>F1 of class c: 2TP/(2TP + FP + FN), the harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1(int c) => Ratio(2 * TruePositives(c), 2 * TruePositives(c) + FalsePositives(c) + FalseNegatives(c));

    /// <summary>Fraction classified correctly: Σ_c C[c,c] / Total.</summary>
    public double Accuracy => Ratio(Enumerable.Range(0, Classes).Sum(c => this[c, c]), Total);

    /// <summary>Mean of the per-class precisions.</summary>
    public double MacroPrecision => Enumerable.Range(0, Classes).Average(Precision);

    /// <summary>Mean of the per-class recalls.</summary>
    public double MacroRecall => Enumerable.Range(0, Classes).Average(Recall);

    /// <summary>Mean of the per-class F1 scores (not the F1 of the macro precision and recall).</summary>
    public double MacroF1 => Enumerable.Range(0, Classes).Average(F1);

    /// <summary>Precision of the pooled counts: ΣTP/(ΣTP + ΣFP).</summary>
    public double MicroPrecision => Pooled(c => FalsePositives(c));

    /// <summary>Recall of the pooled counts: ΣTP/(ΣTP + ΣFN).</summary>
    public double MicroRecall => Pooled(c => FalseNegatives(c));

    /// <summary>F1 of the pooled counts: 2ΣTP/(2ΣTP + ΣFP + ΣFN).</summary>
    public double MicroF1
    {
        get
        {
            long tp = 0, errors = 0;
            for (int c = 0; c < Classes; c++) { tp += TruePositives(c); errors += FalsePositives(c) + FalseNegatives(c); }
            return Ratio(2 * tp, 2 * tp + errors);
        }
    }

    private double Pooled(Func<int, long> wrong)
    {
        long tp = 0, other = 0;
        for (int c = 0; c < Classes; c++) { tp += TruePositives(c); other += wrong(c); }
        return Ratio(tp, tp + other);
    }

    /// <summary>The matrix as a Markdown table, rows actual and columns predicted, with each class's precision, recall and F1.</summary>
    /// <param name="names">Class names; default: the indices.</param>
    public string ToMarkdown(IReadOnlyList<string>? names = null)
    {
        if (names is not null && names.Count != Classes)
            throw new ArgumentException($"expected {Classes} class names, got {names.Count}.", nameof(names));
        string Name(int c) => names?[c] ?? c.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append("| actual \\ predicted |");
        for (int p = 0; p < Classes; p++) text.Append(' ').Append(Name(p)).Append(" |");
        text.AppendLine(" precision | recall | F1 |");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", Classes + 3))).AppendLine();
        for (int a = 0; a < Classes; a++)
        {
            text.Append("| ").Append(Name(a)).Append(" |");
            for (int p = 0; p < Classes; p++) text.Append(' ').Append(this[a, p].ToString("N0", CultureInfo.InvariantCulture)).Append(" |");
            text.Append(CultureInfo.InvariantCulture, $" {Precision(a):F3} | {Recall(a):F3} | {F1(a):F3} |").AppendLine();
        }
        return text.ToString();
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private int Check(int c) =>
        (uint)c < (uint)Classes ? c : throw new ArgumentOutOfRangeException(nameof(c), c, $"class index must be in [0, {Classes}).");
}
