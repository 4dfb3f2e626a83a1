using System;
using Axon.Adversarial;
using Xunit;

namespace Axon.Runtime.Tests.Adversarial;

public class InputConstraintsTests
{
    // Columns: id | immutable in [0, 100] | integer in [0, 5] | two continuous in [-1, 1].
    private static InputConstraints Box() => new(5,
        new InputSegment("Id", 0, 1, float.NegativeInfinity, float.PositiveInfinity, InputFeatureKind.Ids),
        new InputSegment("Age", 1, 1, 0f, 100f, InputFeatureKind.Immutable),
        new InputSegment("Count", 2, 1, 0f, 5f, InputFeatureKind.Integer),
        new InputSegment("Numbers", 3, 2, -1f, 1f, InputFeatureKind.Continuous));

    [Fact]
    public void ProjectLInf_KeepsFixedColumnsBitwise_RoundsIntegersInsideBallAndRange_ClipsTheRest()
    {
        var box = Box();
        float[] clean = [3f, 42.5f, 4f, 0.9f, -0.2f];
        float[] adv = [3.7f, 10f, 6.4f, 1.7f, -0.45f];
        box.Project(clean, adv, 1.5f);
        Assert.Equal(3f, adv[0]);
        Assert.Equal(42.5f, adv[1]);
        Assert.Equal(5f, adv[2]);          // 6.4 → ball [2.5, 5.5] ∩ range [0, 5] → integers 3..5 → 5
        Assert.Equal(1f, adv[3]);          // range
        Assert.Equal(-0.45f, adv[4]);      // inside everything
        float[] small = [3f, 42.5f, 4.4f, 0.9f, -0.2f];
        box.Project(clean, small, 0.4f);
        Assert.Equal(4f, small[2]);        // no other integer within 0.4
    }

    [Fact]
    public void ProjectL2_ScalesOnlyTheMovableColumns_AndTruncatesIntegersTowardsTheCleanValue()
    {
        var box = Box();
        float[] clean = [1f, 50f, 2f, 0f, 0f];
        float[] adv = [9f, 0f, 6f, 0f, 0f];
        box.Project(clean, adv, 2f, AttackNorm.L2);
        float[] partial = [1f, 50f, 3.7f, 0.3f, 0f];   // inside the ball: the integer column truncates towards 2
        box.Project(clean, partial, 2f, AttackNorm.L2);
        Assert.Equal(3f, partial[2]);
        Assert.Equal(0.3f, partial[3]);
        Assert.Equal(1f, adv[0]);
        Assert.Equal(50f, adv[1]);
        Assert.Equal(4f, adv[2]);          // δ 4 halved to the ball's 2 (the fixed columns' change is dropped first)
        double sq = 0;
        for (int j = 0; j < 5; j++) sq += (adv[j] - clean[j]) * (adv[j] - clean[j]);
        Assert.True(Math.Sqrt(sq) <= 2.0 + 1e-6);
    }

    [Fact]
    public void Uniform_MatchesTheScalarClipOfEarlierVersions()
    {
        var box = InputConstraints.Uniform(37, 0f, 1f);
        Assert.True(box.IsUniform);
        var rng = new Rng(1);
        var clean = new float[74];
        var adv = new float[74];
        var expected = new float[74];
        for (int i = 0; i < clean.Length; i++)
        {
            clean[i] = rng.NextSingle();
            adv[i] = rng.NextUniform(-0.5f, 1.5f);
            expected[i] = Math.Clamp(Math.Clamp(adv[i], clean[i] - 0.1f, clean[i] + 0.1f), 0f, 1f);
        }
        box.Project(clean, adv, 0.1f);
        Assert.Equal(expected, adv);
    }

    [Fact]
    public void Constructor_RejectsGapsOverlapsAndEmptyRanges_WithTheColumns()
    {
        var gap = Assert.Throws<ArgumentException>(() => new InputConstraints(4,
            new InputSegment("A", 0, 1, 0f, 1f, InputFeatureKind.Continuous), new InputSegment("B", 2, 2, 0f, 1f, InputFeatureKind.Continuous)));
        Assert.Contains("starting at column 1", gap.Message, StringComparison.Ordinal);
        var short1 = Assert.Throws<ArgumentException>(() => new InputConstraints(4, new InputSegment("A", 0, 3, 0f, 1f, InputFeatureKind.Continuous)));
        Assert.Contains("cover 3 of 4", short1.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => new InputConstraints(1, new InputSegment("A", 0, 1, 2f, 1f, InputFeatureKind.Continuous)));
        Assert.Contains("Min ≤ Max", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GaussianNoise_LeavesFixedColumns_RoundsIntegers_AndIsDeterministic()
    {
        var box = Box();
        float[] clean = [2f, 30f, 3f, 0.5f, -0.5f, 1f, 31f, 0f, 0f, 0f];
        var a = new float[10];
        var b = new float[10];
        var r1 = new Rng(4);
        var r2 = new Rng(4);
        box.AddGaussianNoise(clean, a, 2f, ref r1);
        box.AddGaussianNoise(clean, b, 2f, ref r2);
        Assert.Equal(a, b);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(clean[i * 5], a[i * 5]);
            Assert.Equal(clean[i * 5 + 1], a[i * 5 + 1]);
            Assert.Equal(MathF.Round(a[i * 5 + 2]), a[i * 5 + 2]);
            Assert.InRange(a[i * 5 + 2], 0f, 5f);
            Assert.InRange(a[i * 5 + 3], -1f, 1f);
        }
        Assert.Equal("Numbers[1]", box.FeatureName(4));
        Assert.Equal(3, box.PerturbableCount);
    }
}
