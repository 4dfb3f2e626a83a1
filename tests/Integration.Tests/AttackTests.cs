using Axon.Testing;
using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

public class AttackTests
{
    private static float[] Uniform(int n, int seed, float low, float high)
    {
        var rng = new Rng(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextUniform(low, high);
        return x;
    }

    [Fact]
    public void Fgsm_OnLinearModel_IsEpsilonTimesSignOfClosedFormGradient()
    {
        var model = new LinearNet(seed: 3);
        var x = Uniform(4 * 6, 1, -1, 1);
        int[] labels = [0, 1, 2, 1];
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        Attacks.Fgsm(model, new Batch(x, labels, default, 4), 0.25f, adversarial, scratch);

        var w = model.Logits.Weight.ToArray();
        var b = model.Logits.Bias.ToArray();
        for (int s = 0; s < 4; s++)
        {
            var z = new double[3];
            for (int k = 0; k < 3; k++) { z[k] = b[k]; for (int j = 0; j < 6; j++) z[k] += w[k * 6 + j] * x[s * 6 + j]; }
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            var p = z.Select(v => Math.Exp(v - max) / sum).ToArray();
            p[labels[s]] -= 1;
            for (int j = 0; j < 6; j++)
            {
                double g = 0;
                for (int k = 0; k < 3; k++) g += w[k * 6 + j] * p[k];
                Assert.Equal(x[s * 6 + j] + 0.25f * MathF.Sign((float)g), adversarial[s * 6 + j], 6);
            }
        }
    }

    [Fact]
    public void Attacks_StayInsideTheEpsilonBall_AndTheDeclaredRange()
    {
        var model = new FashionMlp(seed: 1);
        var x = Uniform(8 * 784, 2, 0, 1);
        var labels = Enumerable.Range(0, 8).ToArray();
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        foreach (float eps in new[] { 0f, 0.03f, 0.3f })
        {
            Attacks.Fgsm(model, new Batch(x, labels, default, 8), eps, adversarial, scratch);
            AssertInside(x, adversarial, eps);
            Attacks.Pgd(model, new Batch(x, labels, default, 8), eps, eps / 4, 10, adversarial, scratch, seed: 5);
            AssertInside(x, adversarial, eps);
        }
        Attacks.Pgd(model, new Batch(x, labels, default, 8), 0f, 0.1f, 5, adversarial, scratch);
        Assert.Equal(x, adversarial);
    }

    private static void AssertInside(float[] x, float[] adversarial, float eps)
    {
        for (int i = 0; i < x.Length; i++)
        {
            Assert.InRange(adversarial[i], FashionMlp.InputMin, FashionMlp.InputMax);
            Assert.InRange(adversarial[i] - x[i], -eps - 1e-6f, eps + 1e-6f);
        }
    }

    [Fact]
    public void TargetedPgd_ReachesItsTarget_OnALinearModel()
    {
        var model = new LinearNet(seed: 4);
        var x = Uniform(6 * 6, 3, -1, 1);
        int[] targets = [2, 0, 1, 2, 0, 1];
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        Attacks.Pgd(model, new Batch(x, targets, default, 6), 5f, 0.5f, 50, adversarial, scratch, targeted: true);
        for (int s = 0; s < 6; s++)
            Assert.Equal(targets[s], model.Classify(adversarial.AsSpan(s * 6, 6)));
    }

    [Fact]
    public void Pgd_IsAtLeastAsStrongAsFgsm_OnATrainedModel()
    {
        var (train, test) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        var model = new FashionMlp();
        model.Fit(train, epochs: 2, batchSize: 64, progress: ProgressMode.None);
        int n = 200;
        var x = test.Features.AsSpan(0, n * 784).ToArray();
        var labels = test.Labels!.AsSpan(0, n).ToArray();
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        double clean = model.Evaluate(x, labels).Accuracy;
        Attacks.Fgsm(model, new Batch(x, labels, default, n), 0.05f, adversarial, scratch);
        double fgsm = model.Evaluate(adversarial, labels).Accuracy;
        Attacks.Pgd(model, new Batch(x, labels, default, n), 0.05f, 0.01f, 20, adversarial, scratch, seed: 1);
        double pgd = model.Evaluate(adversarial, labels).Accuracy;
        Assert.True(fgsm < clean, $"FGSM should hurt: clean {clean}, FGSM {fgsm}");
        Assert.True(pgd <= fgsm, $"PGD {pgd} should be at least as strong as FGSM {fgsm}");
    }

    [Fact]
    public void PgdSteps_AllocateNothingAfterWarmUp()
    {
        var model = new FashionMlp(seed: 1);
        var x = Uniform(16 * 784, 2, 0, 1);
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var adversarial = new float[x.Length];
        var scratch = new float[x.Length];
        Attacks.Pgd(model, new Batch(x, labels, default, 16), 0.1f, 0.01f, 2, adversarial, scratch);
        Assert.Equal(0, Allocations.Least(() =>
        {
            Attacks.Pgd(model, new Batch(x, labels, default, 16), 0.1f, 0.01f, 40, adversarial, scratch);
            Attacks.Fgsm(model, new Batch(x, labels, default, 16), 0.1f, adversarial, scratch);
        }));
    }
}
