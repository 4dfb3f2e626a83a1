using System;
using System.Collections.Generic;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>Random data, double-precision activations and gradient checking for the layer kernel tests.</summary>
internal static class LayerTestSupport
{
    public static float[] Random(int length, int seed, float low = -1f, float high = 1f)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(low + (high - low) * rng.NextDouble());
        return x;
    }

    public static float[] Filled(int length, float value)
    {
        var x = new float[length];
        Array.Fill(x, value);
        return x;
    }

    /// <summary>L = Σ r_i·y_i in double.</summary>
    public static double Loss(ReadOnlySpan<float> r, ReadOnlySpan<float> y)
    {
        Assert.True(y.Length >= r.Length);
        double sum = 0;
        for (int i = 0; i < r.Length; i++)
            sum += (double)r[i] * y[i];
        return sum;
    }

    /// <summary>erf in double by its Taylor series (|x| ≤ 6; beyond, ±1 to double precision for GELU's purposes).</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 6) return Math.Sign(x);
        double term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double Activate(string activation, double z) => activation switch
    {
        "Identity" => z,
        "Relu" => Math.Max(z, 0),
        "Gelu" => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
        _ => throw new ArgumentException(activation),
    };

    /// <summary>Asserts |expected − actual| ≤ tolerance[i] (or the scalar one) element by element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = absolute + relative * Math.Abs(expected[i]);
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tol))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (diff {diff:E2}, tolerance {tol:E2}).");
        }
    }

    /// <summary>
    /// Central differences of <paramref name="loss"/> with respect to <paramref name="values"/>[i] for each i in
    /// <paramref name="indices"/> (all when null), compared with <paramref name="analytic"/>. <paramref name="loss"/>
    /// returns NaN when the perturbation crossed a kink (ReLU, max), and that coordinate is skipped; at most a
    /// quarter may be skipped, so the check cannot pass vacuously. Smooth maps use Richardson extrapolation
    /// of central differences at h and h/2; <paramref name="piecewiseLinear"/> ones a single central difference.
    /// </summary>
    public static void CheckGradient(float[] values, ReadOnlySpan<float> analytic, Func<double> loss, float h, double tolerance, string what, IReadOnlyList<int>? indices = null, bool piecewiseLinear = false)
    {
        int count = indices?.Count ?? values.Length, skipped = 0;
        for (int t = 0; t < count; t++)
        {
            int i = indices?[t] ?? t;
            // Richardson extrapolation of two central differences, (4·D(h/2) − D(h))/3, cancels the h²
            // term, so strongly curved maps (batch norm over two values) need no tiny, noisy step.
            // A piecewise-linear map (ReLU) has no h² term between kinks: one difference, less noise.
            double wide = Central(values, i, h, loss), narrow = piecewiseLinear ? wide : Central(values, i, h / 2, loss);
            if (double.IsNaN(wide) || double.IsNaN(narrow))
            {
                skipped++;
                continue;
            }
            double numeric = piecewiseLinear ? wide : (4 * narrow - wide) / 3;
            double diff = Math.Abs(numeric - analytic[i]);
            if (!(diff <= tolerance * (1 + Math.Abs(numeric))))
                Assert.Fail($"{what}[{i}]: finite differences give {numeric:R}, the kernel {analytic[i]:R} (diff {diff:E2}).");
        }
        Assert.True(skipped * 4 <= count, $"{what}: {skipped} of {count} coordinates crossed a kink; the check would be vacuous.");
    }

    /// <summary>(L(v + h) − L(v − h)) / (the float step actually taken); NaN when either side returned NaN.</summary>
    private static double Central(float[] values, int i, float h, Func<double> loss)
    {
        float saved = values[i];
        values[i] = saved + h;
        float up = values[i];
        double lPlus = loss();
        values[i] = saved - h;
        float down = values[i];
        double lMinus = loss();
        values[i] = saved;
        return (lPlus - lMinus) / ((double)up - down);
    }

    /// <summary>A fixed-seed sample of <paramref name="count"/> distinct indices below <paramref name="length"/> (all when fewer).</summary>
    public static IReadOnlyList<int>? Sample(int length, int count, int seed)
    {
        if (length <= count) return null;
        var all = new int[length];
        for (int i = 0; i < length; i++) all[i] = i;
        new Random(seed).Shuffle(all);
        return all[..count];
    }
}
