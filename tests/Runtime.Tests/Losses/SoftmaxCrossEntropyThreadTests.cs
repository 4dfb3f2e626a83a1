using System;
using Axon.Kernels;
using Axon.Losses;
using Axon.Testing;
using Xunit;

namespace Axon.Runtime.Tests.Losses;

/// <summary>The row-split softmax cross-entropy a model uses on several threads gives the one-thread bits.</summary>
public class SoftmaxCrossEntropyThreadTests
{
    [Theory]
    [InlineData(128, 10, 2)]
    [InlineData(128, 10, 3)]
    [InlineData(1000, 7, 2)]     // rows that do not divide evenly
    [InlineData(64, 1000, 4)]    // wide rows
    [InlineData(8, 10, 2)]       // too small to split: the one-thread path
    public void OnThreads_GivesTheOneThreadLossAndGradientBitwise(int batch, int classes, int threads)
    {
        var rng = new Random(batch * 31 + classes);
        var logits = new float[batch * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(rng.NextDouble() * 40 - 20);
        var labels = new int[batch];
        for (int r = 0; r < batch; r++) labels[r] = rng.Next(classes);

        var expected = new float[logits.Length];
        float expectedLoss = SoftmaxCrossEntropy.ForwardBackward(logits, labels, expected, batch, classes, 1f / batch);
        var grad = new float[logits.Length];
        float loss = SoftmaxCrossEntropy.ForwardBackwardOnThreads(logits, labels, grad, batch, classes, 1f / batch, WorkerPool.Get(threads));
        Assert.Equal(expectedLoss, loss);
        Assert.Equal(expected, grad);

        // In place (grad = logits), as the generated models call it.
        var inPlace = (float[])logits.Clone();
        Assert.Equal(expectedLoss, SoftmaxCrossEntropy.ForwardBackwardOnThreads(inPlace, labels, inPlace, batch, classes, 1f / batch, WorkerPool.Get(threads)));
        Assert.Equal(expected, inPlace);
    }

    [Fact]
    public void OnThreads_AllocatesNothing()
    {
        const int batch = 128, classes = 10;
        var logits = new float[batch * classes];
        var grad = new float[logits.Length];
        var labels = new int[batch];
        var pool = WorkerPool.Get(2);
        SoftmaxCrossEntropy.ForwardBackwardOnThreads(logits, labels, grad, batch, classes, 1f, pool);
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 10; i++) SoftmaxCrossEntropy.ForwardBackwardOnThreads(logits, labels, grad, batch, classes, 1f, pool);
        }));
    }
}
