using System;
using Axon.Kernels;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>The 1-D pools on step-major sequences: the definitions (padding never wins, is not counted) and finite differences.</summary>
public class Pooling1DTests
{
    [Theory]
    [InlineData(7, 3, 2, 0, Padding.Valid)]
    [InlineData(7, 3, 3, 2, Padding.Valid)]
    [InlineData(7, 3, 2, 1, Padding.Same)]
    [InlineData(8, 2, 3, 2, Padding.Same)]
    public void MaxAndAvg_MatchTheDefinition_AndTheirGradientsMatchFiniteDifferences(int steps, int channels, int pool, int stride, Padding padding)
    {
        var s = Pool1DShape.Create(steps, channels, pool, stride == 0 ? pool : stride, padding);
        int batch = 2;
        var x = Random(batch * s.InputSize, steps * 10 + pool);
        var r = Random(batch * s.OutputSize, 99);
        var max = new float[batch * s.OutputSize];
        var avg = new float[max.Length];
        MaxPool1D.Forward(x, max, batch, s);
        AvgPool1D.Forward(x, avg, batch, s);
        var expectedMax = new double[max.Length];
        var expectedAvg = new double[max.Length];
        for (int n = 0; n < batch; n++)
            for (int t = 0; t < s.OutSteps; t++)
                for (int c = 0; c < channels; c++)
                {
                    double m = double.NegativeInfinity, sum = 0;
                    int count = 0;
                    for (int k = 0; k < pool; k++)
                    {
                        int step = t * s.Stride + k - s.PadLeft;
                        if (step < 0 || step >= steps) continue;
                        double v = x[(n * steps + step) * channels + c];
                        m = Math.Max(m, v);
                        sum += v;
                        count++;
                    }
                    expectedMax[(n * s.OutSteps + t) * channels + c] = m;
                    expectedAvg[(n * s.OutSteps + t) * channels + c] = sum / count;
                }
        Close(expectedMax, max, 0, 0, "max");
        Close(expectedAvg, avg, 1e-6, 1e-7, "avg");

        var dxMax = Filled(x.Length, float.NaN);
        MaxPool1D.Backward(x, r, dxMax, batch, s);
        CheckGradient(x, dxMax, () => { MaxPool1D.Forward(x, max, batch, s); return Loss(r, max); }, 1e-3f, 1e-3, "max dx", null, piecewiseLinear: true);
        var dxAvg = Filled(x.Length, float.NaN);
        AvgPool1D.Backward(r, dxAvg, batch, s);
        CheckGradient(x, dxAvg, () => { AvgPool1D.Forward(x, avg, batch, s); return Loss(r, avg); }, 1e-2f, 1e-4, "avg dx");
    }

    [Fact]
    public void GlobalPools_ReduceTheSteps_AndTheirGradientsMatchFiniteDifferences()
    {
        int batch = 3, steps = 5, channels = 4;
        var x = Random(batch * steps * channels, 7);
        var r = Random(batch * channels, 8);
        var mean = new float[batch * channels];
        var max = new float[mean.Length];
        GlobalAveragePool1D.Forward(x, mean, batch, steps, channels);
        GlobalMaxPool1D.Forward(x, max, batch, steps, channels);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
            {
                double sum = 0, m = double.NegativeInfinity;
                for (int t = 0; t < steps; t++)
                {
                    sum += x[(n * steps + t) * channels + c];
                    m = Math.Max(m, x[(n * steps + t) * channels + c]);
                }
                Assert.Equal(sum / steps, mean[n * channels + c], 5);
                Assert.Equal((float)m, max[n * channels + c]);
            }
        var dMean = Filled(x.Length, float.NaN);
        GlobalAveragePool1D.Backward(r, dMean, batch, steps, channels);
        CheckGradient(x, dMean, () => { GlobalAveragePool1D.Forward(x, mean, batch, steps, channels); return Loss(r, mean); }, 1e-2f, 1e-4, "mean dx");
        var dMax = Filled(x.Length, float.NaN);
        GlobalMaxPool1D.Backward(x, r, dMax, batch, steps, channels);
        CheckGradient(x, dMax, () => { GlobalMaxPool1D.Forward(x, max, batch, steps, channels); return Loss(r, max); }, 1e-3f, 1e-3, "max dx", null, piecewiseLinear: true);
    }

    [Fact]
    public void MaxPool1D_TiesSendTheGradientToTheFirstMaximum()
    {
        var s = Pool1DShape.Create(4, 1, 2, 2, Padding.Valid);
        float[] x = [1f, 1f, 3f, 3f];
        var dx = new float[4];
        MaxPool1D.Backward(x, [5f, 7f], dx, 1, s);
        Assert.Equal([5f, 0f, 7f, 0f], dx);
    }

    [Fact]
    public void Pools_RejectCausalPadding()
    {
        var e = Assert.Throws<ArgumentException>(() => Pool1DShape.Create(6, 2, 2, 2, Padding.Causal));
        Assert.Contains("Causal is for Conv1D", e.Message);
    }
}
