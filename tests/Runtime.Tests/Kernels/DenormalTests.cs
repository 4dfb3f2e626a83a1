using System;
using Axon.Kernels;
using Axon.Losses;
using Axon.Optimizers;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Flush-to-zero in the arithmetic (issue 16): optimizer state, activations, softmax
/// gradients and running statistics that would fall below float's normal range are 0 instead.
/// Each test first checks that, unflushed, the value would have been a denormal.
/// </summary>
public class DenormalTests
{
    // 48 + 8 + 3: on an AVX-512 machine the 512-bit loop, the 256-bit loop and the scalar tail
    // each see parameters; on AVX2 the 256-bit loop and the tail.
    private const int Count = 59;

    private static bool IsDenormal(float v) => v != 0f && MathF.Abs(v) < Denormals.MinNormal;

    [Fact]
    public void Flush_DenormalsBecomeZero_NormalsNaNAndInfinitiesPass()
    {
        float tiny = Denormals.MinNormal / 3f;
        Assert.True(IsDenormal(tiny));
        float[] values = [tiny, -tiny, float.Epsilon, Denormals.MinNormal, -Denormals.MinNormal, 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f];
        var span = new float[37];
        for (int i = 0; i < span.Length; i++) span[i] = values[i % values.Length];
        Denormals.Flush(span);
        for (int i = 0; i < span.Length; i++)
        {
            float v = values[i % values.Length];
            float expected = IsDenormal(v) ? 0f : v;
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(span[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(Denormals.Flush(v)));
        }
        Assert.False(Denormals.ContainsDenormal(span));
    }

    [Fact]
    public void Adam_FirstMomentOfAZeroGradientDecaysToExactZero_NeverDenormal()
    {
        var adam = new Adam();
        adam.Bind(Count);
        var p = Filled(Count, 0.5f);
        var g = Filled(Count, 1e-30f);
        adam.BeginStep();
        adam.Update(p, g, 0, Count, 1f);
        Assert.Equal(1e-31f, adam.StateSlot(0)[0], 1e-36f);
        // v = (1 - β₂)·g² = 1e-63: flushed at once.
        Assert.All(adam.StateSlot(1).ToArray(), v => Assert.Equal(0f, v));

        // Unflushed, m = 1e-31·0.9ᵗ is below 1.18e-38 after 155 steps.
        Assert.True(IsDenormal(1e-31f * MathF.Pow(0.9f, 160)));
        Array.Clear(g);
        for (int t = 0; t < 300; t++)
        {
            adam.BeginStep();
            adam.Update(p, g, 0, Count, 1f);
            Assert.False(Denormals.ContainsDenormal(adam.StateSlot(0)), $"a denormal first moment at step {t + 2}");
            Assert.False(Denormals.ContainsDenormal(adam.StateSlot(1)), $"a denormal second moment at step {t + 2}");
        }
        Assert.All(adam.StateSlot(0).ToArray(), m => Assert.Equal(0f, m));
    }

    [Fact]
    public void Adam_SameBitsOnEveryVectorPathAndTheScalarTail()
    {
        var adam = new Adam(learningRate: 0.1f);
        adam.Bind(Count);
        var p = new float[Count];
        var g = new float[Count];
        var rng = new Random(7);
        for (int t = 0; t < 200; t++)
        {
            // The same values in every lane, some steps tiny enough to meet the flush threshold.
            float gv = t % 3 == 0 ? (float)(rng.NextDouble() - 0.5) * 1e-20f : 0f;
            if (t == 0) Array.Fill(p, 1e-30f);
            Array.Fill(g, gv);
            adam.BeginStep();
            adam.Update(p, g, 0, Count, 1f);
        }
        int first = BitConverter.SingleToInt32Bits(p[0]);
        Assert.All(p, w => Assert.Equal(first, BitConverter.SingleToInt32Bits(w)));
        int m0 = BitConverter.SingleToInt32Bits(adam.StateSlot(0)[0]);
        Assert.All(adam.StateSlot(0).ToArray(), m => Assert.Equal(m0, BitConverter.SingleToInt32Bits(m)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SgdMomentum_VelocityOfAZeroGradientDecaysToExactZero(bool nesterov)
    {
        var sgd = new Sgd(learningRate: 1e-3f, momentum: 0.9f, nesterov: nesterov);
        sgd.Bind(Count);
        var p = Filled(Count, 0.25f);
        var g = Filled(Count, 1e-30f);
        sgd.BeginStep();
        sgd.Update(p, g, 0, Count, 1f);
        Array.Clear(g);
        for (int t = 0; t < 300; t++)
        {
            sgd.BeginStep();
            sgd.Update(p, g, 0, Count, 1f);
            Assert.False(Denormals.ContainsDenormal(sgd.StateSlot(0)), $"a denormal velocity at step {t + 2}");
        }
        Assert.All(sgd.StateSlot(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SigmoidOutputsAndSigmoidTanhDerivativesBelowNormalRange_AreZero()
    {
        var z = Filled(Count, -100f);
        var y = new float[Count];
        new SigmoidActivation().Forward(z, y);
        Assert.All(y, v => Assert.Equal(0f, v)); // σ(-100) = 3.7e-44 unflushed

        var ySmall = Filled(Count, 1e-20f);
        var grad = Filled(Count, 1e-20f);
        Assert.True(IsDenormal(1e-20f * (1e-20f * (1f - 1e-20f))));
        new SigmoidActivation().Backward(default, ySmall, grad);
        Assert.All(grad, v => Assert.Equal(0f, v));

        grad = Filled(Count, 1e-39f);
        new TanhActivation().Backward(default, Filled(Count, 0.5f), grad);
        Assert.All(grad, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GeluBackward_FarNegativeInput_GradientIsZeroNotDenormal()
    {
        const float zv = -13.5f;
        Assert.True(IsDenormal(zv * 0.39894228f * MathF.Exp(-0.5f * zv * zv)));
        var z = Filled(Count, zv);
        var grad = Filled(Count, 1f);
        new GeluActivation().Backward(z, default, grad);
        Assert.All(grad, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SoftmaxAndCrossEntropyGradient_TinyProbabilities_AreZero()
    {
        float[] z = [0f, -100f, 1f];
        var y = new float[3];
        Softmax.Row(z, y);
        Assert.Equal(0f, y[1]);
        Assert.True(y[0] > 0f && y[2] > 0f);

        // e^-86 ≈ 4.4e-38 is normal; divided by the batch of 128 it is not.
        Assert.False(IsDenormal(MathF.Exp(-86f)));
        Assert.True(IsDenormal(MathF.Exp(-86f) / 128f));
        float[] logits = [0f, -86f];
        var grad = new float[2];
        SoftmaxCrossEntropy.ForwardBackward(logits, [0], grad, 1, 2, 1f / 128f);
        Assert.Equal(0f, grad[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void BatchNorm_RunningStatisticsDecayingBelowNormalRange_AreZero(int spatial)
    {
        // 11 channels: the 8-wide path and the scalar tail for S = 1. Constant zero inputs: mean
        // and variance 0, so the running statistics only decay.
        const int batch = 3, channels = 11;
        var x = new float[batch * channels * spatial];
        var gamma = Filled(channels, 1f);
        var beta = new float[channels];
        var runningMean = Filled(channels, 1e-37f);
        var runningVar = Filled(channels, 1e-37f);
        var output = new float[x.Length];
        var xhat = new float[x.Length];
        var invStd = new float[channels];
        Assert.True(IsDenormal(1e-37f * 0.1f));
        BatchNorm.ForwardTraining(x, gamma, beta, runningMean, runningVar, output, xhat, invStd, batch, channels, spatial, momentum: 0.1f, epsilon: 1e-3f);
        Assert.All(runningMean, v => Assert.Equal(0f, v));
        Assert.All(runningVar, v => Assert.Equal(0f, v));
    }

    private static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
