using System;
using Axon.Kernels;
using Axon.Testing;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

public class DropoutEmbeddingTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void DropoutDropsAboutRateAndScalesTheRest(float rate)
    {
        const int n = 100_000;
        var x = Random(n, 1, 0.5f, 1.5f); // no zeros, so a zero output means dropped
        var y = new float[n];
        var mask = Filled(n, float.NaN);
        var rng = new Rng(42);
        Dropout.Forward(x, y, mask, rate, ref rng);

        float scale = 1f / (1f - rate);
        int dropped = 0;
        for (int i = 0; i < n; i++)
        {
            if (mask[i] == 0f)
            {
                dropped++;
                Assert.Equal(0f, y[i]);
            }
            else
            {
                Assert.Equal(scale, mask[i]);
                Assert.Equal(x[i] * scale, y[i]);
            }
        }
        // Binomial(n, rate): 5 standard deviations is at most 0.0079 here.
        double sigma = Math.Sqrt(rate * (1 - rate) / n);
        Assert.InRange(dropped / (double)n, rate - 5 * sigma, rate + 5 * sigma);
        // The expected output equals the input.
        double sumX = 0, sumY = 0;
        for (int i = 0; i < n; i++) { sumX += x[i]; sumY += y[i]; }
        Assert.InRange(sumY / sumX, 1 - 10 * sigma / (1 - rate), 1 + 10 * sigma / (1 - rate));
    }

    [Fact]
    public void DropoutIsDeterministicGivenTheGeneratorState()
    {
        const int n = 1000;
        var x = Random(n, 2);
        float[] Mask(Rng rng, out Rng after)
        {
            var mask = new float[n];
            Dropout.Forward(x, new float[n], mask, 0.5f, ref rng);
            after = rng;
            return mask;
        }
        var a = Mask(new Rng(7), out var afterA);
        var b = Mask(new Rng(7), out _);
        var c = Mask(new Rng(8), out _);
        var next = Mask(afterA, out _);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, next); // the generator advanced: the next batch gets a fresh mask
    }

    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    [InlineData(1f / 3)]
    public void DropoutDropsExactlyWhereTheGeneratorsDrawIsBelowTheRate(float rate)
    {
        // The documented rule, one NextSingle per value in order: mask = 0 where the draw is below rate.
        const int n = 20_000;
        var mask = new float[n];
        var rng = new Rng(11);
        Dropout.Forward(new float[n], new float[n], mask, rate, ref rng);
        var reference = new Rng(11);
        for (int i = 0; i < n; i++)
            Assert.Equal(reference.NextSingle() < rate, mask[i] == 0f);
        Assert.Equal(reference.NextUInt32(), rng.NextUInt32()); // and the caller's generator advanced by n draws
    }

    [Fact]
    public void DropoutRateZeroIsTheIdentityAndOutputMayAliasInput()
    {
        var x = Random(257, 3);
        var y = new float[x.Length];
        var mask = new float[x.Length];
        var rng = new Rng(1);
        Dropout.Forward(x, y, mask, 0f, ref rng);
        Assert.Equal(x, y);
        Assert.All(mask, m => Assert.Equal(1f, m));

        var inPlace = (float[])x.Clone();
        var expected = new float[x.Length];
        rng = new Rng(5);
        Dropout.Forward(x, expected, mask, 0.4f, ref rng);
        rng = new Rng(5);
        Dropout.Forward(inPlace, inPlace, mask, 0.4f, ref rng);
        Assert.Equal(expected, inPlace);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void DropoutRejectsRatesOutsideZeroToOne(float rate)
    {
        var rng = new Rng(1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Forward(new float[4], new float[4], new float[4], rate, ref rng));
        Assert.Equal("rate", e.ParamName);
    }

    [Fact]
    public void DropoutBackwardMatchesFiniteDifferencesAndMayRunInPlace()
    {
        const int n = 300;
        const float rate = 0.4f;
        var x = Random(n, 4);
        var r = Random(n, 5);
        var mask = new float[n];
        var y = new float[n];
        var rng = new Rng(9);
        Dropout.Forward(x, y, mask, rate, ref rng);
        var dx = Filled(n, float.NaN);
        Dropout.Backward(mask, r, dx);

        double Loss()
        {
            var again = new Rng(9); // the same mask as the forward above
            Dropout.Forward(x, y, new float[n], rate, ref again);
            return LayerTestSupport.Loss(r, y);
        }
        CheckGradient(x, dx, Loss, 1e-2f, 1e-5, "dx");
        Assert.Contains(dx, v => v == 0f);

        var inPlace = (float[])r.Clone();
        Dropout.Backward(mask, inPlace, inPlace);
        Assert.Equal(dx, inPlace);
    }

    [Fact]
    public void EmbeddingForwardCopiesRowsAndBackwardAccumulatesRepeatedIds()
    {
        int vocab = 10, dim = 7;
        var table = Random(vocab * dim, 10);
        var ids = new float[] { 3, 0, 9, 3, 3, 5, 0 };
        int rows = ids.Length;
        var y = Filled(rows * dim, float.NaN);
        Embedding.Forward(ids, table, y, rows, vocab, dim);
        for (int r = 0; r < rows; r++)
            Assert.Equal(table.AsSpan((int)ids[r] * dim, dim).ToArray(), y.AsSpan(r * dim, dim).ToArray());

        var g = Random(rows * dim, 11);
        var dTable = Filled(vocab * dim, float.NaN); // cleared, not accumulated into
        Embedding.Backward(ids, g, dTable, rows, vocab, dim);
        var expected = new double[vocab * dim];
        for (int r = 0; r < rows; r++)
            for (int d = 0; d < dim; d++)
                expected[(int)ids[r] * dim + d] += g[r * dim + d];
        Close(expected, dTable, 1e-6, 0, "dTable");

        double Loss()
        {
            Embedding.Forward(ids, table, y, rows, vocab, dim);
            return LayerTestSupport.Loss(g, y);
        }
        CheckGradient(table, dTable, Loss, 1e-2f, 1e-5, "dTable");
    }

    [Theory]
    [InlineData(12.5f, "id 12.5 at position 3 is not an integer in [0, 10)")]
    [InlineData(2.5f, "id 2.5 at position 3 is not an integer in [0, 10)")]
    [InlineData(10f, "id 10 at position 3 is not an integer in [0, 10)")]
    [InlineData(-1f, "id -1 at position 3 is not an integer in [0, 10)")]
    [InlineData(float.NaN, "id NaN at position 3 is not an integer in [0, 10)")]
    public void EmbeddingRejectsBadIdsNamingThem(float bad, string message)
    {
        int vocab = 10, dim = 2;
        var ids = new float[] { 1, 2, 3, bad };
        var table = new float[vocab * dim];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Forward(ids, table, new float[8], 4, vocab, dim));
        Assert.StartsWith(message, e.Message);
        var grad = Filled(vocab * dim, 5f);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Backward(ids, new float[8], grad, 4, vocab, dim));
        Assert.StartsWith(message, e.Message);
        Assert.All(grad, v => Assert.Equal(5f, v)); // checked before anything was written
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        const int n = 4096;
        var x = Random(n, 1);
        var y = new float[n];
        var mask = new float[n];
        var rng = new Rng(3);
        var ids = new float[] { 1, 4, 4, 7, 0, 9, 2, 2 };
        var table = Random(10 * 16, 2);
        var rows = new float[ids.Length * 16];
        var dTable = new float[table.Length];
        void RunAll()
        {
            Dropout.Forward(x, y, mask, 0.25f, ref rng);
            Dropout.Backward(mask, y, y);
            Embedding.Forward(ids, table, rows, ids.Length, 10, 16);
            Embedding.Backward(ids, rows, dTable, ids.Length, 10, 16);
        }
        for (int i = 0; i < 3; i++) RunAll();
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 20; i++) RunAll();
        }));
    }
}
