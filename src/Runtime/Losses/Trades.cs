using System;

namespace Axon.Losses;

/// <summary>
/// The TRADES objective (Zhang et al., 2019, "Theoretically principled trade-off between robustness and accuracy")
/// on logits, fused with its gradient: for a batch of <c>n</c> clean logits <c>z_i</c>, adversarial logits
/// <c>z'_i</c> and labels <c>y_i</c>, with <c>p = softmax(z)</c> and <c>q = softmax(z')</c>,
/// <code>
/// L = (1/n)·Σᵢ CE(zᵢ, yᵢ) + (β/n)·Σᵢ KL(pᵢ ‖ qᵢ),   KL(p ‖ q) = Σₖ pₖ·(log pₖ − log qₖ)
/// ∂L/∂zᵢ  = (pᵢ − onehot(yᵢ))/n + (β/n)·pᵢ ⊙ (log pᵢ − log qᵢ − KL(pᵢ ‖ qᵢ))
/// ∂L/∂z'ᵢ = (β/n)·(qᵢ − pᵢ)
/// </code>
/// The gradient flows through both <c>p</c> and <c>q</c>, as in the authors' code
/// (<c>loss_robust = (1/n)·KLDiv(log_softmax(f(x')), softmax(f(x)))</c>, summed, nothing detached).
/// </summary>
public static class Trades
{
    /// <summary>
    /// Writes <c>∂L/∂z</c> into <paramref name="cleanGradient"/> and <c>∂L/∂z'</c> into <paramref name="adversarialGradient"/>
    /// (each <c>[batch, classes]</c>) and returns the mean objective <c>L</c>. The cross-entropy part is
    /// <see cref="SoftmaxCrossEntropy.ForwardBackward"/> with scale <c>1/n</c>, the same values a model's own training
    /// step computes, so <c>β = 0</c> gives exactly the plain training gradient. The KL terms are computed in double
    /// precision, through log-softmax, so confident predictions do not produce <c>log 0</c>.
    /// </summary>
    /// <param name="cleanLogits">Logits of the clean inputs, <c>[batch, classes]</c>.</param>
    /// <param name="adversarialLogits">Logits of the adversarial inputs, <c>[batch, classes]</c>.</param>
    /// <param name="labels">Class indices, <c>[batch]</c>.</param>
    /// <param name="beta">β ≥ 0, the weight of the robust term (6 in the paper's CIFAR-10 experiments).</param>
    /// <param name="cleanGradient">Receives <c>∂L/∂z</c>.</param>
    /// <param name="adversarialGradient">Receives <c>∂L/∂z'</c>.</param>
    /// <param name="batch">The number of samples <c>n</c> ≥ 1.</param>
    /// <param name="classes">The number of classes.</param>
    public static float ForwardBackward(ReadOnlySpan<float> cleanLogits, ReadOnlySpan<float> adversarialLogits, ReadOnlySpan<int> labels,
        float beta, Span<float> cleanGradient, Span<float> adversarialGradient, int batch, int classes)
    {
        float crossEntropy = SoftmaxCrossEntropy.ForwardBackward(cleanLogits, labels, cleanGradient, batch, classes, 1f / batch);
        double scale = (double)beta / batch, kl = 0;
        for (int r = 0; r < batch; r++)
        {
            var z = cleanLogits.Slice(r * classes, classes);
            var za = adversarialLogits.Slice(r * classes, classes);
            var gz = cleanGradient.Slice(r * classes, classes);
            var ga = adversarialGradient.Slice(r * classes, classes);
            double lseP = LogSumExp(z), lseQ = LogSumExp(za), rowKl = 0;
            for (int k = 0; k < classes; k++)
            {
                double logP = z[k] - lseP, logQ = za[k] - lseQ;
                rowKl += Math.Exp(logP) * (logP - logQ);
            }
            for (int k = 0; k < classes; k++)
            {
                double logP = z[k] - lseP, logQ = za[k] - lseQ, p = Math.Exp(logP);
                gz[k] += (float)(scale * p * (logP - logQ - rowKl));
                ga[k] = (float)(scale * (Math.Exp(logQ) - p));
            }
            kl += rowKl;
        }
        return (float)((crossEntropy + beta * kl) / batch);
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
