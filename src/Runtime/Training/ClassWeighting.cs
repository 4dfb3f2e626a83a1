using System;
using Axon.Data;

namespace Axon.Training;

/// <summary>Class weights for <see cref="FitOptions.ClassWeights"/> computed from a dataset.</summary>
public static class ClassWeighting
{
    /// <summary>
    /// The "balanced" weights of scikit-learn and Keras examples, <c>w_c = n / (K·n_c)</c>, for <paramref name="classes"/> classes
    /// (a class with no samples gets weight 0). For a regression dataset with one target per sample (binary cross-entropy) the classes
    /// are <c>t &lt; 0.5</c> and <c>t ≥ 0.5</c>, and <paramref name="classes"/> must be 2.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset is empty, or has labels ≥ <paramref name="classes"/>, or several targets per sample.</exception>
    public static float[] Balanced(Dataset data, int classes)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = Counts(data, classes);
        var weights = new float[classes];
        for (int c = 0; c < classes; c++)
            weights[c] = counts[c] == 0 ? 0f : (float)((double)data.Count / ((double)classes * counts[c]));
        return weights;
    }

    internal static int[] Counts(Dataset data, int classes)
    {
        if (data.Count == 0) throw new ArgumentException("the dataset has no samples.", nameof(data));
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "expected at least 2 classes.");
        var counts = new int[classes];
        if (data.Labels is { } labels)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] >= classes)
                    throw new ArgumentException($"row {i} has label {labels[i]}; expected a class in [0, {classes - 1}].", nameof(data));
                counts[labels[i]]++;
            }
            return counts;
        }
        if (data.TargetSize != 1 || classes != 2)
            throw new ArgumentException(
                $"class counts of a dataset with targets need one target per sample and 2 classes (t < 0.5, t ≥ 0.5); it has {data.TargetSize} targets per sample and {classes} classes were asked for.",
                nameof(data));
        foreach (float t in data.Targets!) counts[t >= 0.5f ? 1 : 0]++;
        return counts;
    }
}
