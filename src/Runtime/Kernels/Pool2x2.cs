using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// Eight (or four) 2×2, stride-2 windows at a time with AVX2: two input rows of 16 (8) values are
/// deinterleaved into the windows' four corners a, b (top row) and c, d (bottom row). Each method
/// handles the windows of an output row that lie wholly inside the input and returns how many it
/// did (all of them, or 0 when there are fewer than four); the caller finishes the row.
/// </summary>
internal static class Pool2x2
{
    /// <summary>Output rows and columns whose 2×2 windows lie wholly inside the input; (0, 0) unless the shape is 2×2 with stride 2.</summary>
    public static (int Rows, int Cols) FullWindows(in Pool2DShape s)
    {
        // A 2×2, stride-2 window never has leading padding under Keras's rules; only the last row
        // and column can be partial (odd sizes with same padding).
        if (!Avx2.IsSupported || s.Window != 2 || s.Stride != 2 || s.PadTop != 0 || s.PadLeft != 0)
            return (0, 0);
        return (Math.Min(s.OutHeight, s.Height / 2), Math.Min(s.OutWidth, s.Width / 2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(ref float src)
    {
        var v0 = Vector256.LoadUnsafe(ref src);
        var v1 = Vector256.LoadUnsafe(ref src, 8);
        var even = Avx.Shuffle(v0, v1, 0b10_00_10_00);
        var odd = Avx.Shuffle(v0, v1, 0b11_01_11_01);
        return (Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector256<float> even, Vector256<float> odd, ref float dst)
    {
        var lo = Avx.UnpackLow(even, odd);
        var hi = Avx.UnpackHigh(even, odd);
        Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref dst, 8);
    }

    /// <summary>Which corner holds each window's first maximum (or first NaN): masks for a, b, c; d is none of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> A, Vector256<float> B, Vector256<float> C) FirstMax(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        // Without NaNs the native max is exact; with one, the first NaN wins instead.
        var m = Avx.Max(Avx.Max(a, b), Avx.Max(c, d));
        var nanA = Avx.CompareUnordered(a, a);
        var nanB = Avx.CompareUnordered(b, b);
        var nanC = Avx.CompareUnordered(c, c);
        var anyNan = nanA | nanB | nanC | Avx.CompareUnordered(d, d);
        var eqA = Vector256.ConditionalSelect(anyNan, nanA, Avx.CompareEqual(a, m));
        var eqB = Vector256.ConditionalSelect(anyNan, nanB, Avx.CompareEqual(b, m)) & ~eqA;
        var eqC = Vector256.ConditionalSelect(anyNan, nanC, Avx.CompareEqual(c, m)) & ~(eqA | eqB);
        return (eqA, eqB, eqC);
    }

    // Each row method covers all `count` windows when count ≥ 4: eight at a time, then one last group
    // of eight (or four) ending at the last window and overlapping windows already done. Overlapped
    // windows are computed again to the same values and their cells written again (2×2/2 windows do
    // not overlap one another, so backward writes rather than adds).

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Start(int j, int count, int step) => j + step <= count ? j : count - step;

    public static int MaxRow(ref float top, int width, ref float y, int count)
    {
        if (count < 4) return 0;
        if (count < 8)
        {
            for (int j = 0; j < count; j = j + 4 < count ? Start(j + 4, count, 4) : count)
                MaxQuad(ref top, width, ref y, j);
            return count;
        }
        for (int j = 0; j < count; j = j + 8 < count ? Start(j + 8, count, 8) : count)
        {
            var (a, b) = Deinterleave(ref Unsafe.Add(ref top, 2 * j));
            var (c, d) = Deinterleave(ref Unsafe.Add(ref top, width + 2 * j));
            var (eqA, eqB, eqC) = FirstMax(a, b, c, d);
            Vector256.ConditionalSelect(eqA, a, Vector256.ConditionalSelect(eqB, b, Vector256.ConditionalSelect(eqC, c, d))).StoreUnsafe(ref y, (nuint)j);
        }
        return count;
    }

    public static int MaxRowBackward(ref float top, ref float dTop, int width, ref float g, int count)
    {
        if (count < 4) return 0;
        if (count < 8)
        {
            for (int j = 0; j < count; j = j + 4 < count ? Start(j + 4, count, 4) : count)
                MaxQuadBackward(ref top, ref dTop, width, ref g, j);
            return count;
        }
        for (int j = 0; j < count; j = j + 8 < count ? Start(j + 8, count, 8) : count)
        {
            var (a, b) = Deinterleave(ref Unsafe.Add(ref top, 2 * j));
            var (c, d) = Deinterleave(ref Unsafe.Add(ref top, width + 2 * j));
            var (eqA, eqB, eqC) = FirstMax(a, b, c, d);
            var gv = Vector256.LoadUnsafe(ref g, (nuint)j);
            Interleave(gv & eqA, gv & eqB, ref Unsafe.Add(ref dTop, 2 * j));
            Interleave(gv & eqC, Vector256.AndNot(gv, eqA | eqB | eqC), ref Unsafe.Add(ref dTop, width + 2 * j));
        }
        return count;
    }

    public static int MeanRow(ref float top, int width, ref float y, int count)
    {
        if (count < 4) return 0;
        if (count < 8)
        {
            var q4 = Vector128.Create(0.25f);
            for (int j = 0; j < count; j = j + 4 < count ? Start(j + 4, count, 4) : count)
            {
                var (a, b) = Deinterleave128(ref Unsafe.Add(ref top, 2 * j));
                var (c, d) = Deinterleave128(ref Unsafe.Add(ref top, width + 2 * j));
                (((a + b) + c + d) * q4).StoreUnsafe(ref y, (nuint)j);
            }
            return count;
        }
        var quarter = Vector256.Create(0.25f);
        for (int j = 0; j < count; j = j + 8 < count ? Start(j + 8, count, 8) : count)
        {
            var (a, b) = Deinterleave(ref Unsafe.Add(ref top, 2 * j));
            var (c, d) = Deinterleave(ref Unsafe.Add(ref top, width + 2 * j));
            // (((a + b) + c) + d) / 4: the one-window path's order; dividing by 4 is exact as × 0.25.
            (((a + b) + c + d) * quarter).StoreUnsafe(ref y, (nuint)j);
        }
        return count;
    }

    public static int MeanRowBackward(ref float dTop, int width, ref float g, int count)
    {
        if (count < 4) return 0;
        if (count < 8)
        {
            var q4 = Vector128.Create(0.25f);
            for (int j = 0; j < count; j = j + 4 < count ? Start(j + 4, count, 4) : count)
            {
                var gv = Vector128.LoadUnsafe(ref g, (nuint)j) * q4;
                Interleave128(gv, gv, ref Unsafe.Add(ref dTop, 2 * j));
                Interleave128(gv, gv, ref Unsafe.Add(ref dTop, width + 2 * j));
            }
            return count;
        }
        var quarter = Vector256.Create(0.25f);
        for (int j = 0; j < count; j = j + 8 < count ? Start(j + 8, count, 8) : count)
        {
            var gv = Vector256.LoadUnsafe(ref g, (nuint)j) * quarter;
            Interleave(gv, gv, ref Unsafe.Add(ref dTop, 2 * j));
            Interleave(gv, gv, ref Unsafe.Add(ref dTop, width + 2 * j));
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave128(ref float src)
    {
        var v0 = Vector128.LoadUnsafe(ref src);
        var v1 = Vector128.LoadUnsafe(ref src, 4);
        return (Sse.Shuffle(v0, v1, 0b10_00_10_00), Sse.Shuffle(v0, v1, 0b11_01_11_01));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave128(Vector128<float> even, Vector128<float> odd, ref float dst)
    {
        Sse.UnpackLow(even, odd).StoreUnsafe(ref dst);
        Sse.UnpackHigh(even, odd).StoreUnsafe(ref dst, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> A, Vector128<float> B, Vector128<float> C) FirstMax128(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        var m = Sse.Max(Sse.Max(a, b), Sse.Max(c, d));
        var nanA = Sse.CompareUnordered(a, a);
        var nanB = Sse.CompareUnordered(b, b);
        var nanC = Sse.CompareUnordered(c, c);
        var anyNan = nanA | nanB | nanC | Sse.CompareUnordered(d, d);
        var eqA = Vector128.ConditionalSelect(anyNan, nanA, Sse.CompareEqual(a, m));
        var eqB = Vector128.ConditionalSelect(anyNan, nanB, Sse.CompareEqual(b, m)) & ~eqA;
        var eqC = Vector128.ConditionalSelect(anyNan, nanC, Sse.CompareEqual(c, m)) & ~(eqA | eqB);
        return (eqA, eqB, eqC);
    }

    private static void MaxQuad(ref float top, int width, ref float y, int j)
    {
        var (a, b) = Deinterleave128(ref Unsafe.Add(ref top, 2 * j));
        var (c, d) = Deinterleave128(ref Unsafe.Add(ref top, width + 2 * j));
        var (eqA, eqB, eqC) = FirstMax128(a, b, c, d);
        Vector128.ConditionalSelect(eqA, a, Vector128.ConditionalSelect(eqB, b, Vector128.ConditionalSelect(eqC, c, d))).StoreUnsafe(ref y, (nuint)j);
    }

    private static void MaxQuadBackward(ref float top, ref float dTop, int width, ref float g, int j)
    {
        var (a, b) = Deinterleave128(ref Unsafe.Add(ref top, 2 * j));
        var (c, d) = Deinterleave128(ref Unsafe.Add(ref top, width + 2 * j));
        var (eqA, eqB, eqC) = FirstMax128(a, b, c, d);
        var gv = Vector128.LoadUnsafe(ref g, (nuint)j);
        Interleave128(gv & eqA, gv & eqB, ref Unsafe.Add(ref dTop, 2 * j));
        Interleave128(gv & eqC, Vector128.AndNot(gv, eqA | eqB | eqC), ref Unsafe.Add(ref dTop, width + 2 * j));
    }
}
