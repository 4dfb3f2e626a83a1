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

    // Calibrates on test images 0-499 at a 5% false-positive rate; returns the flagged fractions of the
    // calibration set, of held-out clean images 500-999, and of their FGSM examples at each ε.
    private static (double Calibration, double Clean, double[] Fgsm) Rates(FashionMlp model, Dataset test, FeatureSqueezing[] squeezers, params float[] epsilons)
    {
        var detector = new FeatureSqueezingDetector(model, squeezers);
        const int half = 500;
        var calibration = test.Features.AsSpan(0, half * 784);
        detector.Calibrate(calibration, 0.05);
        var flagged = new bool[half];
        double calibrationRate = detector.Detect(calibration, flagged) / (double)half;
        var clean = test.Features.AsSpan(half * 784, half * 784).ToArray();
        var labels = test.Labels!.AsSpan(half, half).ToArray();
        double cleanRate = detector.Detect(clean, flagged) / (double)half;
        var rates = new double[epsilons.Length];
        var adversarial = new float[clean.Length];
        var gradient = new float[128 * 784];
        for (int e = 0; e < epsilons.Length; e++)
        {
            for (int start = 0; start < half; start += 128)
            {
                int m = Math.Min(128, half - start);
                var batch = new Batch(clean.AsSpan(start * 784, m * 784), labels.AsSpan(start, m), default, m);
                Attacks.Fgsm(model, batch, epsilons[e], adversarial.AsSpan(start * 784, m * 784), gradient.AsSpan(0, m * 784));
            }
            rates[e] = detector.Detect(adversarial, flagged) / (double)half;
        }
        return (calibrationRate, cleanRate, rates);
    }

    [Fact]
    public void CalibratedOnClean_FlagsFgsmExamplesFarMoreOftenThanCleanOnes()
    {
        var (model, test) = Trained();
        // 4-bit depth keeps Fashion-MNIST's clean predictions and strips FGSM's low-order perturbation.
        var (calibration, clean, fgsm) = Rates(model, test, new[] { new FeatureSqueezing { Bits = 4 } }, 0.03f, 0.1f);
        output.WriteLine($"4-bit: flagged calibration {calibration:P1}, held-out clean {clean:P1}, FGSM ε 0.03 {fgsm[0]:P1}, ε 0.1 {fgsm[1]:P1}");
        Assert.True(calibration <= 0.05, $"{calibration:P1} of the calibration set flagged at a 5% rate");
        Assert.True(clean <= 0.12, $"held-out clean flagged {clean:P1} at a 5% calibration");
        foreach (double rate in fgsm)
            Assert.True(rate >= 0.6 && rate >= 4 * clean, $"FGSM examples flagged {rate:P1}, clean {clean:P1}");
    }

    [Fact]
    public void XusMnistSqueezers_DetectLessOnFashionTextures()
    {
        // Xu et al. chose 1 bit and a 2×2 median for MNIST's near-binary digits; on Fashion-MNIST's grey
        // textures they move clean predictions too, so at the same 5% calibration they catch less.
        var (model, test) = Trained();
        double fourBit = Rates(model, test, new[] { new FeatureSqueezing { Bits = 4 } }, 0.1f).Fgsm[0];
        double oneBit = Rates(model, test, new[] { new FeatureSqueezing { Bits = 1 } }, 0.1f).Fgsm[0];
        double median = Rates(model, test, new[] { new FeatureSqueezing { MedianWindow = 2, ImageShape = new[] { 28, 28 } } }, 0.1f).Fgsm[0];
        output.WriteLine($"FGSM ε 0.1 flagged: 4-bit {fourBit:P1}, 1-bit {oneBit:P1}, 2×2 median {median:P1}");
        Assert.True(oneBit < fourBit && median < fourBit, $"4-bit {fourBit:P1}, 1-bit {oneBit:P1}, median {median:P1}");
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
