using Axon.Testing;
using System;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Widths that split raggedly over two and three threads (256, 100, 10), GELU (needs the pre-activation), SGD with momentum.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64)]
[Input(300)]
[Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
public partial class WideMlp
{
    [Dense(256, Activation.Gelu)] public partial Layer Hidden1 { get; }
    [Dense(100, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>
/// Threads split output columns of the forward product, rows of the gradient products and of the
/// optimizer update, never a reduction, so training is bitwise identical to one thread.
/// </summary>
public class ThreadingTests
{
    private static (float[] Parameters, float[] Outputs) Train(int threads, int batch)
    {
        var model = new FashionMlp(seed: 9) { Threads = threads };
        var rng = new Rng(2);
        var x = new float[batch * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        for (int i = 0; i < 10; i++) model.TrainStep(x, labels);
        var outputs = new float[batch * FashionMlp.OutputSize];
        model.Predict(x, outputs);
        var inputGradient = new float[x.Length];
        model.InputGradient(x, labels, inputGradient);
        return (model.Parameters.ToArray(), outputs.Concat(inputGradient).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(128)]
    public void TwoThreads_AreBitwiseIdenticalToOne(int batch)
    {
        var one = Train(1, batch);
        var two = Train(2, batch);
        Assert.Equal(one.Parameters, two.Parameters);
        Assert.Equal(one.Outputs, two.Outputs);
    }

    private static float[] TrainWide(int threads, bool freezeFirst)
    {
        var model = new WideMlp(seed: 5) { Threads = threads };
        if (freezeFirst) model.Hidden1.Freeze();
        model.Hidden2.LearningRateScale = 0.5f;
        var rng = new Rng(3);
        var x = new float[64 * WideMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle() * 2 - 1;
        var labels = Enumerable.Range(0, 64).Select(i => (i * 7) % 10).ToArray();
        for (int i = 0; i < 8; i++) model.TrainStep(x, labels);
        var outputs = new float[64 * WideMlp.OutputSize];
        model.Predict(x, outputs);
        return model.Parameters.ToArray().Concat(outputs).ToArray();
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    public void RaggedWidths_MomentumAndFrozenLayers_AreBitwiseIdenticalToOneThread(int threads, bool freezeFirst)
    {
        var one = TrainWide(1, freezeFirst);
        var many = TrainWide(threads, freezeFirst);
        Assert.Equal(one, many);
        // The run trained: a frozen first layer stays at its initial values, the rest moved.
        var initial = new WideMlp(seed: 5).Parameters.ToArray();
        int first = WideMlp.InputSize * 256 + 256;
        Assert.Equal(freezeFirst, one.AsSpan(0, first).SequenceEqual(initial.AsSpan(0, first)));
        Assert.False(one.AsSpan(first, initial.Length - first).SequenceEqual(initial.AsSpan(first)));
    }

    [Fact]
    public void TwoThreads_TrainStepAllocatesNothingAfterWarmUp()
    {
        var model = new FashionMlp { Threads = 2 };
        var rng = new Rng(1);
        var x = new float[128 * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var labels = Enumerable.Range(0, 128).Select(i => i % 10).ToArray();
        var output = new float[FashionMlp.OutputSize];
        for (int i = 0; i < 3; i++) { model.TrainStep(x, labels); model.Predict(x.AsSpan(0, 784), output); }
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 100; i++) model.TrainStep(x, labels);
            for (int i = 0; i < 1000; i++) model.Predict(x.AsSpan(0, 784), output);
        }));
        Assert.Equal(2, model.Threads);
    }

    // On any thread count the input check names the first bad value and nothing is trained: the check splits its scan
    // over the threads for a batch this large, and with a bad value in each part the first part's is named.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NonFiniteInput_OnSeveralThreads_NamesTheFirstBadValue_AndTrainsNothing(int threads)
    {
        var model = new FashionMlp(seed: 4) { Threads = threads };
        var before = model.Parameters.ToArray();
        var x = new float[128 * FashionMlp.InputSize];
        var labels = Enumerable.Range(0, 128).Select(i => i % 10).ToArray();
        int late = x.Length - 5, early = 40_000;
        x[late] = float.PositiveInfinity;
        var e = Assert.Throws<ArgumentException>(() => model.TrainStep(x, labels));
        Assert.StartsWith($"inputs[{late}] is Infinity; expected a finite value.", e.Message);
        x[early] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => model.TrainStep(x, labels));
        Assert.StartsWith($"inputs[{early}] is NaN;", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }
}
