using System;
using Axon.Adversarial;
using Xunit;

namespace Axon.Runtime.Tests.Adversarial;

/// <summary>FAB's box-constrained projection onto a hyperplane.</summary>
public class AttackKernelTests
{
    // Columns in [0, 1]; the second is fixed (an id or immutable feature: its gradient is masked to 0 by the caller).
    private static readonly InputConstraints Box = new(4,
        new InputSegment("A", 0, 1, 0f, 1f, InputFeatureKind.Continuous),
        new InputSegment("Id", 1, 1, 0f, 10f, InputFeatureKind.Immutable),
        new InputSegment("B", 2, 2, 0f, 1f, InputFeatureKind.Continuous));

    private static float Project(float[] p, float[] w, float r, AttackNorm norm, float[] d)
    {
        var keys = new float[4];
        var items = new float[4];
        return Attacks.BoxProjection(Box, p, w, r, norm, d, keys, items);
    }

    [Fact]
    public void BoxProjection_WithoutABoundInTheWay_IsTheClosedForm()
    {
        float[] p = [0.5f, 3f, 0.5f, 0.5f];
        float[] w = [1f, 0f, -2f, 0.5f];   // ‖w‖₁ = 3.5, ‖w‖₂² = 5.25
        var d = new float[4];
        // L∞: d = r/‖w‖₁·sign(w); L2: d = r·w/‖w‖₂².
        float size = Project(p, w, 0.35f, AttackNorm.LInf, d);
        Assert.Equal(0.1f, size, 5);
        Assert.Equal([0.1f, 0f, -0.1f, 0.1f], d, (a, b) => MathF.Abs(a - b) < 1e-6f);
        size = Project(p, w, -0.525f, AttackNorm.L2, d);
        float[] l2 = [-0.1f, 0f, 0.2f, -0.05f];
        Assert.Equal(l2, d, (a, b) => MathF.Abs(a - b) < 1e-6f);
        Assert.Equal(MathF.Sqrt(0.01f + 0.04f + 0.0025f), size, 5);
    }

    [Fact]
    public void BoxProjection_StopsAColumnAtItsBound_AndSpreadsTheRestOptimally()
    {
        // Column 2 may fall by 0.05 only: it gives 0.1 of r = 0.6; the other two carry 0.5.
        float[] p = [0.5f, 3f, 0.05f, 0.5f];
        float[] w = [1f, 0f, -2f, 1.5f];
        var d = new float[4];
        float size = Project(p, w, 0.6f, AttackNorm.LInf, d);
        float l = 0.5f / 2.5f;   // ‖(1, 1.5)‖₁
        Assert.Equal(l, size, 5);
        Assert.Equal([l, 0f, -0.05f, l], d, (a, b) => MathF.Abs(a - b) < 1e-6f);
        size = Project(p, w, 0.6f, AttackNorm.L2, d);
        float mu = 0.5f / 3.25f;   // ‖(1, 1.5)‖₂²
        Assert.Equal([mu, 0f, -0.05f, 1.5f * mu], d, (a, b) => MathF.Abs(a - b) < 1e-6f);
        Assert.Equal(MathF.Sqrt(mu * mu * 3.25f + 0.0025f), size, 5);
        float reached = 0f;
        for (int j = 0; j < 4; j++) reached += w[j] * d[j];
        Assert.Equal(0.6f, reached, 5);
    }

    [Fact]
    public void BoxProjection_WhenTheBoxCannotReachTheHyperplane_MovesEveryColumnToItsBound()
    {
        float[] p = [0.5f, 3f, 0.5f, 0.5f];
        float[] w = [1f, 0f, -2f, 1.5f];   // at most 0.5 + 1 + 0.75 = 2.25 upwards
        var d = new float[4];
        foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
        {
            Project(p, w, 5f, norm, d);
            Assert.Equal([0.5f, 0f, -0.5f, 0.5f], d);
        }
        Assert.Equal(0f, Project(p, w, 0f, AttackNorm.L2, d));
        Assert.All(d, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void BoxProjection_NewtonAndSortAgree_AndSolveTheKktConditions()
    {
        const int F = 64;
        var box = InputConstraints.Uniform(F, 0f, 1f);
        var rng = new Rng(5);
        var p = new float[F];
        var w = new float[F];
        var a = new float[F];
        var b = new float[F];
        var keys = new float[F];
        var items = new float[F];
        for (int trial = 0; trial < 200; trial++)
        {
            for (int j = 0; j < F; j++)
            {
                p[j] = rng.NextSingle() < 0.3f ? (rng.NextSingle() < 0.5f ? 0f : 1f) : rng.NextSingle();   // many at a bound, as image pixels
                w[j] = rng.NextSingle() < 0.1f ? 0f : rng.NextGaussian();
            }
            float r = rng.NextUniform(-6f, 6f);
            foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
            {
                float sa = Attacks.BoxProjection(box, p, w, r, norm, a, keys, items);
                float sb = Attacks.BoxProjection(box, p, w, r, norm, b, keys, items, passes: 0);   // the sort only
                Assert.True(MathF.Abs(sa - sb) <= 1e-4f * (1f + sb), $"trial {trial} {norm}: size {sa} vs {sb} by sorting");
                for (int j = 0; j < F; j++) Assert.True(MathF.Abs(a[j] - b[j]) <= 1e-5f, $"trial {trial} {norm} column {j}: {a[j]} vs {b[j]} by sorting");
                double reached = 0, most = 0;
                for (int j = 0; j < F; j++)
                {
                    Assert.InRange(p[j] + a[j], -1e-6f, 1f + 1e-6f);
                    reached += (double)w[j] * a[j];
                    most += w[j] * (r * w[j] > 0 ? 1f - p[j] : -p[j]);   // every position at its bound towards r
                }
                if (Math.Abs(most) >= Math.Abs(r))
                {
                    Assert.Equal(r, reached, 3);
                    // Optimality: the free positions share one level (L∞: |d| = λ; L2: d/w = λ); saturated ones sit at a bound below it.
                    double level = -1;
                    for (int j = 0; j < F; j++)
                    {
                        if (a[j] == 0f || p[j] + a[j] is 0f or 1f) continue;
                        double v = norm == AttackNorm.LInf ? Math.Abs(a[j]) : Math.Abs(a[j] / w[j]);
                        if (level < 0) level = v;
                        Assert.Equal(level, v, 4);
                    }
                }
                else
                    Assert.Equal(most, reached, 3);   // out of reach: every position at its bound
            }
        }
    }
}
