using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// Max and average pooling of eight neighbouring windows at a time for any window size with stride
/// 1 or 2 (AVX2), over the output columns whose windows, and the vector loads that read them, lie
/// inside the input. Averages sum the cells in row-major order, as the one-window path.
/// The window's cells are visited in row-major order keeping the strictly greater value, or the
/// first NaN, so the chosen cell is the one-window path's.
/// </summary>
internal static class PoolWide
{
    /// <summary>The output columns [lo, hi), at least eight, that <see cref="Max"/> and <see cref="Mean"/> handle for full rows; (0, 0) if none.</summary>
    public static (int Lo, int Hi) Columns(in Pool2DShape s)
    {
        int st = s.Stride;
        if (!Avx2.IsSupported || st > 2) return (0, 0);
        int lo = (s.PadLeft + st - 1) / st;
        // The loads for eight windows starting at column j read up to j·st − pl + (k − 1) + 8·st.
        int last = s.Width - s.Window + 1 - 8 * st + s.PadLeft;
        if (last < 0) return (0, 0);
        int maxStart = Math.Min(last / st, s.OutWidth - 8);
        return maxStart < lo ? (0, 0) : (lo, maxStart + 8);
    }

    /// <summary>Starts of the groups of eight covering [lo, hi): every eighth, then one ending at hi that may overlap the one before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(int j, int hi) => j + 8 >= hi ? hi : Math.Min(j + 8, hi - 8);

    /// <summary>
    /// Windows [lo, hi) of output row <paramref name="i"/>: without <paramref name="inputGrad"/>, writes their
    /// maxima to <paramref name="row"/>; with it, adds <paramref name="row"/>'s gradients to their first maxima
    /// (window by window in order, as the one-window path; an overlapping last group skips the windows done).
    /// </summary>
    public static void Max(ref float plane, in Pool2DShape s, int i, ref float row, Span<float> inputGrad, int lo, int hi)
    {
        int st = s.Stride, k = s.Window, w = s.Width;
        int h0 = i * st - s.PadTop;
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * st;
        Span<int> index = stackalloc int[8];
        int done = lo;
        for (int j = lo; j < hi; j = Next(j, hi))
        {
            int c0 = j * st - s.PadLeft;
            int origin = h0 * w + c0;
            var best = Load(ref Unsafe.Add(ref plane, origin), st);
            var at = lanes + Vector256.Create(origin);
            for (int u = 0; u < k; u++)
                for (int v = u == 0 ? 1 : 0; v < k; v++)
                {
                    int offset = origin + u * w + v;
                    var value = Load(ref Unsafe.Add(ref plane, offset), st);
                    // Strictly greater, or the first NaN (a NaN best is never replaced).
                    var take = Avx.CompareGreaterThan(value, best) | (Avx.CompareUnordered(value, value) & Avx.CompareOrdered(best, best));
                    best = Vector256.ConditionalSelect(take, value, best);
                    at = Vector256.ConditionalSelect(take.AsInt32(), lanes + Vector256.Create(offset), at);
                }
            if (inputGrad.IsEmpty)
                best.StoreUnsafe(ref row, (nuint)j);
            else
            {
                at.CopyTo(index);
                for (int l = done - j; l < 8; l++)
                    inputGrad[index[l]] += Unsafe.Add(ref row, j + l);
            }
            done = j + 8;
        }
    }

    /// <summary>Means of windows [lo, hi) of output row <paramref name="i"/> (all full), summed in row-major order as the one-window path.</summary>
    public static void Mean(ref float plane, in Pool2DShape s, int i, ref float row, int lo, int hi)
    {
        int st = s.Stride, k = s.Window, w = s.Width;
        int origin0 = (i * st - s.PadTop) * w - s.PadLeft;
        var count = Vector256.Create((float)(k * k));
        for (int j = lo; j < hi; j = Next(j, hi))
        {
            int origin = origin0 + j * st;
            var sum = Vector256<float>.Zero;
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++)
                    sum += Load(ref Unsafe.Add(ref plane, origin + u * w + v), st);
            (sum / count).StoreUnsafe(ref row, (nuint)j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float src, int stride)
    {
        if (stride == 1) return Vector256.LoadUnsafe(ref src);
        var v0 = Vector256.LoadUnsafe(ref src);
        var v1 = Vector256.LoadUnsafe(ref src, 8);
        return Avx2.Permute4x64(Avx.Shuffle(v0, v1, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
    }
}
