using System;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

/// <summary>A binary dataset says so (not FromRegression), and a dataset gives batches without unused slots.</summary>
public class DatasetBinaryTests
{
    private static readonly float[] Features = [0, 0, 0, 1, 1, 0, 1, 1];

    [Fact]
    public void FromBinaryStoresOneTargetPerSample()
    {
        var fromFloats = Dataset.FromBinary(Features, [0f, 1f, 1f, 0f], 2);
        var fromInts = Dataset.FromBinary(Features, [0, 1, 1, 0], 2);
        foreach (var d in new[] { fromFloats, fromInts })
        {
            Assert.False(d.IsClassification);
            Assert.Equal(4, d.Count);
            Assert.Equal(1, d.TargetSize);
            Assert.Equal([0f, 1f, 1f, 0f], d.Targets!);
        }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-1f)]
    [InlineData(2f)]
    [InlineData(float.NaN)]
    public void FromBinaryRejectsALabelThatIsNotZeroOrOne(float bad)
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromBinary(Features, [0f, 1f, bad, 0f], 2));
        Assert.Contains("labels01[2]", e.Message);
        Assert.Contains("0 or 1", e.Message);
        Assert.Throws<ArgumentException>(() => Dataset.FromBinary(Features, [0, 1, 2, 0], 2));
    }

    [Fact]
    public void AsBatchSlicesTheDatasetsOwnArrays()
    {
        var binary = Dataset.FromBinary(Features, [0, 1, 1, 0], 2);
        var batch = binary.AsBatch(1, 2);
        Assert.Equal(2, batch.Count);
        Assert.Equal([0f, 1f, 1f, 0f], batch.Inputs.ToArray());
        Assert.Equal([1f, 1f], batch.Targets.ToArray());
        Assert.True(batch.Labels.IsEmpty);

        var classes = Dataset.FromClassification(Features, [3, 1, 2, 0], 2);
        var all = classes.AsBatch();
        Assert.Equal(4, all.Count);
        Assert.Equal([3, 1, 2, 0], all.Labels.ToArray());
        Assert.True(all.Targets.IsEmpty);

        Assert.Throws<ArgumentOutOfRangeException>(() => classes.AsBatch(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => classes.AsBatch(-1, 1));
    }
}
