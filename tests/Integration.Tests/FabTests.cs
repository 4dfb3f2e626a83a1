using Axon.Testing;
using System;
using System.Linq;
using Axon.Adversarial;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>FAB-T (<see cref="Attacks.FabTargeted"/>) and untargeted FAB (<see cref="Attacks.Fab"/>): closed forms on a linear model, the ball, the box and the input kinds.</summary>
public class FabTests(TrainedMlpFixture trained) : IClassFixture<TrainedMlpFixture>
{
    private const int F = FashionMlp.InputSize;

    /// <summary>
    /// <c>z₀ − z₁ = w·x + b</c> with <c>w = (1, −2, 0.5, 1.5)</c>, <c>b = 1</c> (‖w‖₁ = 5, ‖w‖₂² = 7.5) on [0, 1]⁴.
    /// </summary>
    private static LinearBoxed Linear()
    {
        var model = new LinearBoxed(seed: 1);
        var weight = model.Logits.Weight;   // [2, 4], row k: ∂z_k/∂x
        var bias = model.Logits.Bias;
        weight.Clear();
        bias.Clear();
        float[] w = [1f, -2f, 0.5f, 1.5f];
        w.CopyTo(weight);
        bias[0] = 1f;
        // The layout as read back through the model: z₀ − z₁ = w·x + 1.
        var z = new float[2];
        model.Predict([0.1f, 0.2f, 0.3f, 0.4f], z);
        Assert.Equal(0.1f - 0.4f + 0.15f + 0.6f + 1f, z[0] - z[1], 5);
        return model;
    }

    /// <summary>
    /// Sample A = (0.5, 0.95, 0.5, 0.5) has g = 0.6 (class 0); reaching g = 0 needs x₁ to rise, but only by 0.05 before the box
    /// stops it. L∞: x₁ takes 0.05·2 = 0.1 of the 0.6, the other three move λ = 0.5/3 each (without the box: 0.6/5 = 0.12).
    /// L2: x₁ saturates, the others move μ·|wⱼ| with μ = 0.5/3.5, ‖δ‖₂ = √(0.05² + μ²·3.5) (without the box: 0.6/√7.5 ≈ 0.219).
    /// Sample B = (0.1, 0.9, 0.1, 0.1) has g = −0.5 (class 1) and the box does not bind: L∞ 0.5/5 = 0.1 along sign(w),
    /// L2 0.5/√7.5 along w.
    /// </summary>
    private static (float[] X, int Label, float Distance, float[] Closest) Case(char sample, AttackNorm norm)
    {
        if (sample == 'A')
        {
            float[] x = [0.5f, 0.95f, 0.5f, 0.5f];
            if (norm == AttackNorm.LInf)
            {
                float l = 0.5f / 3f;
                return (x, 0, l, [0.5f - l, 1f, 0.5f - l, 0.5f - l]);
            }
            float mu = 0.5f / 3.5f;
            return (x, 0, MathF.Sqrt(0.05f * 0.05f + mu * mu * 3.5f), [0.5f - mu, 1f, 0.5f - 0.5f * mu, 0.5f - 1.5f * mu]);
        }
        float[] xb = [0.1f, 0.9f, 0.1f, 0.1f];
        float[] w = [1f, -2f, 0.5f, 1.5f];
        if (norm == AttackNorm.LInf)
            return (xb, 1, 0.1f, xb.Select((v, j) => v + 0.1f * MathF.Sign(w[j])).ToArray());
        float s = 0.5f / 7.5f;
        return (xb, 1, 0.5f / MathF.Sqrt(7.5f), xb.Select((v, j) => v + s * w[j]).ToArray());
    }

    private static float Size(ReadOnlySpan<float> a, ReadOnlySpan<float> b, AttackNorm norm)
    {
        double max = 0, sq = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = Math.Abs((double)a[j] - b[j]);
            max = Math.Max(max, d);
            sq += d * d;
        }
        return (float)(norm == AttackNorm.LInf ? max : Math.Sqrt(sq));
    }

    [Theory]
    [InlineData(AttackNorm.LInf, 'A')]
    [InlineData(AttackNorm.LInf, 'B')]
    [InlineData(AttackNorm.L2, 'A')]
    [InlineData(AttackNorm.L2, 'B')]
    public void Fab_OnALinearModel_FindsTheBoxConstrainedMinimalPerturbation_AndFailsBelowIt(AttackNorm norm, char sample)
    {
        var model = Linear();
        var (x, label, distance, closest) = Case(sample, norm);
        var z = new float[2];
        model.Predict(x, z);
        Assert.Equal(label, z[0] > z[1] ? 0 : 1);
        var ws = new AttackWorkspace(model);
        var adv = new float[4];
        var batch = new Batch(x, [label], default, 1);

        // Just above the minimum: a point on the other side, close to the closed-form minimiser and inside the box.
        int fooled = Attacks.FabTargeted(model, batch, norm, 1.02f * distance, adv, ws);
        Assert.Equal(1, fooled);
        model.Predict(adv, z);
        Assert.Equal(1 - label, z[0] > z[1] ? 0 : 1);
        float found = Size(adv, x, norm);
        Assert.InRange(found, distance * (1f - 1e-4f), 1.02f * distance);
        Assert.All(adv, v => Assert.InRange(v, 0f, 1f));
        for (int j = 0; j < 4; j++)
            Assert.True(MathF.Abs(adv[j] - closest[j]) <= 0.05f * distance, $"{norm} {sample}: column {j} at {adv[j]}, minimiser {closest[j]}");

        // Just below it: nothing within ε exists, so the attack reports failure and returns the clean input.
        fooled = Attacks.FabTargeted(model, batch, norm, 0.98f * distance, adv, ws);
        Assert.Equal(0, fooled);
        Assert.Equal(x, adv);
    }

    /// <summary>
    /// At x = (0.5, 0.5, 0.5, 0.5) (class 0, z₀ = 0): the runner-up class 1 (z₁ = −0.05, ∇ = (0.05, 0, 0, 0)) is out of the box's
    /// reach (1.0 away along column 0, 0.5 of room), class 2 (z₂ = −0.2, ∇ = (0, 1, 1, 0)) is 0.2/√2 away in L2 and 0.1 in L∞.
    /// Untargeted FAB takes the closest linearised boundary and finds class 2's; FAB-T with only the runner-up as target cannot.
    /// </summary>
    [Theory]
    [InlineData(AttackNorm.LInf)]
    [InlineData(AttackNorm.L2)]
    public void Fab_Untargeted_TakesTheClosestBoundary(AttackNorm norm)
    {
        var model = new LinearBoxed3(seed: 1);
        var weight = model.Logits.Weight;
        var bias = model.Logits.Bias;
        weight.Clear();
        weight[4] = 0.05f;                  // row 1
        weight[9] = weight[10] = 1f;        // row 2
        bias[0] = 0f;
        bias[1] = -0.075f;
        bias[2] = -1.2f;
        float[] x = [0.5f, 0.5f, 0.5f, 0.5f];
        var z = new float[3];
        model.Predict(x, z);
        Assert.Equal(0f, z[0], 5);
        Assert.Equal(-0.05f, z[1], 5);
        Assert.Equal(-0.2f, z[2], 5);
        float distance = norm == AttackNorm.LInf ? 0.1f : 0.2f / MathF.Sqrt(2f);
        var ws = new AttackWorkspace(model);
        var adv = new float[4];
        var batch = new Batch(x, [0], default, 1);
        Assert.Equal(1, Attacks.Fab(model, batch, norm, 1.02f * distance, adv, ws));
        model.Predict(adv, z);
        Assert.Equal(2, z.AsSpan().IndexOfMax());
        Assert.InRange(Size(adv, x, norm), distance * (1f - 1e-4f), 1.02f * distance);
        Assert.Equal(0, Attacks.Fab(model, batch, norm, 0.98f * distance, adv, ws));
        Assert.Equal(0, Attacks.FabTargeted(model, batch, norm, 1.02f * distance, adv, ws, targetClasses: 1));
        Assert.Equal(1, Attacks.FabTargeted(model, batch, norm, 1.02f * distance, adv, ws, targetClasses: 2));
    }

    [Fact]
    public void Fab_OnTheTrainedMlp_StaysInTheBallAndRange_IsDeterministic_AndAllocatesNothing()
    {
        const int N = 16;
        var batch = new Batch(trained.X.AsSpan(0, N * F), trained.Labels.AsSpan(0, N), default, N);
        var ws = new AttackWorkspace(trained.Model);
        var a = new float[N * F];
        var b = new float[N * F];
        var z = new float[N * 10];
        foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
        {
            float eps = norm == AttackNorm.LInf ? 0.03f : 0.5f;
            int fooled = Attacks.FabTargeted(trained.Model, batch, norm, eps, a, ws, targetClasses: 3, steps: 20, restarts: 2, seed: 7);
            Attacks.FabTargeted(trained.Model, batch, norm, eps, b, ws, targetClasses: 3, steps: 20, restarts: 2, seed: 7);
            Assert.Equal(a, b);
            trained.Model.Predict(a, z);
            int wrong = 0, cleanWrong = 0;
            var zc = new float[10];
            for (int i = 0; i < N; i++)
            {
                var row = a.AsSpan(i * F, F);
                var x = trained.X.AsSpan(i * F, F);
                Assert.All(row.ToArray(), v => Assert.InRange(v, 0f, 1f));
                Assert.True(Size(row, x, norm) <= eps * (1 + 1e-5f), $"{norm} row {i}: {Size(row, x, norm)} > ε {eps}");
                bool misclassified = z.AsSpan(i * 10, 10).IndexOfMax() != trained.Labels[i];
                if (misclassified) wrong++;
                else Assert.True(row.SequenceEqual(x), $"{norm} row {i}: not fooled, so the clean input comes back");
                trained.Model.Predict(x, zc);
                if (zc.AsSpan().IndexOfMax() != trained.Labels[i]) cleanWrong++;
            }
            Assert.Equal(wrong, fooled);
            Assert.True(fooled > cleanWrong, $"{norm}: FAB-T fooled nothing at ε {eps} ({cleanWrong} clean errors)");

            int untargeted = Attacks.Fab(trained.Model, batch, norm, eps, a, ws, steps: 10, restarts: 2, seed: 3);
            Attacks.Fab(trained.Model, batch, norm, eps, b, ws, steps: 10, restarts: 2, seed: 3);
            Assert.Equal(a, b);
            trained.Model.Predict(a, z);
            wrong = 0;
            for (int i = 0; i < N; i++)
            {
                var row = a.AsSpan(i * F, F);
                Assert.All(row.ToArray(), v => Assert.InRange(v, 0f, 1f));
                Assert.True(Size(row, trained.X.AsSpan(i * F, F), norm) <= eps * (1 + 1e-5f), $"{norm} untargeted row {i}");
                if (z.AsSpan(i * 10, 10).IndexOfMax() != trained.Labels[i]) wrong++;
            }
            Assert.Equal(wrong, untargeted);
            Assert.True(untargeted > cleanWrong, $"{norm}: FAB fooled nothing at ε {eps}");
        }

        var xs = trained.X;
        var labels = trained.Labels;
        long bytes = Allocations.Least(() =>
        {
            var batch8 = new Batch(xs.AsSpan(0, 8 * F), labels.AsSpan(0, 8), default, 8);
            Attacks.FabTargeted(trained.Model, batch8, AttackNorm.LInf, 0.03f, a.AsSpan(0, 8 * F), ws, targetClasses: 2, steps: 5, restarts: 2);
            Attacks.FabTargeted(trained.Model, batch8, AttackNorm.L2, 0.5f, a.AsSpan(0, 8 * F), ws, targetClasses: 2, steps: 5, restarts: 2);
            Attacks.Fab(trained.Model, batch8, AttackNorm.LInf, 0.03f, a.AsSpan(0, 8 * F), ws, steps: 3, restarts: 2);
        });
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(AttackNorm.LInf, 1f)]
    [InlineData(AttackNorm.L2, 4f)]
    public void Fab_OnATabularModel_NeverMovesIdsOrImmutables_AndKeepsIntegersIntegral(AttackNorm norm, float eps)
    {
        const int N = 16, Fc = ConstrainedNet.InputSize;
        var rng = new Rng(3);
        var x = new float[N * Fc];
        for (int i = 0; i < N; i++)
        {
            x[i * Fc] = rng.NextInt(4);
            x[i * Fc + 1] = 18 + rng.NextInt(73);
            x[i * Fc + 2] = rng.NextInt(11);
            for (int j = 3; j < Fc; j++) x[i * Fc + j] = rng.NextUniform(-2f, 2f);
        }
        var model = new ConstrainedNet(seed: 2);
        var z = new float[N * 4];
        model.Predict(x, z);
        var labels = new int[N];
        for (int i = 0; i < N; i++) labels[i] = z.AsSpan(i * 4, 4).IndexOfMax();   // every clean sample correct
        var adv = new float[N * Fc];
        int fooled = Attacks.FabTargeted(model, new Batch(x, labels, default, N), norm, eps, adv, new AttackWorkspace(model, N), steps: 30);
        Assert.True(fooled > 0, $"{norm}: FAB-T fooled none of {N}");
        var box = ((IModel)model).InputConstraints;
        model.Predict(adv, z);
        int wrong = 0;
        for (int i = 0; i < N; i++)
        {
            var row = adv.AsSpan(i * Fc, Fc);
            var clean = x.AsSpan(i * Fc, Fc);
            Assert.Equal(BitConverter.SingleToInt32Bits(clean[0]), BitConverter.SingleToInt32Bits(row[0]));   // ids
            Assert.Equal(BitConverter.SingleToInt32Bits(clean[1]), BitConverter.SingleToInt32Bits(row[1]));   // immutable age
            Assert.Equal(MathF.Round(row[2]), row[2]);                                                        // integer count
            for (int j = 0; j < Fc; j++) Assert.InRange(row[j], box.Lower[j], box.Upper[j]);
            Assert.True(Size(row, clean, norm) <= eps * (1 + 1e-5f), $"{norm} row {i}: {Size(row, clean, norm)} > ε {eps}");
            if (z.AsSpan(i * 4, 4).IndexOfMax() != labels[i]) wrong++;
        }
        Assert.Equal(wrong, fooled);
    }
}
