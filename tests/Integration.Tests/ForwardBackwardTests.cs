using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Testing;
using Xunit;
using static Axon.Integration.Tests.FiniteDifferences;

namespace Axon.Integration.Tests;

/// <summary>
/// The generated Forward / Backward / ApplyGradients: Backward of a random output gradient g must be the gradient of
/// Σ g·f(x) (inputs and parameters, by finite differences), in both modes and through every kind of model; the
/// contract (one Backward per Forward, same rows) is enforced; nothing is allocated.
/// </summary>
public class ForwardBackwardTests
{
    /// <summary>
    /// Forward, Backward of a random g, then central differences of <c>Σ g·Forward(x)</c> over every input listed in
    /// <paramref name="inputs"/> (all by default) and every parameter of the trainable layers.
    /// </summary>
    private static void CheckBackward(IModel model, Span<float> parameters, ReadOnlySpan<float> gradients, float[] x, bool training, int seed,
        int[]? inputs = null, float parameterStep = H)
    {
        int n = x.Length / model.InputSize;
        var outputs = new float[n * model.OutputSize];
        var g = Random(outputs.Length, seed);
        double Objective()
        {
            model.Forward(x, outputs, training);
            double sum = 0;
            for (int i = 0; i < g.Length; i++) sum += (double)g[i] * outputs[i];
            return sum;
        }

        model.Forward(x, outputs, training);
        var dx = new float[x.Length];
        model.Backward(x, g, dx, parameterGradients: true);
        var dtheta = gradients.ToArray();

        inputs ??= Enumerable.Range(0, x.Length).ToArray();
        FiniteDifferences.Check(x, dx, Objective, "input", indices: inputs);
        var trainable = model.Layers.Where(l => !l.IsFrozen && l.ParameterCount > 0)
            .SelectMany(l => Enumerable.Range(l.ParameterOffset, l.ParameterCount)).ToArray();
        Assert.NotEmpty(trainable);
        FiniteDifferences.Check(parameters, dtheta, Objective, "parameter", parameterStep, trainable);
    }

    [Fact]
    public void Mlp_EveryActivation_BackwardIsTheGradientOfTheWeightedOutputs()
    {
        var model = new ActivationZoo(seed: 3);
        CheckBackward(model, model.Parameters, model.Gradients, Random(6 * ActivationZoo.InputSize, 11, 2f), training: false, seed: 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CnnWithBatchNorm_BackwardMatchesFiniteDifferences_InTheModeForwardRanIn(bool training)
    {
        // Inference: BatchNorm on running statistics (moved away from 0/1 by a few training steps first).
        // Training: on the batch's own statistics, which Forward recomputes on every call.
        var model = new NormNet(seed: 7);
        var warm = Random(8 * NormNet.InputSize, 1, 2f);
        for (int i = 0; i < 5; i++) model.TrainStep(warm, Random(8 * NormNet.OutputSize, 2 + i));
        // A smaller parameter step: with 5 samples, batch statistics make the outputs strongly curved in the weights.
        CheckBackward(model, model.Parameters, model.Gradients, Random(5 * NormNet.InputSize, 13, 2f), training, seed: 14, parameterStep: 2e-3f);
    }

    [Fact]
    public void ConvolutionsAndPools_StrideAndSamePadding_BackwardMatchesFiniteDifferences()
    {
        var model = new TinyConvNet(seed: 2);
        // ±1e-2 on a first-layer weight can move a max-pool window's winner (a kink): a smaller step, as in SpatialLayerTests.
        CheckBackward(model, model.Parameters, model.Gradients, Random(3 * TinyConvNet.InputSize, 15), training: true, seed: 16, parameterStep: 2e-3f);
    }

    [Fact]
    public void Graph_WithFanInAndFanOut_BackwardMatchesFiniteDifferences()
    {
        var model = new GraphZoo(seed: 4);
        CheckBackward(model, model.Parameters, model.Gradients, Random(4 * GraphZoo.InputSize, 17), training: false, seed: 18);
    }

    [Fact]
    public void LoRA_TrainsOnlyTheAdapters_AndBackwardMatchesFiniteDifferences()
    {
        var model = new AdaptedMlp(seed: 5);
        // Give B non-zero values so the adapter path carries gradient to A and to the input.
        var rng = new Rng(9);
        foreach (var adapter in model.Adapters)
            for (int i = 0; i < adapter.Bias.Length; i++) adapter.Bias[i] = rng.NextUniform(-0.5f, 0.5f);
        var frozenBefore = model.Hidden.Weight.ToArray();
        CheckBackward(model, model.Parameters, model.Gradients, Random(4 * AdaptedMlp.InputSize, 19), training: true, seed: 20);
        model.ApplyGradients();
        Assert.Equal(frozenBefore, model.Hidden.Weight.ToArray());
    }

    [Fact]
    public void InputMembers_IdColumnsGetNoGradient_NumericColumnsMatchFiniteDifferences()
    {
        var model = new TabularNet(seed: 6);
        const int n = 6;
        var x = new float[n * TabularNet.InputSize];
        var rng = new Rng(21);
        for (int r = 0; r < n; r++)
        {
            x[r * 5] = rng.NextInt(5);
            x[r * 5 + 1] = rng.NextInt(5);
            for (int c = 2; c < 5; c++) x[r * 5 + c] = rng.NextUniform(-2f, 2f);
        }
        var numeric = Enumerable.Range(0, x.Length).Where(i => i % 5 >= 2).ToArray();
        CheckBackward(model, model.Parameters, model.Gradients, x, training: false, seed: 22, inputs: numeric);

        var outputs = new float[n];
        var dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        model.Forward(x, outputs, training: false);
        model.Backward(x, Random(n, 23), dx, parameterGradients: false);
        for (int i = 0; i < x.Length; i++)
            if (i % 5 < 2) Assert.Equal(0f, dx[i]);
    }

    [Fact]
    public void ForwardBackwardApply_WithTheLossGradient_IsBitwiseATrainStep()
    {
        var data = Random(32 * ActivationZoo.InputSize, 30, 2f);
        var labels = Enumerable.Range(0, 8).Select(i => i % ActivationZoo.OutputSize).ToArray();
        var stepped = new ActivationZoo(seed: 8);
        var manual = new ActivationZoo(seed: 8);
        var logits = new float[8 * ActivationZoo.OutputSize];
        var grad = new float[logits.Length];
        for (int step = 0; step < 4; step++)
        {
            var x = data.AsSpan(step * 8 * ActivationZoo.InputSize, 8 * ActivationZoo.InputSize);
            float expected = stepped.TrainStep(x, labels);
            manual.Forward(x, logits, training: true);
            float loss = Losses.SoftmaxCrossEntropy.ForwardBackward(logits, labels, grad, 8, ActivationZoo.OutputSize, 1f / 8) / 8;
            manual.Backward(x, grad, default, parameterGradients: true);
            manual.ApplyGradients();
            Assert.Equal(expected, loss);
        }
        Assert.Equal(stepped.Parameters.ToArray(), manual.Parameters.ToArray());
    }

    [Fact]
    public void Backward_WithoutTheForwardJustBeforeIt_Throws_AndBadArgumentsChangeNothing()
    {
        var model = new ActivationZoo(seed: 1);
        var x = Random(4 * ActivationZoo.InputSize, 40);
        var outputs = new float[4 * ActivationZoo.OutputSize];
        var g = Random(outputs.Length, 41);
        var dx = new float[x.Length];

        var e = Assert.Throws<InvalidOperationException>(() => model.Backward(x, g, dx, true));   // never ran Forward
        Assert.Contains("ActivationZoo.Backward needs the activations of a Forward call", e.Message);

        model.Forward(x, outputs, training: false);
        model.Predict(x, outputs);                                                               // another call in between
        Assert.Throws<InvalidOperationException>(() => model.Backward(x, g, dx, true));

        model.Forward(x, outputs, training: false);
        e = Assert.Throws<InvalidOperationException>(() => model.Backward(x.AsSpan(0, 2 * ActivationZoo.InputSize).ToArray(), g.AsSpan(0, 8).ToArray(), default, true));
        Assert.Contains("ran on 4 rows", e.Message);
        Assert.Throws<ArgumentException>(() => model.Backward(x, g.AsSpan(1).ToArray(), dx, true));   // wrong gradient length
        Assert.Throws<ArgumentException>(() => model.Backward(x, g, new float[3], true));              // wrong input-gradient length
        var bad = (float[])g.Clone();
        bad[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => model.Backward(x, bad, dx, true));
        model.Backward(x, g, dx, true);                                                          // the Forward is still usable
        Assert.Throws<InvalidOperationException>(() => model.Backward(x, g, dx, true));           // but only once

        model.Forward(x, outputs, training: true);
        model.ApplyGradients();
        Assert.Throws<InvalidOperationException>(() => model.Backward(x, g, dx, true));
        model.Forward(x, outputs, training: true);
        model.TrainStep(x, [0, 1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => model.Backward(x, g, dx, true));

        Assert.Throws<ArgumentException>(() => model.Forward(Random(9 * ActivationZoo.InputSize, 1), new float[9 * ActivationZoo.OutputSize], false)); // > MaxBatchSize
        Assert.Throws<ArgumentException>(() => model.Forward(x, new float[3], false));
    }

    [Fact]
    public void ModelsThatCannotBackpropagate_SayNotSupported()
    {
        var squeezed = new SqueezedModel(new FashionMlp(seed: 1), new FeatureSqueezing { Bits = 3 });
        IModel model = squeezed;
        Assert.Throws<NotSupportedException>(() => model.Forward(new float[FashionMlp.InputSize], new float[10], false));
        Assert.Throws<NotSupportedException>(() => model.Backward(new float[FashionMlp.InputSize], new float[10], default, true));
        Assert.Throws<NotSupportedException>(() => model.ApplyGradients());
        Assert.Null(model.AdversarialTraining);
    }

    [Fact]
    public void ForwardBackwardApply_AllocateNothing()
    {
        var model = new FashionCnn(seed: 1);
        const int n = 16;
        var x = Random(n * FashionCnn.InputSize, 50, 0.5f);
        var outputs = new float[n * FashionCnn.OutputSize];
        var g = Random(outputs.Length, 51);
        var dx = new float[x.Length];
        void Step()
        {
            model.Forward(x, outputs, training: true);
            model.Backward(x, g, dx, parameterGradients: true);
            model.ApplyGradients();
        }
        Step();
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 20; i++) Step(); }));
    }
}
