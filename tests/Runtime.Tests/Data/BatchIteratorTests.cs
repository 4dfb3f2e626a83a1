using Axon.Testing;
using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

public class BatchIteratorTests
{
    /// <summary>The sample ids (feature 0) of each batch of one epoch, checking each row's other values and label belong to it.</summary>
    private static List<int[]> Epoch(BatchIterator iterator)
    {
        var batches = new List<int[]>();
        foreach (var batch in iterator)
        {
            Assert.Equal(batch.Count * 3, batch.Inputs.Length);
            Assert.Equal(batch.Count, batch.Labels.Length);
            Assert.True(batch.Targets.IsEmpty);
            var ids = new int[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                int id = (int)batch.Inputs[i * 3];
                Assert.Equal(-id, batch.Inputs[i * 3 + 1]);
                Assert.Equal(id * 0.5f, batch.Inputs[i * 3 + 2]);
                Assert.Equal(id % 4, batch.Labels[i]);
                ids[i] = id;
            }
            batches.Add(ids);
        }
        return batches;
    }

    [Theory]
    [InlineData(103, 10, true)]
    [InlineData(103, 10, false)]
    [InlineData(100, 10, true)]
    [InlineData(5, 64, true)]
    [InlineData(1, 1, true)]
    public void EveryEpoch_CoversEverySampleExactlyOnce(int n, int batchSize, bool shuffle)
    {
        var iterator = new BatchIterator(DatasetTests.Indexed(n), batchSize, shuffle, seed: 7);
        int expectedBatches = (n + batchSize - 1) / batchSize;
        Assert.Equal(expectedBatches, iterator.BatchCount);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var batches = Epoch(iterator);
            Assert.Equal(epoch, iterator.Epoch);
            Assert.Equal(expectedBatches, batches.Count);
            Assert.All(batches.SkipLast(1), b => Assert.Equal(Math.Min(batchSize, n), b.Length));
            Assert.Equal(n - (expectedBatches - 1) * batchSize, batches[^1].Length);
            Assert.Equal(Enumerable.Range(0, n), batches.SelectMany(b => b).Order());
        }
    }

    [Fact]
    public void WithoutShuffle_BatchesAreInOrderAndSliceTheDataset()
    {
        var data = DatasetTests.Indexed(25);
        var iterator = new BatchIterator(data, 10, shuffle: false);
        var ids = Epoch(iterator).SelectMany(b => b).ToArray();
        Assert.Equal(Enumerable.Range(0, 25), ids);
        Assert.True(iterator.Order.IsEmpty);

        var e = iterator.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.MoveNext());
        // No copy: the second batch's inputs are the dataset's own memory.
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(e.Current.Inputs), ref data.Features[30]));
        Assert.Equal(10, e.Start);
    }

    [Fact]
    public void Shuffle_ReshufflesEachEpoch_DeterministicallyInTheSeed()
    {
        var data = DatasetTests.Indexed(200);
        var a = new BatchIterator(data, 16, shuffle: true, seed: 42);
        var b = new BatchIterator(data, 16, shuffle: true, seed: 42);
        var c = new BatchIterator(data, 16, shuffle: true, seed: 43);
        var previous = Array.Empty<int>();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            var orderA = Epoch(a).SelectMany(x => x).ToArray();
            var orderB = Epoch(b).SelectMany(x => x).ToArray();
            var orderC = Epoch(c).SelectMany(x => x).ToArray();
            Assert.Equal(orderA, orderB);
            Assert.NotEqual(orderA, orderC);
            Assert.NotEqual(Enumerable.Range(0, 200), orderA);
            Assert.NotEqual(previous, orderA);
            Assert.Equal(orderA, a.Order.ToArray());
            previous = orderA;
        }
    }

    [Fact]
    public void Regression_BatchesCarryTargetsNotLabels()
    {
        var iterator = new BatchIterator(DatasetTests.IndexedRegression(9), 4, shuffle: true, seed: 1);
        var seen = new List<int>();
        foreach (var batch in iterator)
        {
            Assert.True(batch.Labels.IsEmpty);
            Assert.Equal(batch.Count * 2, batch.Targets.Length);
            for (int i = 0; i < batch.Count; i++)
            {
                int id = (int)batch.Inputs[i * 2];
                Assert.Equal(10f * id, batch.Targets[i * 2]);
                Assert.Equal(-10f * id, batch.Targets[i * 2 + 1]);
                seen.Add(id);
            }
        }
        Assert.Equal(Enumerable.Range(0, 9), seen.Order());
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void SteadyState_AllocatesNothingPerBatch(bool shuffle, bool classification)
    {
        var data = classification ? DatasetTests.Indexed(1000) : DatasetTests.IndexedRegression(1000);
        var iterator = new BatchIterator(data, 32, shuffle, seed: 3);
        float checksum = Sweep(iterator); // warm-up: JIT, first-call initialisation

        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int epoch = 0; epoch < 5; epoch++)
                checksum += Sweep(iterator);
        }));
        Assert.True(checksum > 0);
    }

    private static float Sweep(BatchIterator iterator)
    {
        float sum = 0;
        foreach (var batch in iterator)
            sum += batch.Inputs[0] + batch.Count;
        return sum;
    }

    [Fact]
    public void NonPositiveBatchSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(DatasetTests.Indexed(3), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchIterator(DatasetTests.Indexed(3), -1));
    }
}
