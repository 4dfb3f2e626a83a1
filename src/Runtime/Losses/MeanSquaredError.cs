using System;

namespace Axon.Losses;

/// <summary>Squared error <c>L = Σ (y - t)²</c>, <c>∂L/∂y = 2(y - t)</c>; callers scale to a mean.</summary>
public static class MeanSquaredError
{
    /// <summary>Writes <c>gradScale·2(y - t)</c> into <paramref name="grad"/> and returns <c>Σ (y - t)²</c>.</summary>
    public static float ForwardBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> grad, int count, float gradScale)
    {
        float total = 0f;
        for (int i = 0; i < count; i++)
        {
            float d = outputs[i] - targets[i];
            total += d * d;
            grad[i] = gradScale * 2f * d;
        }
        return total;
    }

    /// <summary><c>Σ (y - t)²</c> over <paramref name="count"/> values.</summary>
    public static float Loss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int count)
    {
        float total = 0f;
        for (int i = 0; i < count; i++)
        {
            float d = outputs[i] - targets[i];
            total += d * d;
        }
        return total;
    }
}
