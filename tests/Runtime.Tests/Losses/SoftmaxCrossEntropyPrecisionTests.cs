using System;
using Axon.Losses;
using Xunit;

namespace Axon.Runtime.Tests.Losses;

/// <summary>
/// Confident predictions (the label's logit far above the rest, logits in the tens): the loss is
/// tiny, and <c>max + log(sum) − z[y]</c> rounded it at the magnitude of max. Compared against a
/// double-precision reference, row by row, through both entry points.
/// </summary>
public class SoftmaxCrossEntropyPrecisionTests
{
    private static double Reference(ReadOnlySpan<float> z, int label)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum) - z[label];
    }

    [Fact]
    public void ConfidentLogitsLoseNoMoreThanFloatPrecisionAgainstADoubleReference()
    {
        const int classes = 10, rows = 500;
        var random = new Random(7);
        var logits = new float[classes];
        var grad = new float[classes];
        double worstLoss = 0, worstFused = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = random.Next(classes);
            float top = 20f + 40f * random.NextSingle();
            for (int j = 0; j < classes; j++)
                logits[j] = j == label ? top : top - 8f - 8f * random.NextSingle();
            double expected = Reference(logits, label);
            float loss = SoftmaxCrossEntropy.Loss(logits, [label], 1, classes);
            float fused = SoftmaxCrossEntropy.ForwardBackward(logits, [label], grad, 1, classes, 1f);
            worstLoss = Math.Max(worstLoss, Math.Abs(loss - expected));
            worstFused = Math.Max(worstFused, Math.Abs(fused - expected));
        }
        // PyTorch float32 gets about 1e-7 here; max + log(sum) − z[y] was off by up to ~4e-6.
        Assert.True(worstLoss < 1.5e-7, $"Loss: worst absolute error {worstLoss:E2}");
        Assert.True(worstFused < 1.5e-7, $"ForwardBackward: worst absolute error {worstFused:E2}");
    }

    [Fact]
    public void UnconfidentAndWrongPredictionsStillMatchTheReference()
    {
        float[] logits = [2.5f, -1f, 0.3f, 40f, 39.5f];
        var grad = new float[logits.Length];
        for (int label = 0; label < logits.Length; label++)
        {
            double expected = Reference(logits, label);
            float loss = SoftmaxCrossEntropy.ForwardBackward(logits, [label], grad, 1, logits.Length, 1f);
            Assert.True(Math.Abs(loss - expected) <= 4e-6 * Math.Max(1, expected), $"label {label}: {loss} vs {expected}");
            Assert.Equal(loss, SoftmaxCrossEntropy.Loss(logits, [label], 1, logits.Length));
        }
    }
}
