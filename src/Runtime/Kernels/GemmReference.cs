using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// The obvious implementation of <see cref="Gemm"/>'s products (one dot or axpy per output row), kept
/// as the yardstick the optimized kernels are tested against. Same shapes and contract as
/// <see cref="Gemm"/>: row-major float32, <c>C</c> always <c>[m, n]</c>, written, not accumulated.
/// </summary>
public static class GemmReference
{
    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[n,k]ᵀ</c>: the forward product <c>X·Wᵀ</c> (weights stored <c>[out, in]</c>).
    /// </summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        Check(a.Length, m * k, b.Length, n * k, c.Length, m * n);
        for (int i = 0; i < m; i++)
        {
            var ai = a.Slice(i * k, k);
            var ci = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
                ci[j] = TensorPrimitives.Dot(ai, b.Slice(j * k, k));
        }
    }

    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[n,k]ᵀ + bias</c>, the bias (length <c>n</c>) broadcast over rows; an
    /// empty bias adds nothing.
    /// </summary>
    public static void MultiplyTransposedBBias(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"The bias has {bias.Length} values, the product needs {n}.", nameof(bias));
        MultiplyTransposedB(a, b, c, m, n, k);
        if (!bias.IsEmpty)
            for (int i = 0; i < m; i++)
                TensorPrimitives.Add(c.Slice(i * n, n), bias.Slice(0, n), c.Slice(i * n, n));
    }

    /// <summary><c>C[m,n] = A[m,k] · B[k,n]</c>: the input gradient <c>dZ·W</c>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        Check(a.Length, m * k, b.Length, k * n, c.Length, m * n);
        c.Slice(0, m * n).Clear();
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                float aip = a[i * k + p];
                if (aip != 0f)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, ci, ci);
            }
        }
    }

    /// <summary><c>C[m,n] = A[k,m]ᵀ · B[k,n]</c>: the weight gradient <c>dZᵀ·X</c>.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        Check(a.Length, k * m, b.Length, k * n, c.Length, m * n);
        c.Slice(0, m * n).Clear();
        for (int p = 0; p < k; p++)
        {
            var bp = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float api = a[p * m + i];
                if (api != 0f)
                {
                    var ci = c.Slice(i * n, n);
                    TensorPrimitives.MultiplyAdd(bp, api, ci, ci);
                }
            }
        }
    }

    private static void Check(int aLength, int aNeeded, int bLength, int bNeeded, int cLength, int cNeeded)
    {
        if (aLength < aNeeded) throw new ArgumentException($"A has {aLength} values, the product needs {aNeeded}.", "a");
        if (bLength < bNeeded) throw new ArgumentException($"B has {bLength} values, the product needs {bNeeded}.", "b");
        if (cLength < cNeeded) throw new ArgumentException($"C has {cLength} values, the product needs {cNeeded}.", "c");
    }
}
