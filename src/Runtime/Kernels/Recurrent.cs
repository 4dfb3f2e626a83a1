using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// What <see cref="Lstm"/> and <see cref="Gru"/> share: the checks, the batch-major ↔ time-major copies,
/// the bias-gradient sum and the gate nonlinearities on 8 lanes at a time.
/// </summary>
/// <remarks>
/// The kernels keep everything time-major (<c>[T, N, ·]</c>) inside their workspace, so that one step's hidden
/// states are one contiguous <c>[N, H]</c> block for the recurrent product, and the weight gradients over all steps
/// are single products. Inputs and outputs stay batch-major (<c>[N, T, ·]</c>, PyTorch's <c>batch_first=True</c>);
/// for one sample the two layouts coincide and no copy is made.
/// </remarks>
internal static class Recurrent
{
    public static void Check(int batch, int steps, int features, int units)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.Positive(steps, nameof(steps));
        KernelCheck.Positive(features, nameof(features));
        KernelCheck.Positive(units, nameof(units));
    }

    /// <summary><c>dst[t, n, :] = src[n, t, :]</c>, rows of <paramref name="width"/>.</summary>
    public static void ToTimeMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int steps, int width)
    {
        for (int n = 0; n < batch; n++)
            for (int t = 0; t < steps; t++)
                src.Slice((n * steps + t) * width, width).CopyTo(dst.Slice((t * batch + n) * width, width));
    }

    /// <summary><c>dst[n, t, :] = src[t, n, :]</c>, rows of <paramref name="width"/>.</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int steps, int width)
    {
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < batch; n++)
                src.Slice((t * batch + n) * width, width).CopyTo(dst.Slice((n * steps + t) * width, width));
    }

    /// <summary><c>sum[j] = Σ_r rows[r, j]</c> over <paramref name="count"/> rows, in row order.</summary>
    public static void SumRows(ReadOnlySpan<float> rows, Span<float> sum, int count, int width)
    {
        sum = sum.Slice(0, width);
        sum.Clear();
        for (int r = 0; r < count; r++)
            TensorPrimitives.Add(sum, rows.Slice(r * width, width), sum);
    }

    /// <summary>The output: every step's hidden state (<c>[N, T, H]</c>) or the last one (<c>[N, H]</c>).</summary>
    public static void WriteOutput(ReadOnlySpan<float> hidden, Span<float> output, int batch, int steps, int units, bool returnSequences)
    {
        if (returnSequences)
        {
            if (batch == 1) hidden.Slice(0, steps * units).CopyTo(output);
            else ToBatchMajor(hidden, output, batch, steps, units);
        }
        else
            hidden.Slice((steps - 1) * batch * units, batch * units).CopyTo(output);
    }

    /// <summary>Adds step <paramref name="t"/>'s part of ∂L/∂output to the running ∂L/∂h (<c>[N, H]</c>).</summary>
    public static void AddOutputGradient(ReadOnlySpan<float> outputGrad, Span<float> dh, int t, int batch, int steps, int units, bool returnSequences)
    {
        if (returnSequences)
        {
            for (int n = 0; n < batch; n++)
            {
                var row = dh.Slice(n * units, units);
                TensorPrimitives.Add(row, outputGrad.Slice((n * steps + t) * units, units), row);
            }
        }
        else if (t == steps - 1)
        {
            var all = dh.Slice(0, batch * units);
            TensorPrimitives.Add(all, outputGrad.Slice(0, batch * units), all);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary><c>tanh x = sign(x)·(1 − e)/(1 + e)</c> with <c>e = exp(−2|x|)</c>, which never overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var t = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        return Vector256.CopySign(t, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float e = MathF.Exp(-2f * MathF.Abs(x));
        return MathF.CopySign((1f - e) / (1f + e), x);
    }
}
