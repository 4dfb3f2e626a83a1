using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>Numerically stable softmax of one row.</summary>
public static class Softmax
{
    /// <summary>
    /// <c>y_i = e^{z_i - m} / Σ_j e^{z_j - m}</c> with <c>m = max z</c>, so large logits cannot
    /// overflow. <paramref name="y"/> may be <paramref name="z"/>. Returns <c>log Σ_j e^{z_j}</c>
    /// (logsumexp), which cross-entropy needs anyway.
    /// </summary>
    public static float Row(ReadOnlySpan<float> z, Span<float> y)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Multiply(y, 1f / sum, y);
        return max + MathF.Log(sum);
    }
}
