using System;
using Axon.Kernels;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

public class GhostNormsTests
{
    /// <summary>
    /// While collecting, Dense.Backward adds each row's ‖x_r‖²·‖dZ_r‖² + ‖dZ_r‖² (the squared norm of that sample's weight and bias
    /// gradients, dZ after the ReLU derivative), compared here with the explicit outer product of one row alone; with
    /// skipWeightGradients the weight gradient is left untouched, and with collection off nothing changes.
    /// </summary>
    [Fact]
    public void DenseBackward_CollectsEachSamplesGradientNorm_AsTheExplicitOuterProduct()
    {
        const int n = 5, inF = 7, outF = 3;
        var rng = new Rng(4);
        float[] Fill(int count) { var a = new float[count]; for (int i = 0; i < a.Length; i++) a[i] = rng.NextGaussian(); return a; }
        var x = Fill(n * inF);
        var w = Fill(outF * inF);
        var b = Fill(outF);
        var y = new float[n * outF];
        Dense.Forward(x, w, b, y, y, n, inF, outF, default(ReluActivation));
        var dy = Fill(n * outF);

        var squares = new float[n + 2];
        var grad = (float[])dy.Clone();
        var weightGrad = new float[outF * inF];
        weightGrad.AsSpan().Fill(42f);
        GhostNorms.Begin(squares, n, skipWeightGradients: true);
        Dense.Backward(x, w, default, y, grad, weightGrad, new float[outF], new float[n * inF], n, inF, outF, default(ReluActivation),
            gradIsPreActivation: false, computeParameterGradients: true, computeInputGradient: true);
        Assert.True(GhostNorms.End());
        Assert.All(weightGrad, v => Assert.Equal(42f, v));

        for (int r = 0; r < n; r++)
        {
            double expected = 0;
            for (int o = 0; o < outF; o++)
            {
                double dz = y[r * outF + o] > 0 ? dy[r * outF + o] : 0;   // ReLU' from the output
                expected += dz * dz;   // the bias gradient of this sample
                for (int i = 0; i < inF; i++) { double g = dz * x[r * inF + i]; expected += g * g; }
            }
            Assert.Equal(expected, squares[r], 1e-4 * Math.Max(1, expected));
        }

        // Off: the same call computes the weight gradient and touches no norms.
        var before = (float[])squares.Clone();
        grad = (float[])dy.Clone();
        Dense.Backward(x, w, default, y, grad, weightGrad, new float[outF], new float[n * inF], n, inF, outF, default(ReluActivation),
            gradIsPreActivation: false, computeParameterGradients: true, computeInputGradient: true);
        Assert.Contains(weightGrad, v => v != 42f);
        Assert.Equal(before, squares);

        // A layer run on other rows than one per sample (a Dense per time step) is reported, not summed.
        GhostNorms.Begin(squares, n - 1, skipWeightGradients: true);
        grad = (float[])dy.Clone();
        Dense.Backward(x, w, default, y, grad, weightGrad, new float[outF], new float[n * inF], n, inF, outF, default(ReluActivation),
            gradIsPreActivation: false, computeParameterGradients: true, computeInputGradient: false);
        Assert.False(GhostNorms.End());
    }
}
