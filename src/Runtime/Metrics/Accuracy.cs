using System;
using System.Numerics.Tensors;

namespace Axon.Metrics;

/// <summary>Counting correct predictions.</summary>
public static class Accuracy
{
    /// <summary>Rows whose arg-max equals the label (ties go to the lowest index).</summary>
    public static int CountArgMaxCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batch, int classes)
    {
        int correct = 0;
        for (int r = 0; r < batch; r++)
            if (TensorPrimitives.IndexOfMax(outputs.Slice(r * classes, classes)) == labels[r])
                correct++;
        return correct;
    }

    /// <summary>
    /// Single-output binary classification: the prediction is <c>z &gt; threshold</c>, the truth is
    /// <c>t ≥ 0.5</c>. For logits the threshold is 0 (probability 0.5).
    /// </summary>
    public static int CountBinaryCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int count, float threshold)
    {
        int correct = 0;
        for (int i = 0; i < count; i++)
            if ((outputs[i] > threshold) == (targets[i] >= 0.5f))
                correct++;
        return correct;
    }
}
