using Axon.Testing;
using System;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Two threads split output rows only, so training is bitwise identical to one thread.</summary>
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
}
