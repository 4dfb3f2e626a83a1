using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Gaussian augmentation and feature squeezing: determinism, range, and what they compute.</summary>
public class DefenseTests
{
    private static float[] Uniform(int n, int seed, float low, float high)
    {
        var rng = new Rng(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextUniform(low, high);
        return x;
    }

    [Fact]
    public void GaussianNoise_IsDeterministic_InRange_AndHasTheRequestedSpread()
    {
        var x = Uniform(20000, 1, 0, 1);
        var a = new float[x.Length];
        var b = new float[x.Length];
        var rng1 = new Rng(7);
        var rng2 = new Rng(7);
        Defenses.AddGaussianNoise(x, a, 0.3f, ref rng1, 0f, 1f);
        Defenses.AddGaussianNoise(x, b, 0.3f, ref rng2, 0f, 1f);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(a, v => v == 0f);
        Assert.Contains(a, v => v == 1f);
        Defenses.AddGaussianNoise(x, b, 0.3f, ref rng2, 0f, 1f);
        Assert.NotEqual(a, b); // the generator advanced

        // Unclipped: the noise has mean 0 and standard deviation σ.
        var c = new float[x.Length];
        var rng3 = new Rng(9);
        Defenses.AddGaussianNoise(x, c, 0.05f, ref rng3, float.NegativeInfinity, float.PositiveInfinity);
        var d = c.Select((v, i) => (double)v - x[i]).ToArray();
        double mean = d.Average(), sd = Math.Sqrt(d.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(sd, 0.048, 0.052);
    }

    [Fact]
    public void FitWithGaussianNoise_IsDeterministic_AndTrainsOnNoisyInputs()
    {
        var (train, _) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        var data = train.Subset(Enumerable.Range(0, 256).ToArray());
        var first = new FashionMlp(seed: 2);
        var second = new FashionMlp(seed: 2);
        var plain = new FashionMlp(seed: 2);
        var options = new FitOptions { BatchSize = 64, Seed = 3, Progress = ProgressMode.None, GaussianNoise = 0.2f };
        first.Fit(data, options);
        second.Fit(data, options);
        plain.Fit(data, new FitOptions { BatchSize = 64, Seed = 3, Progress = ProgressMode.None });
        Assert.Equal(first.Hidden.Weight.ToArray(), second.Hidden.Weight.ToArray());
        Assert.NotEqual(first.Hidden.Weight.ToArray(), plain.Hidden.Weight.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => first.Fit(data, new FitOptions { Progress = ProgressMode.None, GaussianNoise = -1f }));
    }

    [Fact]
    public void BitDepthReduction_GivesTheLevels_InRange_AndIsIdempotent()
    {
        var x = Uniform(1000, 2, -0.2f, 1.2f); // some outside [0, 1]: clipped first
        var y = new float[x.Length];
        var z = new float[x.Length];
        foreach (int bits in new[] { 1, 3, 5 })
        {
            float levels = (1 << bits) - 1;
            Defenses.ReduceBitDepth(x, y, bits, 0f, 1f);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.InRange(y[i], 0f, 1f);
                float k = y[i] * levels;
                Assert.Equal(MathF.Round(k), k, 3);
                Assert.True(MathF.Abs(y[i] - Math.Clamp(x[i], 0f, 1f)) <= 0.5f / levels + 1e-6f);
            }
            Defenses.ReduceBitDepth(y, z, bits, 0f, 1f);
            Assert.Equal(y, z);
            Assert.Equal((int)levels + 1, y.Distinct().Count());
        }
        Defenses.ReduceBitDepth(new[] { -3f, 0.99f, 1f, 1.01f, 7f }, y.AsSpan(0, 5), 1, -1f, 3f);
        Assert.Equal(new[] { -1f, -1f, -1f, 3f, 3f }, y.AsSpan(0, 5).ToArray()); // the midpoint 1 rounds half to even: level 0
        Assert.Throws<ArgumentException>(() => Defenses.ReduceBitDepth(x, y, 4, float.NegativeInfinity, 1f));
    }

    [Fact]
    public void MedianSmoothing_RemovesAnIsolatedPixel_PerChannel_AndKeepsEdges()
    {
        // Two channels of 4×4: channel 0 is zero with one bright pixel, channel 1 a vertical edge.
        var image = new float[2 * 16];
        image[1 * 4 + 2] = 1f;
        for (int r = 0; r < 4; r++) for (int c = 2; c < 4; c++) image[16 + r * 4 + c] = 1f;
        var out3 = new float[image.Length];
        Defenses.MedianSmooth(image, out3, 2, 4, 4, 3);
        Assert.All(out3.AsSpan(0, 16).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(image.AsSpan(16).ToArray(), out3.AsSpan(16).ToArray());

        // 2×2 window at offsets −1…0, upper median: a pixel becomes 1 when at least 2 of its 4 neighbours are.
        var out2 = new float[16];
        float[] square = new float[16];
        square[5] = square[6] = 1f;
        Defenses.MedianSmooth(square, out2, 1, 4, 4, 2);
        Assert.Equal(1f, out2[6]); // its window (0..1, 1..2) holds both ones
        Assert.Equal(0f, out2[5]); // its window (0..1, 0..1) holds one
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
            {
                int ones = 0;
                for (int dr = -1; dr <= 0; dr++)
                    for (int dc = -1; dc <= 0; dc++)
                        ones += square[Math.Clamp(r + dr, 0, 3) * 4 + Math.Clamp(c + dc, 0, 3)] == 1f ? 1 : 0;
                Assert.Equal(ones >= 2 ? 1f : 0f, out2[r * 4 + c]);
            }
    }

    [Fact]
    public void SqueezedModel_PredictsOnTheSqueezedInput_AndIsDeterministic()
    {
        var model = new FashionMlp(seed: 1);
        var squeezed = new SqueezedModel(model, new FeatureSqueezing { Bits = 2, MedianWindow = 2, ImageShape = [28, 28] });
        var x = Uniform(3 * 784, 4, 0, 1);
        var s = new float[x.Length];
        squeezed.Squeeze(x, s);
        var again = new float[x.Length];
        squeezed.Squeeze(x, again);
        Assert.Equal(s, again);
        Assert.All(s, v => Assert.Contains(v, new[] { 0f, 1f / 3, 2f / 3, 1f }));
        var expected = new float[30];
        var actual = new float[30];
        model.Predict(s, expected);
        squeezed.Predict(x, actual);
        Assert.Equal(expected, actual);
        Assert.NotEqual(model.Predict(x.AsSpan(0, 784)), actual.AsSpan(0, 10).ToArray());

        Assert.Throws<ArgumentException>(() => new SqueezedModel(model, new FeatureSqueezing()));
        Assert.Throws<ArgumentException>(() => new SqueezedModel(model, new FeatureSqueezing { MedianWindow = 2, ImageShape = [27, 28] }));
        Assert.Throws<ArgumentException>(() => new SqueezedModel(new LinearNet(), new FeatureSqueezing { Bits = 4 }));
    }
}
