using System;
using System.Linq;
using Axon.Losses;
using Xunit;

namespace Axon.Runtime.Tests.Losses;

/// <summary>The TRADES loss and its gradient, against an independent double-precision reference and finite differences of it.</summary>
public class TradesLossTests
{
    /// <summary>(1/n)·Σ CE(z, y) + (β/n)·Σ KL(softmax(z) ‖ softmax(z')), written out from the definitions.</summary>
    private static double Reference(double[] z, double[] za, int[] labels, double beta, int n, int k)
    {
        double total = 0;
        for (int r = 0; r < n; r++)
        {
            var p = Softmax(z, r, k);
            var q = Softmax(za, r, k);
            total -= Math.Log(p[labels[r]]);
            for (int j = 0; j < k; j++) total += beta * p[j] * Math.Log(p[j] / q[j]);
        }
        return total / n;
    }

    private static double[] Softmax(double[] z, int row, int k)
    {
        var e = Enumerable.Range(0, k).Select(j => Math.Exp(z[row * k + j])).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static float[] Logits(int count, int seed, float scale)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => scale * rng.NextUniform(-1f, 1f)).ToArray();
    }

    [Theory]
    [InlineData(6.0, 3, 5, 1f)]
    [InlineData(1.0, 4, 10, 3f)]
    [InlineData(0.0, 2, 3, 2f)]
    public void Gradient_MatchesFiniteDifferencesOfTheObjective(double beta, int n, int k, float scale)
    {
        var z = Logits(n * k, 1, scale);
        // Adversarial logits near the clean ones, as x' near x gives, but not equal (KL > 0).
        var za = z.Zip(Logits(n * k, 2, 0.5f), (a, b) => a + b).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (i * 3) % k).ToArray();
        var gz = new float[n * k];
        var ga = new float[n * k];

        float loss = Trades.ForwardBackward(z, za, labels, (float)beta, gz, ga, n, k);

        var dz = z.Select(v => (double)v).ToArray();
        var dza = za.Select(v => (double)v).ToArray();
        Assert.Equal(Reference(dz, dza, labels, beta, n, k), loss, 5);
        const double h = 1e-5;
        int nonZero = 0;
        foreach (var (values, analytic) in new[] { (dz, gz), (dza, ga) })
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = Reference(dz, dza, labels, beta, n, k);
                values[i] = saved - h;
                double minus = Reference(dz, dza, labels, beta, n, k);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 * Math.Abs(numeric) + 1e-6,
                    $"logit {i}: finite difference {numeric:G8}, TRADES gradient {analytic[i]:G8}");
                if (Math.Abs(analytic[i]) > 1e-4) nonZero++;
            }
        Assert.True(nonZero > (beta == 0 ? n : 2 * n), $"only {nonZero} non-zero gradients");
        if (beta == 0) Assert.All(ga, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void BetaZero_CleanGradient_IsBitwiseTheCrossEntropyGradient()
    {
        const int n = 5, k = 7;
        var z = Logits(n * k, 3, 4f);
        var za = Logits(n * k, 4, 4f);
        int[] labels = [0, 6, 3, 3, 1];
        var expected = new float[n * k];
        float ce = SoftmaxCrossEntropy.ForwardBackward(z, labels, expected, n, k, 1f / n);
        var gz = new float[n * k];
        var ga = new float[n * k];
        float loss = Trades.ForwardBackward(z, za, labels, 0f, gz, ga, n, k);
        Assert.Equal(expected, gz);
        Assert.Equal(ce / n, loss);
    }

    [Fact]
    public void ConfidentPredictions_GiveFiniteValues()
    {
        // Logits 80 apart: p underflows to 0 in float, so log p must come from log-softmax.
        float[] z = [80f, 0f, -10f], za = [0f, 80f, 0f];
        var gz = new float[3];
        var ga = new float[3];
        float loss = Trades.ForwardBackward(z, za, [0], 6f, gz, ga, 1, 3);
        Assert.True(float.IsFinite(loss) && loss > 400f, $"loss {loss}");
        Assert.All(gz.Concat(ga), g => Assert.True(float.IsFinite(g)));
    }
}
