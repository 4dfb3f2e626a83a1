using System;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Central finite differences against a generated backward, shared by the layer and graph tests.</summary>
internal static class FiniteDifferences
{
    public const float H = 1e-2f;

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Rng(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = scale * rng.NextUniform(-1f, 1f);
        return x;
    }

    /// <summary>
    /// Every element of <paramref name="values"/> perturbed by ±<paramref name="h"/>; the difference of
    /// <paramref name="loss"/> must match <paramref name="analytic"/> within 2% (plus 3e-4 for float32 noise),
    /// and more than 10 gradients must be non-zero so the check proves something. With
    /// <paramref name="indices"/>, only those elements are perturbed (the rest of the span is context).
    /// </summary>
    public static void Check(Span<float> values, float[] analytic, Func<double> loss, string what, float h = H, int[]? indices = null)
    {
        int nonZero = 0;
        int count = indices?.Length ?? values.Length;
        for (int n = 0; n < count; n++)
        {
            int i = indices is null ? n : indices[n];
            float saved = values[i];
            values[i] = saved + h;
            double plus = loss();
            values[i] = saved - h;
            double minus = loss();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-2 * Math.Abs(numeric) + 3e-4,
                $"{what} {i}: finite difference {numeric:G6}, backward {analytic[i]:G6}");
            if (Math.Abs(analytic[i]) > 1e-4) nonZero++;
        }
        Assert.True(nonZero > 10, $"only {nonZero} non-zero {what} gradients: the check would prove little");
    }
}
