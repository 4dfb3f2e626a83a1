using System;

namespace Axon.Losses;

/// <summary>
/// Class-weighted and positive-weighted cross-entropies on logits, fused with their gradients; allocation-free. They call the
/// plain kernels (<see cref="SoftmaxCrossEntropy"/>, <see cref="BinaryCrossEntropy"/>) row by row with the row's weight folded into
/// the gradient scale, so with every weight 1 they compute bit for bit what the plain kernels compute.
/// </summary>
public static class WeightedCrossEntropy
{
    /// <summary>
    /// Softmax cross-entropy with class weights <c>w</c>, as PyTorch's <c>CrossEntropyLoss(weight = w)</c> with mean reduction:
    /// <c>L = Σᵢ w_{yᵢ}·CEᵢ / Σᵢ w_{yᵢ}</c>, <c>∂L/∂zᵢ = w_{yᵢ}·(softmax(zᵢ) − onehot(yᵢ)) / Σᵢ w_{yᵢ}</c>.
    /// Writes the gradient into <paramref name="grad"/> (<c>[batch, classes]</c>) and returns <c>L</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The weights of the batch's labels sum to 0 (no sample carries weight).</exception>
    public static float Softmax(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> classWeights, Span<float> grad, int batch, int classes)
    {
        float weightSum = 0f;
        for (int r = 0; r < batch; r++) weightSum += classWeights[labels[r]];
        if (!(weightSum > 0f))
            throw new ArgumentException($"the class weights of this batch's {batch} labels sum to {weightSum}; expected a positive sum.", nameof(classWeights));
        float scale = 1f / weightSum, total = 0f;
        for (int r = 0; r < batch; r++)
        {
            float w = classWeights[labels[r]];
            total += w * SoftmaxCrossEntropy.ForwardBackward(
                logits.Slice(r * classes, classes), labels.Slice(r, 1), grad.Slice(r * classes, classes), 1, classes, w * scale);
        }
        return total / weightSum;
    }

    /// <summary>
    /// Binary cross-entropy on logits with sample weights <c>wᵢ = w₀(1 − tᵢ) + w₁tᵢ</c> (from two class weights, or 1 without) and a
    /// positive weight <c>p</c>, as PyTorch's <c>BCEWithLogitsLoss(weight, pos_weight = p)</c> summed over a sample's outputs and averaged over the
    /// <c>batch</c> samples (the reduction Axon's plain binary cross-entropy uses; PyTorch's mean for one output per sample): <c>ℓ = −wᵢ·[p·t·log σ(z) + (1 − t)·log(1 − σ(z))]</c>, computed as
    /// <c>wᵢ·(BCE(z, t) + (p − 1)·t·softplus(−z))</c>, with <c>∂ℓ/∂z = wᵢ·(σ(z) − t + (p − 1)·t·(σ(z) − 1))</c>.
    /// Writes <c>(1/batch)·∂ℓ/∂z</c> into <paramref name="grad"/> and returns <c>(1/batch)·Σ ℓ</c>.
    /// </summary>
    /// <param name="logits">The logits.</param>
    /// <param name="targets">Targets in [0, 1].</param>
    /// <param name="classWeights">Empty for none, or (w₀, w₁).</param>
    /// <param name="positiveWeight">p &gt; 0.</param>
    /// <param name="grad">Receives the gradient.</param>
    /// <param name="count">Number of values, <c>batch·outputs</c>.</param>
    /// <param name="batch">Number of samples.</param>
    public static float Binary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> classWeights, float positiveWeight, Span<float> grad, int count, int batch)
    {
        float scale = 1f / batch, total = 0f, extra = positiveWeight - 1f;
        bool weighted = !classWeights.IsEmpty;
        for (int i = 0; i < count; i++)
        {
            float z = logits[i], t = targets[i];
            float w = weighted ? classWeights[0] * (1f - t) + classWeights[1] * t : 1f;
            float loss = BinaryCrossEntropy.ForwardBackward(logits.Slice(i, 1), targets.Slice(i, 1), grad.Slice(i, 1), 1, w * scale);
            if (extra != 0f)
            {
                float softplusNeg = MathF.Max(-z, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
                loss += extra * t * softplusNeg;
                grad[i] += w * scale * extra * t * (Sigmoid(z) - 1f);
            }
            total += w * loss;
        }
        return total / batch;
    }

    internal static float Sigmoid(float z) => z >= 0f ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));
}
