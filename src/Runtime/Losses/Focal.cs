using System;

namespace Axon.Losses;

/// <summary>
/// The focal loss (Lin et al., 2017) on logits, fused with its gradient, in double precision inside; allocation-free.
/// γ = 0 without weights is cross-entropy.
/// </summary>
public static class Focal
{
    /// <summary>
    /// Softmax focal loss: per row <c>ℓ = −w_y·(1 − p_y)^γ·log p_y</c> with <c>p = softmax(z)</c>, mean over the batch
    /// (<c>L = (1/n)·Σ ℓ</c>). With <c>A = (1 − p_y)^γ − γ·(1 − p_y)^(γ−1)·p_y·log p_y</c>,
    /// <c>∂ℓ/∂z_k = w_y·A·(p_k − δ_{k,y})</c>. Writes <c>∂L/∂z</c> into <paramref name="grad"/> and returns <c>L</c>.
    /// </summary>
    /// <param name="logits">The logits, <c>[batch, classes]</c>.</param>
    /// <param name="labels">Class indices.</param>
    /// <param name="classWeights">Empty for none, or one weight per class.</param>
    /// <param name="gamma">γ ≥ 0.</param>
    /// <param name="grad">Receives <c>∂L/∂z</c>; may not be <paramref name="logits"/>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="classes">Classes.</param>
    public static float Softmax(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> classWeights, float gamma, Span<float> grad, int batch, int classes)
    {
        double total = 0, inv = 1.0 / batch;
        for (int r = 0; r < batch; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var g = grad.Slice(r * classes, classes);
            int y = labels[r];
            double max = double.NegativeInfinity;
            foreach (float v in z) max = Math.Max(max, v);
            double sum = 0;
            foreach (float v in z) sum += Math.Exp(v - max);
            double lse = max + Math.Log(sum), logPy = z[y] - lse, py = Math.Exp(logPy), q = 1 - py;
            double w = classWeights.IsEmpty ? 1 : classWeights[y];
            double modulator = gamma == 0f ? 1 : Math.Pow(q, gamma);
            total += -w * modulator * logPy;
            // At p_y = 1 the second term is 0·∞ for γ < 1; its limit is 0.
            double a = modulator - (gamma == 0f || q <= 0 ? 0 : gamma * Math.Pow(q, gamma - 1) * py * logPy);
            double s = w * a * inv;
            for (int k = 0; k < classes; k++)
                g[k] = (float)(s * (Math.Exp(z[k] - lse) - (k == y ? 1 : 0)));
        }
        return (float)(total * inv);
    }

    /// <summary>
    /// Sigmoid focal loss as torchvision's <c>sigmoid_focal_loss</c>, summed over a sample's outputs and averaged over the samples: <c>p = σ(z)</c>,
    /// <c>p_t = p·t + (1 − p)(1 − t)</c>, <c>ℓ = α_t·BCE(z, t)·(1 − p_t)^γ</c> with <c>α_t = α·t + (1 − α)(1 − t)</c> (1 without α),
    /// times the sample weight <c>w₀(1 − t) + w₁t</c> when class weights are given; <c>L = (1/batch)·Σ ℓ</c>.
    /// <c>∂ℓ/∂z = α_t·w·[(p − t)(1 − p_t)^γ − γ·BCE·(1 − p_t)^(γ−1)·(2t − 1)·p(1 − p)]</c>.
    /// Writes <c>∂L/∂z</c> into <paramref name="grad"/> and returns <c>L</c>.
    /// </summary>
    public static float Binary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> classWeights, float gamma, float? alpha, Span<float> grad, int count, int batch)
    {
        double total = 0, inv = 1.0 / batch;
        for (int i = 0; i < count; i++)
        {
            double z = logits[i], t = targets[i];
            double p = z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
            double bce = Math.Max(z, 0) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            double pt = p * t + (1 - p) * (1 - t), q = 1 - pt;
            double w = (alpha is float a ? a * t + (1 - a) * (1 - t) : 1) * (classWeights.IsEmpty ? 1 : classWeights[0] * (1 - t) + classWeights[1] * t);
            double modulator = gamma == 0f ? 1 : Math.Pow(q, gamma);
            total += w * bce * modulator;
            double second = gamma == 0f || q <= 0 ? 0 : gamma * bce * Math.Pow(q, gamma - 1) * (2 * t - 1) * p * (1 - p);
            grad[i] = (float)(w * inv * ((p - t) * modulator - second));
        }
        return (float)(total * inv);
    }
}
