using System;
using System.Numerics.Tensors;
using Axon.Kernels;

namespace Axon.Losses;

/// <summary>
/// Softmax cross-entropy on logits, fused with its gradient: per sample
/// <c>L = logsumexp(z) - z_label</c> and <c>∂L/∂z = softmax(z) - onehot(label)</c>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Writes <c>gradScale·(softmax(z) - onehot)</c> into <paramref name="grad"/> for every row and
    /// returns the summed loss. <paramref name="grad"/> may be <paramref name="logits"/>.
    /// </summary>
    public static float ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> grad, int batch, int classes, float gradScale)
    {
        float total = 0f;
        for (int r = 0; r < batch; r++)
        {
            var z = logits.Slice(r * classes, classes);
            int label = labels[r];
            float zLabel = z[label];
            var g = grad.Slice(r * classes, classes);
            float lse = Softmax.Row(z, g);
            total += lse - zLabel;
            g[label] -= 1f;
            if (gradScale != 1f)
            {
                TensorPrimitives.Multiply(g, gradScale, g);
                Denormals.Flush(g); // a tiny probability over the batch size can fall below float's normal range
            }
        }
        return total;
    }

    /// <summary>Summed loss of <paramref name="batch"/> rows, without a gradient.</summary>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes)
    {
        float total = 0f;
        for (int r = 0; r < batch; r++)
        {
            var z = logits.Slice(r * classes, classes);
            float max = TensorPrimitives.Max(z);
            float sum = 0f;
            for (int j = 0; j < z.Length; j++)
                sum += MathF.Exp(z[j] - max);
            total += max + MathF.Log(sum) - z[labels[r]];
        }
        return total;
    }
}
