using System;
using System.Collections.Generic;
using Axon.Kernels;
using Axon.Testing;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

public class NormalizationTests
{
    private const float Epsilon = 1e-3f;

    // (batch, channels, spatial): dense inputs (S = 1) with channel counts below, at and above the
    // 8-wide vector path and a ragged tail, one value per channel (n = 1: the unbiased variance is
    // undefined and the biased one is used), and conv-style inputs.
    public static IEnumerable<object[]> BatchNormCases() => new[]
    {
        new object[] { 4, 3, 1 }, new object[] { 5, 11, 1 }, new object[] { 2, 16, 1 }, new object[] { 1, 11, 1 },
        new object[] { 3, 3, 10 }, new object[] { 1, 2, 9 }, new object[] { 4, 5, 4 },
    };

    private sealed class Bn
    {
        public int Batch, Channels, Spatial;
        public float[] X = [], Gamma = [], Beta = [], RunningMean = [], RunningVar = [];
    }

    private static Bn MakeBn(int batch, int channels, int spatial, int seed) => new()
    {
        Batch = batch, Channels = channels, Spatial = spatial,
        // An offset, so centring matters.
        X = Random(batch * channels * spatial, seed, 0.5f, 3f),
        Gamma = Random(channels, seed + 1, 0.5f, 1.5f),
        Beta = Random(channels, seed + 2),
        RunningMean = Random(channels, seed + 3),
        RunningVar = Random(channels, seed + 4, 0.5f, 2f),
    };

    /// <summary>Batch mean and biased variance per channel, in double.</summary>
    private static (double[] Mean, double[] Var) Statistics(Bn p)
    {
        var mean = new double[p.Channels];
        var variance = new double[p.Channels];
        int n = p.Batch * p.Spatial;
        for (int c = 0; c < p.Channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < p.Batch; b++)
                for (int s = 0; s < p.Spatial; s++)
                    sum += p.X[(b * p.Channels + c) * p.Spatial + s];
            mean[c] = sum / n;
            double sq = 0;
            for (int b = 0; b < p.Batch; b++)
                for (int s = 0; s < p.Spatial; s++)
                {
                    double d = p.X[(b * p.Channels + c) * p.Spatial + s] - mean[c];
                    sq += d * d;
                }
            variance[c] = sq / n;
        }
        return (mean, variance);
    }

    private static float[] Train(Bn p, float[] y, float[] xhat, float[] invStd, float momentum = 0.9f)
    {
        var rm = (float[])p.RunningMean.Clone();
        var rv = (float[])p.RunningVar.Clone();
        BatchNorm.ForwardTraining(p.X, p.Gamma, p.Beta, rm, rv, y, xhat, invStd, p.Batch, p.Channels, p.Spatial, momentum, Epsilon);
        return y;
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormTrainingForwardMatchesDefinition(int batch, int channels, int spatial)
    {
        var p = MakeBn(batch, channels, spatial, 100 + channels);
        const float momentum = 0.9f;
        int total = batch * channels * spatial;
        float[] y = Filled(total, float.NaN), xhat = Filled(total, float.NaN), invStd = Filled(channels, float.NaN);
        var rm = (float[])p.RunningMean.Clone();
        var rv = (float[])p.RunningVar.Clone();
        BatchNorm.ForwardTraining(p.X, p.Gamma, p.Beta, rm, rv, y, xhat, invStd, batch, channels, spatial, momentum, Epsilon);

        var (mean, variance) = Statistics(p);
        int n = batch * spatial;
        var expectedY = new double[total];
        var expectedH = new double[total];
        var expectedInv = new double[channels];
        var expectedRm = new double[channels];
        var expectedRv = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            expectedInv[c] = 1 / Math.Sqrt(variance[c] + Epsilon);
            expectedRm[c] = momentum * (double)p.RunningMean[c] + (1 - momentum) * mean[c];
            double unbiased = n > 1 ? variance[c] * n / (n - 1) : variance[c];
            expectedRv[c] = momentum * (double)p.RunningVar[c] + (1 - momentum) * unbiased;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++)
                {
                    int i = (b * channels + c) * spatial + s;
                    expectedH[i] = (p.X[i] - mean[c]) * expectedInv[c];
                    expectedY[i] = p.Gamma[c] * expectedH[i] + p.Beta[c];
                }
        }
        Close(expectedH, xhat, 1e-5, 2e-6, "xhat");
        Close(expectedY, y, 1e-5, 2e-6, "y");
        Close(expectedInv, invStd, 1e-6, 0, "invStd");
        Close(expectedRm, rm, 1e-6, 1e-7, "runningMean");
        Close(expectedRv, rv, 1e-6, 1e-7, "runningVar");
    }

    [Fact]
    public void BatchNormRunningStatisticsFollowMomentumAndTheUnbiasedVariance()
    {
        // Two steps with Keras's momentum, on batches whose statistics are known exactly:
        // channel 0 sees {1, 3, 5, 7} (mean 4, biased variance 5, unbiased 20/3), channel 1 sees {2, 2, 2, 2}.
        const float momentum = 0.99f;
        int batch = 4, channels = 2;
        var x = new float[] { 1, 2, 3, 2, 5, 2, 7, 2 };
        var gamma = Filled(channels, 1f);
        var beta = new float[channels];
        var rm = new float[] { 0f, 10f };
        var rv = new float[] { 1f, 1f };
        float[] y = new float[8], xhat = new float[8], invStd = new float[2];
        double m0 = 0, m1 = 10, v0 = 1, v1 = 1;
        for (int step = 0; step < 2; step++)
        {
            BatchNorm.ForwardTraining(x, gamma, beta, rm, rv, y, xhat, invStd, batch, channels, 1, momentum, Epsilon);
            m0 = momentum * m0 + (1 - momentum) * 4.0;
            m1 = momentum * m1 + (1 - momentum) * 2.0;
            v0 = momentum * v0 + (1 - momentum) * (20.0 / 3);
            v1 = momentum * v1 + (1 - momentum) * 0.0;
            Close(new[] { m0, m1 }, rm, 1e-6, 0, $"runningMean after step {step + 1}");
            Close(new[] { v0, v1 }, rv, 1e-6, 0, $"runningVar after step {step + 1}");
        }
        Close(new[] { 1 / Math.Sqrt(5 + Epsilon), 1 / Math.Sqrt(Epsilon) }, invStd, 1e-6, 0, "invStd"); // biased in the normalisation

        // The same numbers with a spatial axis: n = batch·S counts every value of the channel.
        var xs = new float[] { 1, 3, 2, 2, 5, 7, 2, 2 }; // [2 samples, 2 channels, 2 positions]
        rm = new float[] { 0f, 10f };
        rv = new float[] { 1f, 1f };
        BatchNorm.ForwardTraining(xs, gamma, beta, rm, rv, y, xhat, invStd, 2, channels, 2, momentum, Epsilon);
        Close(new[] { momentum * 0 + (1 - momentum) * 4.0, momentum * 10.0 + (1 - momentum) * 2.0 }, rm, 1e-6, 0, "runningMean (spatial)");
        Close(new[] { momentum + (1 - momentum) * (20.0 / 3), momentum * 1.0 }, rv, 1e-6, 0, "runningVar (spatial)");
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormTrainingBackwardMatchesFiniteDifferences(int batch, int channels, int spatial)
    {
        var p = MakeBn(batch, channels, spatial, 200 + channels);
        int total = batch * channels * spatial;
        float[] y = new float[total], xhat = new float[total], invStd = new float[channels];
        Train(p, y, xhat, invStd);
        var r = Random(total, 7);
        float[] dGamma = Filled(channels, float.NaN), dBeta = Filled(channels, float.NaN), dx = Filled(total, float.NaN);
        BatchNorm.BackwardTraining(xhat, p.Gamma, invStd, r, dGamma, dBeta, dx, batch, channels, spatial, true, true);

        float[] y2 = new float[total], h2 = new float[total], inv2 = new float[channels];
        double Loss() => LayerTestSupport.Loss(r, Train(p, y2, h2, inv2));
        CheckGradient(p.X, dx, Loss, 1e-2f, 5e-4, "dx");
        CheckGradient(p.Gamma, dGamma, Loss, 1e-2f, 5e-4, "dGamma");
        CheckGradient(p.Beta, dBeta, Loss, 1e-2f, 5e-4, "dBeta");

        // Each output only when asked; the other spans may be empty.
        float[] dx2 = Filled(total, float.NaN);
        BatchNorm.BackwardTraining(xhat, p.Gamma, invStd, r, default, default, dx2, batch, channels, spatial, false, true);
        Assert.Equal(dx, dx2);
        float[] dGamma2 = Filled(channels, float.NaN), dBeta2 = Filled(channels, float.NaN);
        BatchNorm.BackwardTraining(xhat, default, default, r, dGamma2, dBeta2, default, batch, channels, spatial, true, false);
        Assert.Equal(dGamma, dGamma2);
        Assert.Equal(dBeta, dBeta2);
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormInferenceForwardAndBackward(int batch, int channels, int spatial)
    {
        var p = MakeBn(batch, channels, spatial, 300 + channels);
        int total = batch * channels * spatial;
        var y = Filled(total, float.NaN);
        BatchNorm.ForwardInference(p.X, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, y, batch, channels, spatial, Epsilon);
        var expected = new double[total];
        for (int i = 0; i < total; i++)
        {
            int c = i / spatial % channels;
            expected[i] = p.Gamma[c] * (p.X[i] - (double)p.RunningMean[c]) / Math.Sqrt((double)p.RunningVar[c] + Epsilon) + p.Beta[c];
        }
        Close(expected, y, 1e-5, 2e-6, "y");

        var r = Random(total, 8);
        float[] dGamma = Filled(channels, float.NaN), dBeta = Filled(channels, float.NaN), dx = Filled(total, float.NaN);
        BatchNorm.BackwardInference(p.X, p.Gamma, p.RunningMean, p.RunningVar, r, dGamma, dBeta, dx, batch, channels, spatial, Epsilon, true, true);
        var y2 = new float[total];
        double Loss()
        {
            BatchNorm.ForwardInference(p.X, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, y2, batch, channels, spatial, Epsilon);
            return LayerTestSupport.Loss(r, y2);
        }
        CheckGradient(p.X, dx, Loss, 1e-2f, 2e-4, "dx");
        CheckGradient(p.Gamma, dGamma, Loss, 1e-2f, 2e-4, "dGamma");
        CheckGradient(p.Beta, dBeta, Loss, 1e-2f, 2e-4, "dBeta");

        float[] dx2 = Filled(total, float.NaN);
        BatchNorm.BackwardInference(default, p.Gamma, default, p.RunningVar, r, default, default, dx2, batch, channels, spatial, Epsilon, false, true);
        Assert.Equal(dx, dx2);
    }

    public static IEnumerable<object[]> LayerNormCases() => new[]
    {
        new object[] { 1, 5 }, new object[] { 3, 19 }, new object[] { 2, 64 }, new object[] { 4, 1 },
    };

    [Theory]
    [MemberData(nameof(LayerNormCases))]
    public void LayerNormMatchesDefinitionAndFiniteDifferences(int batch, int features)
    {
        var x = Random(batch * features, 400 + features, -1f, 2f);
        var gamma = Random(features, 401, 0.5f, 1.5f);
        var beta = Random(features, 402);
        float[] y = Filled(x.Length, float.NaN), xhat = Filled(x.Length, float.NaN), invStd = Filled(batch, float.NaN);
        LayerNorm.Forward(x, gamma, beta, y, xhat, invStd, batch, features, Epsilon);

        var expectedY = new double[x.Length];
        var expectedH = new double[x.Length];
        var expectedInv = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            double mean = 0, sq = 0;
            for (int f = 0; f < features; f++) mean += x[b * features + f];
            mean /= features;
            for (int f = 0; f < features; f++) sq += Math.Pow(x[b * features + f] - mean, 2);
            expectedInv[b] = 1 / Math.Sqrt(sq / features + Epsilon);
            for (int f = 0; f < features; f++)
            {
                int i = b * features + f;
                expectedH[i] = (x[i] - mean) * expectedInv[b];
                expectedY[i] = gamma[f] * expectedH[i] + beta[f];
            }
        }
        Close(expectedH, xhat, 1e-5, 2e-6, "xhat");
        Close(expectedY, y, 1e-5, 2e-6, "y");
        Close(expectedInv, invStd, 1e-6, 0, "invStd");

        var r = Random(x.Length, 403);
        float[] dGamma = Filled(features, float.NaN), dBeta = Filled(features, float.NaN), dx = Filled(x.Length, float.NaN);
        LayerNorm.Backward(xhat, gamma, invStd, r, dGamma, dBeta, dx, batch, features, true, true);
        float[] y2 = new float[x.Length], h2 = new float[x.Length], inv2 = new float[batch];
        double Loss()
        {
            LayerNorm.Forward(x, gamma, beta, y2, h2, inv2, batch, features, Epsilon);
            return LayerTestSupport.Loss(r, y2);
        }
        CheckGradient(x, dx, Loss, 1e-2f, 5e-4, "dx");
        CheckGradient(gamma, dGamma, Loss, 1e-2f, 5e-4, "dGamma");
        CheckGradient(beta, dBeta, Loss, 1e-2f, 5e-4, "dBeta");

        float[] dx2 = Filled(x.Length, float.NaN);
        LayerNorm.Backward(xhat, gamma, invStd, r, default, default, dx2, batch, features, false, true);
        Assert.Equal(dx, dx2);
    }

    [Fact]
    public void ShortSpansThrowNamingTheSpan()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardTraining(new float[12], new float[3], new float[3], new float[3], new float[2], new float[12], new float[12], new float[3], 2, 3, 2, 0.9f, 1e-3f));
        Assert.Equal("runningVar", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardInference(new float[11], new float[3], new float[3], new float[3], new float[3], new float[12], 2, 3, 2, 1e-3f));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            BatchNorm.BackwardTraining(new float[12], new float[3], new float[3], new float[12], new float[3], new float[3], new float[11], 2, 3, 2, true, true));
        Assert.Equal("inputGrad", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            LayerNorm.Forward(new float[12], new float[6], new float[6], new float[12], new float[12], new float[1], 2, 6, 1e-3f));
        Assert.Equal("invStd", e.ParamName);
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        var conv = MakeBn(8, 16, 49, 1);
        var dense = MakeBn(32, 100, 1, 2);
        var buffers = new List<(Bn P, float[] Y, float[] H, float[] Inv, float[] Dg, float[] Db, float[] Dx)>();
        foreach (var p in new[] { conv, dense })
        {
            int total = p.X.Length;
            buffers.Add((p, new float[total], new float[total], new float[p.Channels], new float[p.Channels], new float[p.Channels], new float[total]));
        }
        var lnGamma = Filled(100, 1f);
        var lnInv = new float[32];
        void RunAll()
        {
            foreach (var (p, y, h, inv, dg, db, dx) in buffers)
            {
                BatchNorm.ForwardTraining(p.X, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, y, h, inv, p.Batch, p.Channels, p.Spatial, 0.99f, Epsilon);
                BatchNorm.BackwardTraining(h, p.Gamma, inv, y, dg, db, dx, p.Batch, p.Channels, p.Spatial, true, true);
                BatchNorm.ForwardInference(p.X, p.Gamma, p.Beta, p.RunningMean, p.RunningVar, y, p.Batch, p.Channels, p.Spatial, Epsilon);
                BatchNorm.BackwardInference(p.X, p.Gamma, p.RunningMean, p.RunningVar, y, dg, db, dx, p.Batch, p.Channels, p.Spatial, Epsilon, true, true);
            }
            var (d, dy, dh, _, _, _, ddx) = buffers[1];
            LayerNorm.Forward(d.X, lnGamma, lnGamma, dy, dh, lnInv, 32, 100, Epsilon);
            LayerNorm.Backward(dh, lnGamma, lnInv, dy, buffers[1].Dg, buffers[1].Db, ddx, 32, 100, true, true);
        }
        for (int i = 0; i < 3; i++) RunAll();
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 20; i++) RunAll();
        }));
    }
}
