using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Testing;
using Axon.Training;
using Xunit;
using Xunit.Abstractions;

namespace Axon.Integration.Tests;

/// <summary>Feature squeezing as a detector (Xu et al., 2018): calibration, detection of FGSM examples, edge cases.</summary>
public class FeatureSqueezingDetectorTests(ITestOutputHelper output)
{
    // Xu et al.'s MNIST squeezers (1 bit, 2×2 median), for the edge-case tests.
    private static readonly FeatureSqueezing[] XuMnist =
    {
        new() { Bits = 1 },
        new() { MedianWindow = 2, ImageShape = new[] { 28, 28 } },
    };

    private static (FashionMlp Model, Dataset Test) Trained()
    {
        var (train, test) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        var model = new FashionMlp(seed: 6);
        model.Fit(train.Subset(Enumerable.Range(0, 3000).ToArray()), new FitOptions { Epochs = 3, BatchSize = 64, Seed = 1, Progress = ProgressMode.None });
        return (model, test);
    }

    [Fact]
    public void CalibratedOnClean_FlagsFgsmExamplesFarMoreOftenThanCleanOnes()
    {
        var (model, test) = Trained();
        // On Fashion-MNIST's grey textures 1-bit depth and median smoothing change clean predictions too
        // (measured: 38% and 4% of FGSM ε 0.1 examples flagged); 4-bit depth keeps clean inputs and strips FGSM.
        var detector = new FeatureSqueezingDetector(model, new FeatureSqueezing { Bits = 4 });
        const int half = 500;
        var calibration = test.Features.AsSpan(0, half * 784);
        float threshold = detector.Calibrate(calibration, 0.05);
        Assert.True(threshold > 0 && threshold < 2, $"threshold {threshold}");

        var flagged = new bool[half];
        double calibrationRate = detector.Detect(calibration, flagged) / (double)half;
        Assert.True(calibrationRate <= 0.05, $"{calibrationRate} of the calibration set flagged at a 5% rate");

        // Held-out clean samples and their FGSM examples (ε 0.1), in batches the model holds.
        var clean = test.Features.AsSpan(half * 784, half * 784).ToArray();
        var labels = test.Labels!.AsSpan(half, half).ToArray();
        var adversarial = new float[clean.Length];
        var gradient = new float[128 * 784];
        for (int start = 0; start < half; start += 128)
        {
            int m = Math.Min(128, half - start);
            var batch = new Batch(clean.AsSpan(start * 784, m * 784), labels.AsSpan(start, m), default, m);
            Attacks.Fgsm(model, batch, 0.1f, adversarial.AsSpan(start * 784, m * 784), gradient.AsSpan(0, m * 784));
        }
        double cleanRate = detector.Detect(clean, flagged) / (double)half;
        double adversarialRate = detector.Detect(adversarial, flagged) / (double)half;
        output.WriteLine($"threshold {threshold:F4}; flagged: calibration {calibrationRate:P1}, held-out clean {cleanRate:P1}, FGSM ε 0.1 {adversarialRate:P1}");
        Assert.True(cleanRate <= 0.12, $"held-out clean flagged {cleanRate:P1} at a 5% calibration");
        Assert.True(adversarialRate >= 0.6 && adversarialRate >= 4 * cleanRate,
            $"FGSM examples flagged {adversarialRate:P1}, clean {cleanRate:P1}");
    }

    [Fact]
    public void InputsTheSqueezerLeavesAlone_ScoreZero_AndScoresAreL1Distances()
    {
        var (model, test) = Trained();
        var binary = test.Features.AsSpan(0, 64 * 784).ToArray().Select(v => v >= 0.5f ? 1f : 0f).ToArray();
        var detector = new FeatureSqueezingDetector(model, new FeatureSqueezing { Bits = 1 });
        var scores = new float[64];
        detector.Score(binary, scores);
        Assert.All(scores, s => Assert.Equal(0f, s));

        // On grey images the score is the L1 distance of the two softmax vectors, in [0, 2].
        var grey = test.Features.AsSpan(0, 64 * 784).ToArray();
        detector.Score(grey, scores);
        var squeezed = new float[grey.Length];
        detector.Squeezers[0].Squeeze(grey, squeezed);
        for (int i = 0; i < 64; i++)
        {
            var p = model.Predict(grey.AsSpan(i * 784, 784));
            var q = model.Predict(squeezed.AsSpan(i * 784, 784));
            double expected = Softmax(p).Zip(Softmax(q), (a, b) => Math.Abs(a - b)).Sum();
            Assert.Equal(expected, scores[i], 4);
            Assert.InRange(scores[i], 0f, 2f);
        }
        Assert.Contains(scores, s => s > 0.01f);
    }

    private static double[] Softmax(float[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    [Fact]
    public void Detect_AllocatesNothing_AndBadArgumentsSayWhatWasExpected()
    {
        var model = new FashionMlp(seed: 1);
        var detector = new FeatureSqueezingDetector(model, XuMnist);
        var x = new float[300 * 784];
        var rng = new Rng(3);
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        detector.Calibrate(x, 0.1);
        var flagged = new bool[300];
        detector.Detect(x, flagged);
        Assert.Equal(0, Allocations.Least(() => detector.Detect(x, flagged)));

        var rate = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Calibrate(x, 0));
        Assert.Contains("expected a fraction in (0, 1)", rate.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Calibrate(x, 1));
        Assert.Throws<ArgumentException>(() => new FeatureSqueezingDetector(model));
        Assert.Throws<NotSupportedException>(() => new FeatureSqueezingDetector(new Outer.NestedRegressor(), new FeatureSqueezing { Bits = 1 }));
        Assert.Throws<ArgumentException>(() => detector.Detect(x.AsSpan(0, 783), flagged));
    }
}
