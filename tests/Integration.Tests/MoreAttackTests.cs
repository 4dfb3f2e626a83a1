using Axon.Testing;
using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>A FashionMlp trained for two epochs on the committed subset, and the first 64 test samples.</summary>
public sealed class TrainedMlpFixture
{
    public const int Count = 64;

    public TrainedMlpFixture()
    {
        var (train, test) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        Model = new FashionMlp(seed: 1);
        Model.Fit(train, new FitOptions { Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None });
        X = test.Features.AsSpan(0, Count * FashionMlp.InputSize).ToArray();
        Labels = test.Labels!.AsSpan(0, Count).ToArray();
    }

    public FashionMlp Model { get; }
    public float[] X { get; }
    public int[] Labels { get; }
}

/// <summary>L2 PGD, restarts, MI-FGSM, DeepFool and Carlini-Wagner.</summary>
public class MoreAttackTests(TrainedMlpFixture trained) : IClassFixture<TrainedMlpFixture>
{
    private const int F = FashionMlp.InputSize;

    private static float[] Uniform(int n, int seed, float low, float high)
    {
        var rng = new Rng(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextUniform(low, high);
        return x;
    }

    private static double Norm2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sq = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; sq += d * d; }
        return Math.Sqrt(sq);
    }

    private static double NormInf(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static void AssertInRange(float[] adversarial)
    {
        foreach (float v in adversarial) Assert.InRange(v, FashionMlp.InputMin, FashionMlp.InputMax);
    }

    private static void AssertInBall(float[] x, float[] adversarial, AttackNorm norm, float eps, int f)
    {
        AssertInRange(adversarial);
        for (int s = 0; s < x.Length / f; s++)
        {
            double d = norm == AttackNorm.L2 ? Norm2(adversarial.AsSpan(s * f, f), x.AsSpan(s * f, f)) : NormInf(adversarial.AsSpan(s * f, f), x.AsSpan(s * f, f));
            Assert.True(d <= eps * (1 + 1e-5) + 1e-6, $"sample {s}: ‖δ‖ = {d} > ε = {eps} ({norm})");
        }
    }

    private static int Argmax(IModel model, ReadOnlySpan<float> x)
    {
        var z = new float[model.OutputSize];
        model.Predict(x, z);
        return Array.IndexOf(z, z.Max());
    }

    [Fact]
    public void EveryAttack_StaysInsideItsBall_AndTheDeclaredRange()
    {
        var model = new FashionMlp(seed: 1);
        const int n = 8;
        var x = Uniform(n * F, 2, 0, 1);
        var labels = Enumerable.Range(0, n).ToArray();
        var batch = new Batch(x, labels, default, n);
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        var workspace = new AttackWorkspace(model);
        foreach (float eps in new[] { 0f, 0.03f, 0.3f })
        {
            Attacks.MiFgsm(model, batch, eps, eps / 5, 10, adversarial, workspace);
            AssertInBall(x, adversarial, AttackNorm.LInf, eps, F);
            Attacks.PgdWithRestarts(model, batch, AttackNorm.LInf, eps, eps / 4, 5, 3, adversarial, workspace, seed: 3);
            AssertInBall(x, adversarial, AttackNorm.LInf, eps, F);
            Attacks.Fgsm(model, batch, eps, adversarial, scratch, targeted: true);
            AssertInBall(x, adversarial, AttackNorm.LInf, eps, F);
        }
        foreach (float eps in new[] { 0f, 0.5f, 3f, 30f })
        {
            Attacks.PgdL2(model, batch, eps, eps / 4, 10, adversarial, scratch, seed: 4);
            AssertInBall(x, adversarial, AttackNorm.L2, eps, F);
            Attacks.PgdL2(model, batch, eps, eps / 4, 10, adversarial, scratch, seed: 4, targeted: true);
            AssertInBall(x, adversarial, AttackNorm.L2, eps, F);
            Attacks.PgdWithRestarts(model, batch, AttackNorm.L2, eps, eps / 4, 5, 3, adversarial, workspace, seed: 3);
            AssertInBall(x, adversarial, AttackNorm.L2, eps, F);
        }
        var crossed = new bool[n];
        Attacks.DeepFool(model, x, adversarial, crossed, workspace);
        AssertInRange(adversarial);
        Attacks.CarliniWagnerL2(model, batch, adversarial, crossed, workspace, new CarliniWagnerOptions { Steps = 20, BinarySearchSteps = 2 });
        AssertInRange(adversarial);
    }

    [Fact]
    public void PgdL2_OneStepFromTheCleanInput_IsTheClosedFormNormalisedGradientStep()
    {
        var model = new LinearNet(seed: 3);
        const int n = 4, f = 6;
        var x = Uniform(n * f, 1, -1, 1);
        int[] labels = [0, 1, 2, 1];
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        const float eps = 1f, alpha = 0.4f;
        Attacks.PgdL2(model, new Batch(x, labels, default, n), eps, alpha, 1, adversarial, scratch, randomStart: false);

        var w = model.Logits.Weight.ToArray();
        var b = model.Logits.Bias.ToArray();
        for (int s = 0; s < n; s++)
        {
            var z = new double[3];
            for (int k = 0; k < 3; k++) { z[k] = b[k]; for (int j = 0; j < f; j++) z[k] += w[k * f + j] * x[s * f + j]; }
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            var p = z.Select(v => Math.Exp(v - max) / sum).ToArray();
            p[labels[s]] -= 1;
            var g = new double[f];
            for (int j = 0; j < f; j++) for (int k = 0; k < 3; k++) g[j] += w[k * f + j] * p[k];
            double length = Math.Sqrt(g.Sum(v => v * v));
            for (int j = 0; j < f; j++)
                Assert.Equal(x[s * f + j] + alpha * g[j] / length, adversarial[s * f + j], 5);
            Assert.Equal(alpha, Norm2(adversarial.AsSpan(s * f, f), x.AsSpan(s * f, f)), 5);
        }
    }

    [Theory]
    [InlineData(AttackNorm.LInf, 0.03f)]
    [InlineData(AttackNorm.L2, 0.6f)]
    public void Restarts_AreNeverWeakerThanTheSingleRun_PerSample(AttackNorm norm, float eps)
    {
        var model = trained.Model;
        int n = TrainedMlpFixture.Count;
        var batch = new Batch(trained.X, trained.Labels, default, n);
        var single = new float[n * F];
        var best = new float[n * F];
        var scratch = new float[n * F];
        float step = 2.5f * eps / 5;
        if (norm == AttackNorm.LInf) Attacks.Pgd(model, batch, eps, step, 5, single, scratch, seed: 11);
        else Attacks.PgdL2(model, batch, eps, step, 5, single, scratch, seed: 11);
        int reported = Attacks.PgdWithRestarts(model, batch, norm, eps, step, 5, 4, best, new AttackWorkspace(model), seed: 11);

        int singleWrong = 0, bestWrong = 0, improved = 0;
        for (int s = 0; s < n; s++)
        {
            var one = new[] { trained.Labels[s] };
            var a = model.Evaluate(single.AsSpan(s * F, F), one);
            var r = model.Evaluate(best.AsSpan(s * F, F), one);
            bool aWrong = a.Accuracy == 0, rWrong = r.Accuracy == 0;
            singleWrong += aWrong ? 1 : 0;
            bestWrong += rWrong ? 1 : 0;
            Assert.False(aWrong && !rWrong, $"sample {s}: the single run misclassifies, the restarts do not");
            if (aWrong == rWrong)
                Assert.True(r.Loss >= a.Loss - 1e-4, $"sample {s}: loss {r.Loss} after restarts < {a.Loss} single");
            if (rWrong && !aWrong || r.Loss > a.Loss + 1e-4) improved++;
        }
        Assert.Equal(bestWrong, reported);
        Assert.True(bestWrong >= singleWrong);
        Assert.True(improved > 0, "four random starts should improve at least one sample");
    }

    [Fact]
    public void MiFgsm_WithZeroMomentum_IsBim_AndMomentumChangesIt()
    {
        var model = trained.Model;
        const int n = 16;
        var x = trained.X.AsSpan(0, n * F).ToArray();
        var batch = new Batch(x, trained.Labels.AsSpan(0, n), default, n);
        var bim = new float[x.Length];
        var mi = new float[x.Length];
        var scratch = new float[x.Length];
        var workspace = new AttackWorkspace(model);
        Attacks.Pgd(model, batch, 0.05f, 0.01f, 10, bim, scratch, randomStart: false);
        Attacks.MiFgsm(model, batch, 0.05f, 0.01f, 10, mi, workspace, decay: 0f);
        Assert.Equal(bim, mi);
        Attacks.MiFgsm(model, batch, 0.05f, 0.01f, 10, mi, workspace);
        Assert.NotEqual(bim, mi);
        AssertInBall(x, mi, AttackNorm.LInf, 0.05f, F);
    }

    [Fact]
    public void OneBimStepOfSizeEpsilon_IsFgsm()
    {
        // The iterative attacks' fused, vectorised sign-step-and-project against FGSM's scalar step.
        var model = trained.Model;
        const int n = 16;
        var x = trained.X.AsSpan(0, n * F).ToArray();
        var batch = new Batch(x, trained.Labels.AsSpan(0, n), default, n);
        var fgsm = new float[x.Length];
        var bim = new float[x.Length];
        var scratch = new float[x.Length];
        Attacks.Fgsm(model, batch, 0.07f, fgsm, scratch);
        Attacks.Pgd(model, batch, 0.07f, 0.07f, 1, bim, scratch, randomStart: false);
        Assert.Equal(fgsm, bim);
        Attacks.MiFgsm(model, batch, 0.07f, 0.07f, 1, bim, new AttackWorkspace(model));
        Assert.Equal(fgsm, bim);
    }

    [Fact]
    public void DeepFool_OnALinearTwoClassModel_CrossesAtTheClosedFormMinimalDistance()
    {
        var model = new LinearTwoClass(seed: 5);
        const int n = 10, f = 5;
        var x = Uniform(n * f, 6, -2, 2);
        var adversarial = new float[x.Length];
        var crossed = new bool[n];
        int count = Attacks.DeepFool(model, x, adversarial, crossed, new AttackWorkspace(model));
        Assert.Equal(n, count);

        var w = model.Logits.Weight.ToArray();
        var b = model.Logits.Bias.ToArray();
        double wn = Math.Sqrt(Enumerable.Range(0, f).Sum(j => Math.Pow(w[f + j] - w[j], 2)));
        for (int s = 0; s < n; s++)
        {
            double z0 = b[0], z1 = b[1];
            for (int j = 0; j < f; j++) { z0 += w[j] * x[s * f + j]; z1 += w[f + j] * x[s * f + j]; }
            double distance = Math.Abs(z0 - z1) / wn;
            double moved = Norm2(adversarial.AsSpan(s * f, f), x.AsSpan(s * f, f));
            Assert.True(crossed[s]);
            Assert.NotEqual(z0 > z1 ? 0 : 1, Argmax(model, adversarial.AsSpan(s * f, f)));
            Assert.True(moved >= distance, $"sample {s}: moved {moved} < minimal distance {distance}");
            Assert.Equal(1.02 * (distance + 1e-4), moved, 1e-3 * distance + 1e-5);
        }
    }

    [Fact]
    public void DeepFool_OnATrainedModel_CrossesWithSmallPerturbations()
    {
        var model = trained.Model;
        int n = TrainedMlpFixture.Count;
        var adversarial = new float[n * F];
        var crossed = new bool[n];
        int count = Attacks.DeepFool(model, trained.X, adversarial, crossed, new AttackWorkspace(model));
        Assert.True(count >= n * 9 / 10, $"{count}/{n} crossed");
        AssertInRange(adversarial);
        var norms = Enumerable.Range(0, n).Where(s => crossed[s]).Select(s => Norm2(adversarial.AsSpan(s * F, F), trained.X.AsSpan(s * F, F))).ToArray();
        foreach (int s in Enumerable.Range(0, n).Where(s => crossed[s]))
            Assert.NotEqual(Argmax(model, trained.X.AsSpan(s * F, F)), Argmax(model, adversarial.AsSpan(s * F, F)));
        Assert.True(norms.Average() < 2, $"mean DeepFool L2 {norms.Average()}");
    }

    [Fact]
    public void DeepFoolTargeted_OnALinearTwoClassModel_IsTheClosedFormStep_AndAlreadyThereStaysPut()
    {
        var model = new LinearTwoClass(seed: 5);
        const int n = 10, f = 5;
        var x = Uniform(n * f, 6, -2, 2);
        var w = model.Logits.Weight.ToArray();
        var b = model.Logits.Bias.ToArray();
        double wn = Math.Sqrt(Enumerable.Range(0, f).Sum(j => Math.Pow(w[f + j] - w[j], 2)));
        var z = new (double Z0, double Z1)[n];
        var targets = new int[n];
        for (int s = 0; s < n; s++)
        {
            double z0 = b[0], z1 = b[1];
            for (int j = 0; j < f; j++) { z0 += w[j] * x[s * f + j]; z1 += w[f + j] * x[s * f + j]; }
            z[s] = (z0, z1);
            // Half the samples are sent to the other class, half to the class they already have.
            targets[s] = s % 2 == 0 ? (z0 > z1 ? 1 : 0) : (z0 > z1 ? 0 : 1);
        }
        var adversarial = new float[x.Length];
        var reached = new bool[n];
        int count = Attacks.DeepFoolTargeted(model, x, targets, adversarial, reached, new AttackWorkspace(model));
        Assert.Equal(n, count);
        for (int s = 0; s < n; s++)
        {
            Assert.True(reached[s]);
            Assert.Equal(targets[s], Argmax(model, adversarial.AsSpan(s * f, f)));
            double moved = Norm2(adversarial.AsSpan(s * f, f), x.AsSpan(s * f, f));
            if (s % 2 == 1) { Assert.Equal(0, moved); continue; }
            double distance = Math.Abs(z[s].Z0 - z[s].Z1) / wn;
            Assert.Equal(1.02 * (distance + 1e-4), moved, 1e-3 * distance + 1e-5);
        }
    }

    [Fact]
    public void DeepFoolTargeted_OnATrainedModel_ReachesTheTargets_FartherThanTheNearestBoundary()
    {
        var model = trained.Model;
        int n = TrainedMlpFixture.Count;
        var targets = Enumerable.Range(0, n).Select(s => (Argmax(model, trained.X.AsSpan(s * F, F)) + 1 + s % 9) % 10).ToArray();
        var adversarial = new float[n * F];
        var reached = new bool[n];
        var workspace = new AttackWorkspace(model);
        int count = Attacks.DeepFoolTargeted(model, trained.X, targets, adversarial, reached, workspace);
        Assert.True(count >= n * 9 / 10, $"{count}/{n} reached their target");
        AssertInRange(adversarial);
        foreach (int s in Enumerable.Range(0, n).Where(s => reached[s]))
            Assert.Equal(targets[s], Argmax(model, adversarial.AsSpan(s * F, F)));

        // Any target is at least as far as the nearest other class, which untargeted DeepFool finds.
        var nearest = new float[n * F];
        var crossed = new bool[n];
        Attacks.DeepFool(model, trained.X, nearest, crossed, workspace);
        var both = Enumerable.Range(0, n).Where(s => reached[s] && crossed[s]).ToArray();
        double targeted = both.Average(s => Norm2(adversarial.AsSpan(s * F, F), trained.X.AsSpan(s * F, F)));
        double untargeted = both.Average(s => Norm2(nearest.AsSpan(s * F, F), trained.X.AsSpan(s * F, F)));
        Assert.True(targeted > untargeted, $"mean L2 to the target {targeted:F3}, to the nearest class {untargeted:F3}");

        var bad = (int[])targets.Clone();
        bad[0] = 10;
        var error = Assert.Throws<ArgumentException>(() => Attacks.DeepFoolTargeted(model, trained.X, bad, adversarial, reached, workspace));
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void CarliniWagner_Succeeds_WithSmallerL2ThanSuccessfulFgsm()
    {
        var model = trained.Model;
        int n = TrainedMlpFixture.Count;
        var batch = new Batch(trained.X, trained.Labels, default, n);
        var cw = new float[n * F];
        var fgsm = new float[n * F];
        var succeeded = new bool[n];
        int count = Attacks.CarliniWagnerL2(model, batch, cw, succeeded, new AttackWorkspace(model),
            new CarliniWagnerOptions { Steps = 60, BinarySearchSteps = 4, LearningRate = 0.1f });
        Attacks.Fgsm(model, batch, 0.1f, fgsm, new float[n * F]);
        AssertInRange(cw);

        int both = 0, cleanCorrect = 0;
        for (int s = 0; s < n; s++)
        {
            int y = trained.Labels[s];
            bool correct = Argmax(model, trained.X.AsSpan(s * F, F)) == y;
            cleanCorrect += correct ? 1 : 0;
            if (succeeded[s]) Assert.NotEqual(y, Argmax(model, cw.AsSpan(s * F, F)));
            else Assert.Equal(trained.X.AsSpan(s * F, F).ToArray(), cw.AsSpan(s * F, F).ToArray());
            if (!correct || !succeeded[s] || Argmax(model, fgsm.AsSpan(s * F, F)) == y) continue;
            both++;
            double l2Cw = Norm2(cw.AsSpan(s * F, F), trained.X.AsSpan(s * F, F));
            double l2Fgsm = Norm2(fgsm.AsSpan(s * F, F), trained.X.AsSpan(s * F, F));
            Assert.True(l2Cw < l2Fgsm, $"sample {s}: CW L2 {l2Cw} ≥ FGSM L2 {l2Fgsm}");
        }
        Assert.True(count >= cleanCorrect * 9 / 10, $"CW succeeded on {count} samples, {cleanCorrect} were correct");
        Assert.True(both >= 10, $"only {both} samples where both attacks succeed");
    }

    [Fact]
    public void TargetedVariants_ReachTheirTargets()
    {
        var linear = new LinearNet(seed: 4);
        var x = Uniform(6 * 6, 3, -1, 1);
        int[] targets = [2, 0, 1, 2, 0, 1];
        var adversarial = new float[x.Length];
        var ws = new AttackWorkspace(linear);
        Attacks.PgdL2(linear, new Batch(x, targets, default, 6), 20f, 1f, 60, adversarial, new float[x.Length], targeted: true);
        for (int s = 0; s < 6; s++) Assert.Equal(targets[s], Argmax(linear, adversarial.AsSpan(s * 6, 6)));
        Attacks.MiFgsm(linear, new Batch(x, targets, default, 6), 5f, 0.5f, 50, adversarial, ws, targeted: true);
        for (int s = 0; s < 6; s++) Assert.Equal(targets[s], Argmax(linear, adversarial.AsSpan(s * 6, 6)));

        // Carlini-Wagner on the trained MLP: every sample to class (label + 1) mod 10.
        const int n = 16;
        var batchTargets = trained.Labels.Take(n).Select(y => (y + 1) % 10).ToArray();
        var cw = new float[n * F];
        var succeeded = new bool[n];
        int count = Attacks.CarliniWagnerL2(trained.Model, new Batch(trained.X.AsSpan(0, n * F), batchTargets, default, n), cw, succeeded,
            new AttackWorkspace(trained.Model), new CarliniWagnerOptions { Targeted = true, Steps = 60, BinarySearchSteps = 4 });
        Assert.True(count >= 14, $"targeted CW reached {count}/{n}");
        for (int s = 0; s < n; s++)
            if (succeeded[s]) Assert.Equal(batchTargets[s], Argmax(trained.Model, cw.AsSpan(s * F, F)));
    }

    [Fact]
    public void DeepFoolAndCarliniWagner_RejectModelsWithoutClassIndices()
    {
        var model = new BinaryModel();
        var x = new float[2 * 3];
        var ws = new AttackWorkspace(model);
        var e = Assert.Throws<NotSupportedException>(() => Attacks.DeepFool(model, x, new float[6], new bool[2], ws));
        Assert.Contains("TargetKind.ClassIndex", e.Message);
        var regressor = new SoftmaxRegressor();
        Assert.Throws<NotSupportedException>(() => Attacks.CarliniWagnerL2(
            regressor, new Batch(new float[4], default, new float[3], 1), new float[4], new bool[1], new AttackWorkspace(regressor)));
        // The ε-ball attacks work on any loss.
        var targets = new float[] { 1f, 0f };
        Attacks.PgdWithRestarts(model, new Batch(x, default, targets, 2), AttackNorm.L2, 0.5f, 0.1f, 3, 2, new float[6], ws);
        Attacks.MiFgsm(model, new Batch(x, default, targets, 2), 0.5f, 0.1f, 3, new float[6], ws);
    }

    [Fact]
    public void EveryAttack_AllocatesNothingAfterWarmUp()
    {
        var model = new FashionMlp(seed: 1);
        const int n = 16;
        var x = Uniform(n * F, 2, 0, 1);
        var labels = Enumerable.Range(0, n).Select(i => i % 10).ToArray();
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        var crossed = new bool[n];
        var workspace = new AttackWorkspace(model);
        var cwOptions = new CarliniWagnerOptions { Steps = 5, BinarySearchSteps = 2 };
        void All()
        {
            var batch = new Batch(x, labels, default, n);
            Attacks.PgdL2(model, batch, 1f, 0.25f, 5, adversarial, scratch, seed: 1);
            Attacks.PgdWithRestarts(model, batch, AttackNorm.LInf, 0.1f, 0.02f, 5, 2, adversarial, workspace);
            Attacks.PgdWithRestarts(model, batch, AttackNorm.L2, 1f, 0.25f, 5, 2, adversarial, workspace);
            Attacks.MiFgsm(model, batch, 0.1f, 0.01f, 5, adversarial, workspace);
            Attacks.DeepFool(model, x, adversarial, crossed, workspace, maxIterations: 5);
            Attacks.DeepFoolTargeted(model, x, labels, adversarial, crossed, workspace, maxIterations: 5);
            Attacks.CarliniWagnerL2(model, batch, adversarial, crossed, workspace, cwOptions);
        }
        All();
        long warm = workspace.AllocatedBytes;
        Assert.Equal(0, Allocations.Least(All));
        Assert.Equal(warm, workspace.AllocatedBytes);
    }
}
