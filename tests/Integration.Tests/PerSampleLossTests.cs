using Axon.Testing;
using System;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Per-sample losses and ∂L/∂outputs without a loop over Evaluate, and the gradient members on IModel (issue 10 item 7).</summary>
public class PerSampleLossTests
{
    private static (float[] X, int[] Labels) Data(int n)
    {
        var rng = new Rng(8);
        var x = new float[n * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        return (x, Enumerable.Range(0, n).Select(i => (i * 3) % 10).ToArray());
    }

    [Fact]
    public void ComputeLosses_MatchEvaluatePerSample_AndTheirGradientBackpropagatesToComputeGradients()
    {
        var model = new FashionMlp(maxBatchSize: 16, seed: 2);
        var (x, labels) = Data(40);   // three batches, the last one ragged
        var losses = new float[40];
        var outputGradient = new float[40 * FashionMlp.OutputSize];
        model.ComputeLosses(x, labels, losses, outputGradient);

        for (int i = 0; i < 40; i++)
        {
            var one = model.Evaluate(x.AsSpan(i * FashionMlp.InputSize, FashionMlp.InputSize), labels.AsSpan(i, 1));
            Assert.Equal(one.Loss, losses[i], 1e-6);
        }
        Assert.Equal(model.Evaluate(x, labels).Loss, losses.Average(), 1e-5);

        // ∂L_i/∂outputs_i, averaged over a batch and back-propagated, is the gradient of the mean loss.
        var (x16, y16) = (x.AsSpan(0, 16 * FashionMlp.InputSize).ToArray(), labels.AsSpan(0, 16).ToArray());
        var mean = outputGradient.AsSpan(0, 16 * FashionMlp.OutputSize).ToArray().Select(g => g / 16).ToArray();
        model.Forward(x16, new float[16 * FashionMlp.OutputSize], training: false);
        model.Backward(x16, mean, default, parameterGradients: true);
        var fromLosses = model.Gradients.ToArray();
        model.ComputeGradients(x16, y16);
        var direct = model.Gradients.ToArray();
        Assert.Contains(direct, g => g != 0f);
        for (int i = 0; i < direct.Length; i++) Assert.Equal(direct[i], fromLosses[i], 1e-6);
    }

    [Fact]
    public void ComputeLosses_WithoutOutputGradient_AndBadLengths_AreChecked()
    {
        var model = new FashionMlp(maxBatchSize: 16);
        var (x, labels) = Data(4);
        var losses = new float[4];
        model.ComputeLosses(x, labels, losses);
        Assert.All(losses, l => Assert.True(l > 0f && float.IsFinite(l)));
        Assert.Throws<ArgumentException>(() => model.ComputeLosses(x, labels, new float[3]));
        Assert.Throws<ArgumentException>(() => model.ComputeLosses(x, labels, losses, new float[5]));
    }

    [Fact]
    public void IModel_ComputeGradientsAndGradients_AreTheTypedMembers()
    {
        var typed = new FashionMlp(maxBatchSize: 16, seed: 3);
        IModel shared = new FashionMlp(maxBatchSize: 16, seed: 3);
        var (x, labels) = Data(16);
        float a = typed.ComputeGradients(x, labels);
        float b = shared.ComputeGradients(new Batch(x, labels, default, 16));
        Assert.Equal(a, b);
        Assert.Equal(typed.Gradients.ToArray(), shared.Gradients.ToArray());
        Assert.Equal(typed.Parameters.ToArray(), shared.Parameters.ToArray());
        Assert.Contains(shared.Gradients.ToArray(), g => g != 0f);
    }
}
