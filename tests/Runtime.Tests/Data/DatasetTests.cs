using System;
using System.Linq;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

public class DatasetTests
{
    /// <summary>n samples of 3 features; feature 0 is the sample's index, so rows can be traced.</summary>
    internal static Dataset Indexed(int n, int classes = 4)
    {
        var features = new float[n * 3];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            features[i * 3] = i;
            features[i * 3 + 1] = -i;
            features[i * 3 + 2] = i * 0.5f;
            labels[i] = i % classes;
        }
        return Dataset.FromClassification(features, labels, 3);
    }

    internal static Dataset IndexedRegression(int n)
    {
        var features = new float[n * 2];
        var targets = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            features[i * 2] = i;
            features[i * 2 + 1] = 1;
            targets[i * 2] = 10 * i;
            targets[i * 2 + 1] = -10 * i;
        }
        return Dataset.FromRegression(features, targets, 2, 2);
    }

    [Fact]
    public void FromClassification_SetsShape()
    {
        var d = Indexed(10);
        Assert.Equal(10, d.Count);
        Assert.Equal(3, d.FeatureSize);
        Assert.True(d.IsClassification);
        Assert.Null(d.Targets);
        Assert.Equal(4, d.ClassCount);
        Assert.Equal(0, d.TargetSize);
        Assert.Equal([3, 3, 2, 2], d.CountPerClass());
    }

    [Fact]
    public void FromRegression_SetsShape()
    {
        var d = IndexedRegression(5);
        Assert.Equal(5, d.Count);
        Assert.False(d.IsClassification);
        Assert.Equal(2, d.TargetSize);
        Assert.Equal([30f, -30f], d.TargetsOf(3).ToArray());
    }

    [Fact]
    public void Constructor_FeaturesNotMultipleOfFeatureSize_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromClassification(new float[10], new int[3], 3));
        Assert.Contains("10 values", e.Message);
        Assert.Contains("multiple of featureSize 3", e.Message);
    }

    [Fact]
    public void Constructor_LabelCountMismatch_ThrowsWithBothCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromClassification(new float[12], new int[5], 3));
        Assert.Contains("labels has 5 values", e.Message);
        Assert.Contains("4 (12 feature values / 3)", e.Message);
    }

    [Fact]
    public void Constructor_TargetCountMismatch_ThrowsWithBothCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromRegression(new float[12], new float[7], 3, 2));
        Assert.Contains("targets has 7 values", e.Message);
        Assert.Contains("4 samples × 2 = 8", e.Message);
    }

    [Fact]
    public void Constructor_NegativeLabel_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromClassification(new float[6], [0, -2], 3));
        Assert.Contains("labels[1] is -2", e.Message);
    }

    [Fact]
    public void Constructor_BothOrNeitherTargetKind_Throws()
    {
        Assert.Contains("neither", Assert.Throws<ArgumentException>(() => new Dataset(new float[3], 3, null, null)).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new Dataset(new float[3], 3, [0], [1f])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[3], 0, [0], null));
    }

    [Fact]
    public void Subset_CopiesRowsInGivenOrder()
    {
        var d = Indexed(10);
        var s = d.Subset([7, 2, 7]);
        Assert.Equal(3, s.Count);
        Assert.Equal([7f, -7f, 3.5f, 2f, -2f, 1f, 7f, -7f, 3.5f], s.Features);
        Assert.Equal([3, 2, 3], s.Labels!);
        Assert.NotSame(d.Features, s.Features);

        var r = IndexedRegression(6).Subset([5, 0]);
        Assert.Equal([50f, -50f, 0f, 0f], r.Targets!);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset([10]));
    }

    [Fact]
    public void Shuffled_IsADeterministicPermutation()
    {
        var d = Indexed(50);
        var a = d.Shuffled(seed: 3);
        var b = d.Shuffled(seed: 3);
        var c = d.Shuffled(seed: 4);
        Assert.Equal(a.Features, b.Features);
        Assert.NotEqual(a.Features, c.Features);
        var ids = Enumerable.Range(0, 50).Select(i => (int)a.FeaturesOf(i)[0]).ToArray();
        Assert.NotEqual(Enumerable.Range(0, 50), ids);
        Assert.Equal(Enumerable.Range(0, 50), ids.Order());
        for (int i = 0; i < 50; i++)
            Assert.Equal(ids[i] % 4, a.Labels![i]);
    }

    [Theory]
    [InlineData(100, 0.2, 80, 20)]
    [InlineData(10, 0.25, 7, 3)] // 2.5 rounds away from zero
    [InlineData(7, 0.0, 7, 0)]
    [InlineData(7, 1.0, 0, 7)]
    public void SplitFraction_SizesAreRounded(int n, double fraction, int first, int second)
    {
        var (a, b) = Indexed(n).Split(fraction, seed: 1);
        Assert.Equal(first, a.Count);
        Assert.Equal(second, b.Count);
    }

    [Fact]
    public void Split_PartsAreDisjointCoverEverythingAndKeepOriginalOrder()
    {
        var (a, b) = Indexed(100).Split(30, seed: 9);
        var ia = Enumerable.Range(0, a.Count).Select(i => (int)a.FeaturesOf(i)[0]).ToArray();
        var ib = Enumerable.Range(0, b.Count).Select(i => (int)b.FeaturesOf(i)[0]).ToArray();
        Assert.Equal(70, ia.Length);
        Assert.Equal(30, ib.Length);
        Assert.Empty(ia.Intersect(ib));
        Assert.Equal(Enumerable.Range(0, 100), ia.Concat(ib).Order());
        Assert.Equal(ia.Order(), ia);
        Assert.Equal(ib.Order(), ib);
        // A random split, not the tail.
        Assert.NotEqual(Enumerable.Range(70, 30), ib);
    }

    [Fact]
    public void Split_IsDeterministicInTheSeed()
    {
        var d = Indexed(100);
        Assert.Equal(d.Split(0.3, seed: 5).Second.Features, d.Split(0.3, seed: 5).Second.Features);
        Assert.NotEqual(d.Split(0.3, seed: 5).Second.Features, d.Split(0.3, seed: 6).Second.Features);
    }

    [Fact]
    public void Split_OutOfRange_Throws()
    {
        var d = Indexed(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(-1));
    }
}
