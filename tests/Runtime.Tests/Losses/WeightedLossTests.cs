using System;
using Axon.Losses;
using Xunit;

namespace Axon.Runtime.Tests.Losses;

/// <summary>The weighted and focal losses: gradients against central finite differences, and their reductions to cross-entropy.</summary>
public class WeightedLossTests
{
    private const int Batch = 4, Classes = 3;
    private static readonly float[] Logits = [0.3f, -1.2f, 2.0f, 1.5f, 0.1f, -0.4f, -2.0f, 0.7f, 0.2f, 0.05f, 0.0f, -0.05f];
    private static readonly int[] Labels = [2, 0, 1, 1];
    private static readonly float[] Weights = [0.5f, 2f, 1.25f];
    private static readonly float[] BinaryLogits = [0.8f, -1.5f, 2.2f, -0.3f];
    private static readonly float[] Targets = [1f, 0f, 0f, 1f];

    private static void CheckGradient(Func<float[], float[], float> lossAndGradient, float[] z)
    {
        var grad = new float[z.Length];
        lossAndGradient(z, grad);
        var scratch = new float[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            const float h = 1e-2f;
            var plus = (float[])z.Clone(); plus[i] += h;
            var minus = (float[])z.Clone(); minus[i] -= h;
            double numeric = ((double)lossAndGradient(plus, scratch) - lossAndGradient(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) < 2e-3 * Math.Max(1, Math.Abs(numeric)), $"∂L/∂z[{i}]: analytic {grad[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void WeightedSoftmax_GradientMatchesFiniteDifferences()
        => CheckGradient((z, g) => WeightedCrossEntropy.Softmax(z, Labels, Weights, g, Batch, Classes), Logits);

    [Fact]
    public void WeightedSoftmax_IsTheWeightedMeanOfPerSampleCrossEntropy()
    {
        double num = 0, den = 0;
        for (int r = 0; r < Batch; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < Classes; k++) max = Math.Max(max, Logits[r * Classes + k]);
            for (int k = 0; k < Classes; k++) sum += Math.Exp(Logits[r * Classes + k] - max);
            double ce = max + Math.Log(sum) - Logits[r * Classes + Labels[r]];
            num += Weights[Labels[r]] * ce;
            den += Weights[Labels[r]];
        }
        Assert.Equal(num / den, WeightedCrossEntropy.Softmax(Logits, Labels, Weights, new float[12], Batch, Classes), 5);
    }

    [Fact]
    public void WeightedBinary_GradientMatchesFiniteDifferences_AndPyTorchsPosWeightFormula()
    {
        float[] w = [0.7f, 1.6f];
        CheckGradient((z, g) => WeightedCrossEntropy.Binary(z, Targets, w, 3f, g, 4, 4), BinaryLogits);
        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            double z = BinaryLogits[i], t = Targets[i], s = 1 / (1 + Math.Exp(-z));
            expected += (w[0] * (1 - t) + w[1] * t) * -(3 * t * Math.Log(s) + (1 - t) * Math.Log(1 - s));
        }
        Assert.Equal(expected / 4, WeightedCrossEntropy.Binary(BinaryLogits, Targets, w, 3f, new float[4], 4, 4), 5);
    }

    [Fact]
    public void WeightedKernels_WithWeightsOfOne_AreBitwiseThePlainKernels()
    {
        var g1 = new float[12]; var g2 = new float[12];
        float plain = SoftmaxCrossEntropy.ForwardBackward(Logits, Labels, g1, Batch, Classes, 1f / Batch) / Batch;
        float weighted = WeightedCrossEntropy.Softmax(Logits, Labels, [1f, 1f, 1f], g2, Batch, Classes);
        Assert.Equal(plain, weighted);
        Assert.Equal(g1, g2);

        var b1 = new float[4]; var b2 = new float[4];
        float bPlain = BinaryCrossEntropy.ForwardBackward(BinaryLogits, Targets, b1, 4, 1f / 4) / 4;
        float bWeighted = WeightedCrossEntropy.Binary(BinaryLogits, Targets, [1f, 1f], 1f, b2, 4, 4);
        Assert.Equal(bPlain, bWeighted);
        Assert.Equal(b1, b2);
    }

    [Fact]
    public void FocalSoftmax_GradientMatchesFiniteDifferences()
    {
        CheckGradient((z, g) => Focal.Softmax(z, Labels, default, 2f, g, Batch, Classes), Logits);
        CheckGradient((z, g) => Focal.Softmax(z, Labels, Weights, 0.5f, g, Batch, Classes), Logits);
    }

    [Fact]
    public void FocalBinary_GradientMatchesFiniteDifferences()
    {
        CheckGradient((z, g) => Focal.Binary(z, Targets, default, 2f, 0.25f, g, 4, 4), BinaryLogits);
        CheckGradient((z, g) => Focal.Binary(z, [0.2f, 0.9f, 0.5f, 0f], [2f, 1f], 1.5f, null, g, 4, 4), BinaryLogits);
    }

    [Fact]
    public void FocalWithGammaZero_IsCrossEntropy()
    {
        var gCe = new float[12]; var gFocal = new float[12];
        float ce = SoftmaxCrossEntropy.ForwardBackward(Logits, Labels, gCe, Batch, Classes, 1f / Batch) / Batch;
        float focal = Focal.Softmax(Logits, Labels, default, 0f, gFocal, Batch, Classes);
        Assert.Equal(ce, focal, 6);
        for (int i = 0; i < 12; i++) Assert.Equal(gCe[i], gFocal[i], 6);

        var bCe = new float[4]; var bFocal = new float[4];
        float bce = BinaryCrossEntropy.ForwardBackward(BinaryLogits, Targets, bCe, 4, 0.25f) / 4;
        Assert.Equal(bce, Focal.Binary(BinaryLogits, Targets, default, 0f, null, bFocal, 4, 4), 6);
        for (int i = 0; i < 4; i++) Assert.Equal(bCe[i], bFocal[i], 6);
    }

    [Fact]
    public void FocalSoftmax_MatchesLinEtAlsFormula()
    {
        double expected = 0;
        for (int r = 0; r < Batch; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < Classes; k++) max = Math.Max(max, Logits[r * Classes + k]);
            for (int k = 0; k < Classes; k++) sum += Math.Exp(Logits[r * Classes + k] - max);
            double p = Math.Exp(Logits[r * Classes + Labels[r]] - max) / sum;
            expected += -Math.Pow(1 - p, 2) * Math.Log(p);
        }
        Assert.Equal(expected / Batch, Focal.Softmax(Logits, Labels, default, 2f, new float[12], Batch, Classes), 5);
    }

    [Fact]
    public void Kernels_AllocateNothing()
    {
        var g = new float[12]; var b = new float[4];
        float[] w = [1f, 2f, 3f];
        WeightedCrossEntropy.Softmax(Logits, Labels, w, g, Batch, Classes);
        Focal.Softmax(Logits, Labels, w, 2f, g, Batch, Classes);
        Focal.Binary(BinaryLogits, Targets, default, 2f, 0.25f, b, 4, 4);
        WeightedCrossEntropy.Binary(BinaryLogits, Targets, default, 2f, b, 4, 4);
        long before = GC.GetAllocatedBytesForCurrentThread();
        WeightedCrossEntropy.Softmax(Logits, Labels, w, g, Batch, Classes);
        Focal.Softmax(Logits, Labels, w, 2f, g, Batch, Classes);
        Focal.Binary(BinaryLogits, Targets, default, 2f, 0.25f, b, 4, 4);
        WeightedCrossEntropy.Binary(BinaryLogits, Targets, default, 2f, b, 4, 4);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
