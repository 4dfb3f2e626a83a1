using System;

namespace MarketPrediction;

/// <summary>
/// Ridge regression in closed form: <c>w = (XcᵀXc + αI)⁻¹ Xcᵀyc</c> on centred inputs and targets, intercept
/// <c>b = ȳ − x̄ᵀw</c> (not penalised), solved by Cholesky in double precision. The linear baseline on the same windows the
/// networks read.
/// </summary>
public sealed class Ridge
{
    private readonly double[] _weights;
    private readonly double _intercept;

    private Ridge(double[] weights, double intercept)
    {
        _weights = weights;
        _intercept = intercept;
    }

    /// <summary>Fits on <paramref name="x"/> (<c>[n, d]</c> row-major) and <paramref name="y"/> (<c>[n]</c>) with penalty α.</summary>
    public static Ridge Fit(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int d, double alpha)
    {
        int n = y.Length;
        if (n == 0 || x.Length != n * d) throw new ArgumentException($"x has {x.Length} values; expected {n}·{d}.");
        var mean = new double[d];
        double yMean = 0;
        for (int i = 0; i < n; i++)
        {
            yMean += y[i];
            for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        }
        yMean /= n;
        for (int j = 0; j < d; j++) mean[j] /= n;
        var a = new double[d * d];
        var b = new double[d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) row[j] = x[i * d + j] - mean[j];
            double yc = y[i] - yMean;
            for (int j = 0; j < d; j++)
            {
                b[j] += row[j] * yc;
                for (int k = 0; k <= j; k++) a[j * d + k] += row[j] * row[k];
            }
        }
        for (int j = 0; j < d; j++) a[j * d + j] += alpha;
        var w = SolveCholesky(a, b, d);
        double intercept = yMean;
        for (int j = 0; j < d; j++) intercept -= w[j] * mean[j];
        return new Ridge(w, intercept);
    }

    /// <summary>Predictions for <paramref name="x"/> (<c>[n, d]</c>) into <paramref name="output"/> (<c>[n]</c>).</summary>
    public void Predict(ReadOnlySpan<float> x, Span<float> output)
    {
        int d = _weights.Length;
        for (int i = 0; i < output.Length; i++)
        {
            double s = _intercept;
            for (int j = 0; j < d; j++) s += _weights[j] * x[i * d + j];
            output[i] = (float)s;
        }
    }

    // A is symmetric positive definite (α > 0), lower triangle filled: A = LLᵀ, then forward and back substitution.
    private static double[] SolveCholesky(double[] a, double[] b, int d)
    {
        for (int j = 0; j < d; j++)
        {
            double s = a[j * d + j];
            for (int k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
            double l = Math.Sqrt(s);
            a[j * d + j] = l;
            for (int i = j + 1; i < d; i++)
            {
                double t = a[i * d + j];
                for (int k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
                a[i * d + j] = t / l;
            }
        }
        var z = new double[d];
        for (int i = 0; i < d; i++)
        {
            double t = b[i];
            for (int k = 0; k < i; k++) t -= a[i * d + k] * z[k];
            z[i] = t / a[i * d + i];
        }
        var w = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double t = z[i];
            for (int k = i + 1; k < d; k++) t -= a[k * d + i] * w[k];
            w[i] = t / a[i * d + i];
        }
        return w;
    }
}
