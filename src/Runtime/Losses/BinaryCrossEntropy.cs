using System;

namespace Axon.Losses;

/// <summary>
/// Binary cross-entropy on logits (PyTorch's <c>BCEWithLogitsLoss</c>), computed stably:
/// <c>L = max(z, 0) - z·t + log(1 + e^{-|z|})</c>, <c>∂L/∂z = σ(z) - t</c>.
/// </summary>
public static class BinaryCrossEntropy
{
    /// <summary>Writes <c>gradScale·(σ(z) - t)</c> into <paramref name="grad"/> and returns the summed loss.</summary>
    public static float ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> grad, int count, float gradScale)
    {
        float total = 0f;
        for (int i = 0; i < count; i++)
        {
            float z = logits[i], t = targets[i];
            total += Single(z, t);
            grad[i] = gradScale * (Sigmoid(z) - t);
        }
        return total;
    }

    /// <summary>Summed loss over <paramref name="count"/> values.</summary>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int count)
    {
        float total = 0f;
        for (int i = 0; i < count; i++)
            total += Single(logits[i], targets[i]);
        return total;
    }

    private static float Single(float z, float t) => MathF.Max(z, 0f) - z * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));

    private static float Sigmoid(float z) => z >= 0f ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));
}
