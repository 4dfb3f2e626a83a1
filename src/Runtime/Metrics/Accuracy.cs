using System;
using System.Numerics.Tensors;

namespace Axon.Metrics;

/// <summary>Counting correct predictions.</summary>
public static class Accuracy
{
    /// <summary>
    /// Rows whose arg-max equals the label (ties go to the lowest index). A row with a NaN output is never correct: a
    /// diverged model (NaN everywhere) scores 0, not the share of the label the arg-max of NaNs happens to land on.
    /// </summary>
    public static int CountArgMaxCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batch, int classes)
    {
        int correct = 0;
        for (int r = 0; r < batch; r++)
        {
            var row = outputs.Slice(r * classes, classes);
            // IndexOfMax returns the first NaN's index when the row has one, so the one value it picks tells.
            int k = TensorPrimitives.IndexOfMax(row);
            if (k == labels[r] && !float.IsNaN(row[k]))
                correct++;
        }
        return correct;
    }

    /// <summary>
    /// Single-output binary classification: the prediction is <c>z &gt; threshold</c>, the truth is
    /// <c>t ≥ 0.5</c>. For logits the threshold is 0 (probability 0.5). A NaN output is never correct (it would otherwise
    /// count as a confident "negative").
    /// </summary>
    public static int CountBinaryCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int count, float threshold)
    {
        int correct = 0;
        for (int i = 0; i < count; i++)
            if (!float.IsNaN(outputs[i]) && (outputs[i] > threshold) == (targets[i] >= 0.5f))
                correct++;
        return correct;
    }
}
