using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>Numerically stable softmax of one row.</summary>
public static class Softmax
{
    /// <summary>
    /// <c>y_i = e^{z_i - m} / Σ_j e^{z_j - m}</c> with <c>m = max z</c>, so large logits cannot
    /// overflow. <paramref name="y"/> may be <paramref name="z"/>. Returns <c>log Σ_j e^{z_j}</c>
    /// (logsumexp), which cross-entropy needs anyway. Probabilities below 1.18e-38 are flushed to 0.
    /// </summary>
    public static float Row(ReadOnlySpan<float> z, Span<float> y)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Multiply(y, 1f / sum, y);
        // A logit more than ~87 below the largest gives a denormal probability (and gradient):
        // flushed to 0 (Denormals), which changes the row by less than 1.2e-38 per class.
        Denormals.Flush(y);
        return max + MathF.Log(sum);
    }
}
