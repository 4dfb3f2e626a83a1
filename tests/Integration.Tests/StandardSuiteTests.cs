using Axon.Testing;
using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;
using Xunit.Abstractions;

namespace Axon.Integration.Tests;

/// <summary>APGD-CE, APGD-T, Square and the standard suite.</summary>
public class StandardSuiteTests(TrainedMlpFixture trained, ITestOutputHelper output) : IClassFixture<TrainedMlpFixture>
{
    private const int F = FashionMlp.InputSize;

    /// <summary>A linear two-class model and inputs whose margin z_y − z_k survives an ε attack: the optimum is a vertex.</summary>
    private static (LinearTwoClass Model, float[] X, int[] Labels, float[] W) Linear(int n)
    {
        var model = new LinearTwoClass(seed: 4);
        var p = ((IModel)model).Parameters;
        var w = new float[5];
        for (int j = 0; j < 5; j++) w[j] = p[j] - p[5 + j];   // ∇ₓ(z₀ − z₁)
        var rng = new Rng(9);
        var x = new float[n * 5];
        var labels = new int[n];
        var z = new float[2];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 5; j++) x[i * 5 + j] = rng.NextUniform(-1f, 1f);
            model.Predict(x.AsSpan(i * 5, 5), z);
            labels[i] = z[0] >= z[1] ? 0 : 1;
        }
        return (model, x, labels, w);
    }

    private static float Margin(LinearTwoClass model, ReadOnlySpan<float> row, int label)
    {
        var z = new float[2];
        model.Predict(row, z);
        return z[label] - z[1 - label];
    }

    [Theory]
    [InlineData(AttackNorm.LInf)]
    [InlineData(AttackNorm.L2)]
    public void Apgd_And_Square_OnALinearModel_ReachTheClosedFormWorstCase(AttackNorm norm)
    {
        const int N = 8;
        var (model, x, labels, w) = Linear(N);
        float l1 = w.Sum(MathF.Abs), l2 = MathF.Sqrt(w.Sum(v => v * v));
        // ε small enough that no sample flips: the attack's best point is the closed-form minimiser of the margin,
        // m − ε‖w‖₁ (L∞, at x ∓ ε·sign(w)) or m − ε‖w‖₂ (L2, at x ∓ ε·w/‖w‖₂).
        float epsilon = 0.02f;
        var ws = new AttackWorkspace(model);
        var adv = new float[x.Length];
        var batch = new Batch(x, labels, default, N);
        foreach (string attack in new[] { "APGD", "Square" })
        {
            if (attack == "APGD") Attacks.Apgd(model, batch, norm, epsilon, adv, ws, steps: 50);
            else Attacks.Square(model, batch, norm, epsilon, adv, ws, queries: 1000);
            for (int i = 0; i < N; i++)
            {
                float clean = Margin(model, x.AsSpan(i * 5, 5), labels[i]);
                float worst = clean - epsilon * (norm == AttackNorm.LInf ? l1 : l2);
                if (worst <= 0f) continue;
                float reached = Margin(model, adv.AsSpan(i * 5, 5), labels[i]);
                // Square's L2 random search lands near, not on, the optimal direction: within 20 % of the reachable decrease.
                float tolerance = norm == AttackNorm.LInf ? 1e-4f : (attack == "APGD" ? 0.02f : 0.2f) * epsilon * l2;
                Assert.True(reached <= worst + tolerance && reached >= worst - 1e-4f,
                    $"{attack} {norm} sample {i}: margin {reached}, closed form {worst} (clean {clean})");
            }
        }
    }

    [Fact]
    public void Apgd_Square_AreDeterministicPerSeed_StayInTheBallAndRange()
    {
        const int N = 16;
        var batch = new Batch(trained.X.AsSpan(0, N * F), trained.Labels.AsSpan(0, N), default, N);
        var ws = new AttackWorkspace(trained.Model);
        var a = new float[N * F];
        var b = new float[N * F];
        foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
        {
            float eps = norm == AttackNorm.LInf ? 0.05f : 0.5f;
            Attacks.Apgd(trained.Model, batch, norm, eps, a, ws, steps: 10, seed: 7);
            Attacks.Apgd(trained.Model, batch, norm, eps, b, ws, steps: 10, seed: 7);
            Assert.Equal(a, b);
            CheckBall(a, eps, norm);
            Attacks.ApgdTargeted(trained.Model, batch, norm, eps, a, ws, targetClasses: 2, steps: 5, seed: 7);
            Attacks.ApgdTargeted(trained.Model, batch, norm, eps, b, ws, targetClasses: 2, steps: 5, seed: 7);
            Assert.Equal(a, b);
            CheckBall(a, eps, norm);
            Attacks.Square(trained.Model, batch, norm, eps, a, ws, queries: 50, seed: 7);
            Attacks.Square(trained.Model, batch, norm, eps, b, ws, queries: 50, seed: 7);
            Assert.Equal(a, b);
            CheckBall(a, eps, norm);
            Attacks.Square(trained.Model, batch, norm, eps, b, ws, queries: 50, seed: 8);
            Assert.NotEqual(a, b);
        }

        void CheckBall(float[] adv, float eps, AttackNorm norm)
        {
            for (int i = 0; i < N; i++)
            {
                double sq = 0, max = 0;
                for (int j = 0; j < F; j++)
                {
                    float v = adv[i * F + j];
                    Assert.InRange(v, 0f, 1f);
                    double d = Math.Abs(v - trained.X[i * F + j]);
                    sq += d * d;
                    max = Math.Max(max, d);
                }
                Assert.True(norm == AttackNorm.LInf ? max <= eps + 1e-6 : Math.Sqrt(sq) <= eps * (1 + 1e-5), $"{norm} row {i}: L∞ {max}, L2 {Math.Sqrt(sq)}");
            }
        }
    }

    /// <summary>
    /// Through zero gradients APGD never leaves its random start, so the result is the start itself: on the L∞ sphere,
    /// <c>x + ε·t/‖t‖∞</c> projected onto [0, 1], for every row (the largest |t| must not be read with its sign).
    /// </summary>
    [Fact]
    public void Apgd_StartsEveryRowOnTheLInfSphere()
    {
        const int N = 16;
        const float Eps = 0.05f;
        var masked = new MaskedGradients(trained.Model);
        var batch = new Batch(trained.X.AsSpan(0, N * F), trained.Labels.AsSpan(0, N), default, N);
        var adv = new float[N * F];
        Attacks.Apgd(masked, batch, AttackNorm.LInf, Eps, adv, new AttackWorkspace(masked, N), steps: 2);
        for (int i = 0; i < N; i++)
        {
            float max = 0f;
            for (int j = 0; j < F; j++) max = MathF.Max(max, MathF.Abs(adv[i * F + j] - trained.X[i * F + j]));
            Assert.True(max > Eps / 2 && max <= Eps * (1 + 1e-6f), $"row {i}: ‖δ‖∞ = {max}, expected about ε = {Eps}");
        }
    }

    [Fact]
    public void Suite_AllocatesNothing_AfterWarmUp()
    {
        const int N = 8;
        var batch = new Batch(trained.X.AsSpan(0, N * F), trained.Labels.AsSpan(0, N), default, N);
        var suite = new StandardAttackSuite(trained.Model, N) { ApgdSteps = 5, TargetClasses = 2, FabSteps = 5, SquareQueries = 20 };
        var adv = new float[N * F];
        suite.Run(trained.Model, batch, AttackNorm.LInf, 0.03f, adv);
        suite.Run(trained.Model, batch, AttackNorm.L2, 0.3f, adv);
        var x = trained.X;
        var labels = trained.Labels;
        long bytes = Allocations.Least(() =>
        {
            var b = new Batch(x.AsSpan(0, N * F), labels.AsSpan(0, N), default, N);
            suite.Run(trained.Model, b, AttackNorm.LInf, 0.03f, adv);
            suite.Run(trained.Model, b, AttackNorm.L2, 0.3f, adv);
        });
        Assert.Equal(0, bytes);
    }

    /// <summary>
    /// The table of docs/security.md: PGD-40 against the suite on the standard and the FGSM-trained MLP (ε = 0.1, the first
    /// 200 test images). The suite is never weaker than PGD-40 on the adversarially trained one, its counts fall monotonically
    /// stage by stage, and with FAB-T it is never weaker than without it (the same seed, FAB-T off).
    /// </summary>
    [Fact]
    public void Suite_IsAtLeastAsStrongAsPgd40_OnTheAdversariallyTrainedMlp()
    {
        var (train, test) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        var hardened = new FashionMlp(seed: 1);
        hardened.Fit(train, new FitOptions { Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f } });
        const int N = 200, Chunk = 100;
        const float Eps = 0.1f;
        output.WriteLine("| model | clean | PGD-40 | APGD-CE | + APGD-T | + FAB-T | + Square (suite) | Square-only | suite without FAB-T |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, model) in new[] { ("standard MLP (2 epochs)", trained.Model), ("FGSM-trained MLP (2 epochs, ε 0.1)", hardened) })
        {
            bool compare = ReferenceEquals(model, hardened);
            var suite = new StandardAttackSuite(model, Chunk) { SquareQueries = 1000 };
            var withoutFab = new StandardAttackSuite(model, Chunk) { SquareQueries = 1000, RunFab = false };
            var ws = new AttackWorkspace(model, Chunk);
            var adv = new float[Chunk * F];
            var grad = new float[Chunk * F];
            var z = new float[Chunk * 10];
            int clean = 0, pgd = 0, ce = 0, t = 0, fab = 0, robust = 0, squareOnly = 0, robustWithoutFab = 0;
            for (int start = 0; start < N; start += Chunk)
            {
                var batch = new Batch(test.Features.AsSpan(start * F, Chunk * F), test.Labels.AsSpan(start, Chunk), default, Chunk);
                Attacks.Pgd(model, batch, Eps, 2.5f * Eps / 40, 40, adv, grad, seed: 1);
                model.Predict(adv, z);
                for (int i = 0; i < Chunk; i++) if (z.AsSpan(i * 10, 10).IndexOfMax() == batch.Labels[i]) pgd++;
                var counts = suite.Run(model, batch, AttackNorm.LInf, Eps, adv);
                Assert.True(counts.ApgdTargetedRan && counts.FabTargetedRan, $"{counts}");
                Assert.True(counts.Clean >= counts.AfterApgdCe && counts.AfterApgdCe >= counts.AfterApgdT && counts.AfterApgdT >= counts.AfterFabT
                    && counts.AfterFabT >= counts.Robust && counts.SquareOnly == counts.AfterFabT - counts.Robust, $"{name}: counts not monotone: {counts}");
                model.Predict(adv, z);
                int correct = 0;
                for (int i = 0; i < Chunk; i++) if (z.AsSpan(i * 10, 10).IndexOfMax() == batch.Labels[i]) correct++;
                Assert.Equal(counts.Robust, correct);
                (clean, ce, t, fab, robust, squareOnly) = (clean + counts.Clean, ce + counts.AfterApgdCe, t + counts.AfterApgdT, fab + counts.AfterFabT,
                    robust + counts.Robust, squareOnly + counts.SquareOnly);
                if (!compare) continue;
                var plain = withoutFab.Run(model, batch, AttackNorm.LInf, Eps, adv);
                Assert.False(plain.FabTargetedRan);
                Assert.Equal(plain.AfterApgdT, plain.AfterFabT);
                Assert.Equal(counts.AfterApgdT, plain.AfterApgdT);   // the same seed: FAB-T changes nothing before it
                robustWithoutFab += plain.Robust;
            }
            output.WriteLine($"| {name} | {clean / (double)N:P1} | {pgd / (double)N:P1} | {ce / (double)N:P1} | {t / (double)N:P1} | {fab / (double)N:P1} | " +
                $"{robust / (double)N:P1} | {squareOnly} | {(compare ? (robustWithoutFab / (double)N).ToString("P1") : "")} |");
            Assert.True(robust <= pgd, $"{name}: suite robust {robust} > PGD-40's {pgd}");
            Assert.True(robust < clean, $"{name}: the suite fooled nothing");
            if (compare) Assert.True(robust <= robustWithoutFab, $"{name}: the suite with FAB-T keeps {robust} robust, without it {robustWithoutFab}");
        }
    }
}

internal static class SpanArgMax
{
    public static int IndexOfMax(this Span<float> z) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z);
}

/// <summary>A model whose gradients are zero (a crude gradient mask) but whose predictions are the inner model's.</summary>
internal sealed class MaskedGradients(IModel inner) : IModel
{
    public string Name => "Masked" + inner.Name;
    public int InputSize => inner.InputSize;
    public int OutputSize => inner.OutputSize;
    public int ParameterCount => inner.ParameterCount;
    public int MaxBatchSize => inner.MaxBatchSize;
    public TargetKind TargetKind => inner.TargetKind;
    public bool HasAccuracy => inner.HasAccuracy;
    public System.Collections.Generic.IReadOnlyList<Layer> Layers => inner.Layers;
    public Optimizers.Optimizer Optimizer => inner.Optimizer;
    public float InputMin => inner.InputMin;
    public float InputMax => inner.InputMax;
    public Loss Loss => inner.Loss;
    public float TrainStep(in Batch batch) => throw new NotSupportedException();
    public BatchResult EvaluateBatch(in Batch batch) => inner.EvaluateBatch(batch);
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) => inner.Predict(inputs, outputs);
    public float InputGradient(in Batch batch, Span<float> inputGradient) { inputGradient.Clear(); return 0f; }
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, bool training) => inner.Predict(inputs, outputs);
    public void Backward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool parameterGradients) => inputGradient.Clear();
    public void Save(string path) => inner.Save(path);
    public void Load(string path) => inner.Load(path);
}

public class SuiteReportTests(TrainedMlpFixture trained)
    : IClassFixture<TrainedMlpFixture>
{
    [Fact]
    public void Report_FlagsGradientMasking_WhenOnlyTheBlackBoxAttackSucceeds()
    {
        var data = new Dataset(trained.X.AsSpan(0, 32 * FashionMlp.InputSize).ToArray(), FashionMlp.InputSize, trained.Labels.AsSpan(0, 32).ToArray(), null);
        var options = new RobustnessOptions { Epsilons = [0f, 0.1f], Attacks = [RobustnessAttack.Standard], SuiteApgdSteps = 10, SuiteTargetClasses = 2, SuiteSquareQueries = 300 };
        var masked = RobustnessReport.Run(new MaskedGradients(trained.Model), data, options);
        Assert.True(masked.SquareOnly > 0, "Square should fool samples that zero gradients hide from APGD");
        Assert.Contains(masked.Checks, c => c.Name.StartsWith("gradient masking: the black-box", StringComparison.Ordinal) && !c.Passed);
        var honest = RobustnessReport.Run(trained.Model, data, options);
        Assert.Contains(honest.Checks, c => c.Name.StartsWith("gradient masking: the black-box", StringComparison.Ordinal) && c.Passed);
    }

    [Fact]
    public void Suite_OnASqueezedModel_RunsApgdCeThroughTheStraightThroughGradient_AndSquare()
    {
        const int N = 16;
        var squeezed = new SqueezedModel(trained.Model, new FeatureSqueezing { Bits = 3 });
        var batch = new Batch(trained.X.AsSpan(0, N * FashionMlp.InputSize), trained.Labels.AsSpan(0, N), default, N);
        var suite = new StandardAttackSuite(squeezed, N) { ApgdSteps = 10, SquareQueries = 100 };
        var adv = new float[N * FashionMlp.InputSize];
        var counts = suite.Run(squeezed, batch, AttackNorm.LInf, 0.1f, adv);
        Assert.False(counts.ApgdTargetedRan);
        Assert.True(counts.AfterApgdCe < counts.Clean, $"APGD-CE fooled nothing: {counts}");
        var x = trained.X;
        var labels = trained.Labels;
        Assert.Throws<NotSupportedException>(() => Attacks.Apgd(squeezed, new Batch(x.AsSpan(0, N * FashionMlp.InputSize), labels.AsSpan(0, N), default, N),
            AttackNorm.LInf, 0.1f, adv, new AttackWorkspace(squeezed, N), ApgdLoss.Dlr));
    }

    [Fact]
    public void Report_OnATabularModel_NeverMovesIdsOrImmutables_AndNamesTheColumnsMovedMost()
    {
        var rng = new Rng(3);
        const int N = 48, F = ConstrainedNet.InputSize;
        var x = new float[N * F];
        var labels = new int[N];
        for (int i = 0; i < N; i++)
        {
            x[i * F] = rng.NextInt(4);
            x[i * F + 1] = 18 + rng.NextInt(73);
            x[i * F + 2] = rng.NextInt(11);
            for (int j = 3; j < F; j++) x[i * F + j] = rng.NextUniform(-2f, 2f);
        }
        var model = new ConstrainedNet(seed: 2);
        var z = new float[N * 4];
        model.Predict(x, z);
        for (int i = 0; i < N; i++) labels[i] = z.AsSpan(i * 4, 4).IndexOfMax();   // every clean sample correct
        var report = RobustnessReport.Run(model, new Dataset(x, F, labels, null), new RobustnessOptions
        {
            Epsilons = [0f, 1f], L2Epsilons = [0f, 2f], Attacks = [RobustnessAttack.Standard, RobustnessAttack.StandardL2],
            SuiteApgdSteps = 20, SuiteSquareQueries = 200,
        });
        Assert.NotEmpty(report.MovedFeatures);
        Assert.DoesNotContain(report.MovedFeatures, m => m.Column is 0 or 1);
        Assert.All(report.MovedFeatures, m => Assert.Equal(((IModel)model).InputConstraints.FeatureName(m.Column), m.Name));
        Assert.Equal(4, report.InputSegments.Count);
        Assert.Contains("Region: ids, never perturbed", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.StartsWith("Suite-L2 at ε = 2", report.MovedFeaturesAttack, StringComparison.Ordinal);
    }
}
