using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

public static partial class Conv2D
{
    [DoesNotReturn]
    private static void ThrowDefaultShape() =>
        throw new ArgumentException("The shape is default(Conv2DShape); make one with Conv2DShape.Create or its constructor.", "shape");

    /// <summary>
    /// The output columns <c>[lo, hi)</c> whose input column <c>ow·s + v − padLeft</c> lies in
    /// <c>[0, width)</c>, for kernel column <paramref name="v"/>.
    /// </summary>
    private static (int Lo, int Hi) ValidColumns(int v, in Conv2DShape s)
    {
        int first = s.PadLeft - v; // ow·s ≥ first
        int lo = first <= 0 ? 0 : (first + s.Stride - 1) / s.Stride;
        int last = s.Width - 1 + s.PadLeft - v; // ow·s ≤ last
        int hi = last < 0 ? 0 : Math.Min(s.OutWidth, last / s.Stride + 1);
        lo = Math.Min(lo, s.OutWidth);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>
    /// One sample's im2col matrix: <c>cols[(c·K + u)·K + v, oh·OW + ow] = x[c, oh·s + u − pt, ow·s + v − pl]</c>,
    /// zero outside the input.
    /// </summary>
    internal static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Conv2DShape s) => Im2Col(x, cols, s, s.Positions, 0);

    /// <summary>
    /// <see cref="Im2Col(ReadOnlySpan{float}, Span{float}, in Conv2DShape)"/> into columns
    /// <c>[column, column + Positions)</c> of a matrix whose rows are <paramref name="rowStride"/> long
    /// (a group of samples side by side).
    /// </summary>
    internal static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Conv2DShape s, int rowStride, int column) =>
        Im2Col(x, cols, s, rowStride, column, 0, s.Patch);

    /// <summary>
    /// Rows <c>[firstRow, firstRow + rows)</c> of <see cref="Im2Col(ReadOnlySpan{float}, Span{float}, in Conv2DShape, int, int)"/>,
    /// row <c>r</c> written at <c>(r − firstRow)·rowStride + column</c>: the share of one thread that computes those
    /// columns of the weight gradient.
    /// </summary>
    internal static unsafe void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Conv2DShape s, int rowStride, int column, int firstRow, int rows)
    {
        int k = s.Kernel, stride = s.Stride, h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, positions = s.Positions;
        KernelCheck.AtLeast(x.Length, s.InputSize, nameof(x), nameof(Im2Col));
        if (rows <= 0) return;
        KernelCheck.AtLeast(cols.Length, (long)(rows - 1) * rowStride + column + positions, nameof(cols), nameof(Im2Col));
        fixed (float* xp = x)
        fixed (float* cp = cols)
        {
            float* xEnd = xp + s.InputSize;
            for (int r = firstRow; r < firstRow + rows; r++)
            {
                int v = r % k, u = r / k % k, c = r / (k * k);
                float* row = cp + (nint)(r - firstRow) * rowStride + column;
                var (lo, hi) = ValidColumns(v, s);
                int length = hi - lo;
                if (stride == 1 && ow == w)
                {
                    ShiftedCopy(xp + c * h * w, row, s, u, v, lo, hi);
                    continue;
                }
                for (int i = 0; i < oh; i++)
                {
                    float* d = row + i * ow;
                    int ih = i * stride + u - s.PadTop;
                    if ((uint)ih >= (uint)h || length == 0)
                    {
                        Zero(d, ow);
                        continue;
                    }
                    for (int j = 0; j < lo; j++) d[j] = 0f;
                    for (int j = hi; j < ow; j++) d[j] = 0f;
                    float* src = xp + (c * h + ih) * w + (lo * stride + v - s.PadLeft);
                    if (stride == 1) Copy(src, d + lo, length);
                    else if (stride == 2) GatherEven(src, d + lo, length, xEnd);
                    else
                        for (int j = 0; j < length; j++) d[lo + j] = src[j * stride];
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col(ReadOnlySpan{float}, Span{float}, in Conv2DShape)"/>: <paramref name="dx"/> is cleared, then every column entry is added back to the input value it was read from.</summary>
    internal static void Col2Im(Span<float> cols, Span<float> dx, in Conv2DShape s) => Col2Im(cols, dx, s, s.Positions, 0);

    /// <summary>
    /// The adjoint of <see cref="Im2Col(ReadOnlySpan{float}, Span{float}, in Conv2DShape, int, int)"/>, reading
    /// columns <c>[column, column + Positions)</c> of rows <paramref name="rowStride"/> long. Entries that
    /// correspond to padding may be set to zero in <paramref name="cols"/> on the way (it is scratch).
    /// </summary>
    internal static unsafe void Col2Im(Span<float> cols, Span<float> dx, in Conv2DShape s, int rowStride, int column)
    {
        int k = s.Kernel, stride = s.Stride, h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, positions = s.Positions;
        KernelCheck.AtLeast(cols.Length, (long)(s.Patch - 1) * rowStride + column + positions, nameof(cols), nameof(Col2Im));
        KernelCheck.AtLeast(dx.Length, s.InputSize, nameof(dx), nameof(Col2Im));
        dx.Slice(0, s.InputSize).Clear();
        fixed (float* cp = cols)
        fixed (float* dp = dx)
        {
            float* dEnd = dp + s.InputSize;
            for (int c = 0; c < s.Channels; c++)
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                    {
                        float* row = cp + (nint)((c * k + u) * k + v) * rowStride + column;
                        var (lo, hi) = ValidColumns(v, s);
                        int length = hi - lo;
                        if (length == 0) continue;
                        if (stride == 1 && ow == w)
                        {
                            ShiftedAdd(dp + c * h * w, row, s, u, v, lo, hi);
                            continue;
                        }
                        for (int i = 0; i < oh; i++)
                        {
                            int ih = i * stride + u - s.PadTop;
                            if ((uint)ih >= (uint)h) continue;
                            float* src = row + i * ow + lo;
                            float* d = dp + (c * h + ih) * w + (lo * stride + v - s.PadLeft);
                            if (stride == 1) AddTo(d, src, length);
                            else if (stride == 2) AddToEven(d, src, length, dEnd);
                            else
                                for (int j = 0; j < length; j++) d[j * stride] += src[j];
                        }
                    }
        }
    }

    /// <summary>
    /// Im2col of one (c, u, v) row when stride is 1 and the output is as wide as the input (same
    /// padding): output row i is input row i + du shifted by dv, so all in-bounds rows are one flat
    /// copy of x[c] at offset du·W + dv; the entries that wrapped into a neighbouring row are padding
    /// and are zeroed after.
    /// </summary>
    private static unsafe void ShiftedCopy(float* plane, float* row, in Conv2DShape s, int u, int v, int lo, int hi)
    {
        int w = s.Width, oh = s.OutHeight, du = u - s.PadTop, dv = v - s.PadLeft;
        int i0 = Math.Max(0, -du), i1 = Math.Min(oh, s.Height - du);
        if (i1 <= i0 || hi <= lo)
        {
            Zero(row, oh * w);
            return;
        }
        Zero(row, i0 * w);
        Zero(row + i1 * w, (oh - i1) * w);
        float* d = row + i0 * w;
        int count = (i1 - i0) * w, a = Math.Max(0, -dv), b = count - Math.Max(0, dv);
        Copy(plane + (i0 + du) * w + dv + a, d + a, b - a);
        if (dv != 0)
            for (int i = 0; i < i1 - i0; i++, d += w)
            {
                for (int j = 0; j < lo; j++) d[j] = 0f;
                for (int j = hi; j < w; j++) d[j] = 0f;
            }
    }

    /// <summary>
    /// The adjoint of <see cref="ShiftedCopy"/>: the wrapped entries of <paramref name="row"/> are zeroed
    /// (they belong to padding), then the in-bounds rows are added to x[c] at offset du·W + dv in one
    /// flat pass, each input value receiving exactly what the row-by-row loop would add.
    /// </summary>
    private static unsafe void ShiftedAdd(float* plane, float* row, in Conv2DShape s, int u, int v, int lo, int hi)
    {
        int w = s.Width, oh = s.OutHeight, du = u - s.PadTop, dv = v - s.PadLeft;
        int i0 = Math.Max(0, -du), i1 = Math.Min(oh, s.Height - du);
        if (i1 <= i0) return;
        float* src = row + i0 * w;
        if (dv != 0)
        {
            float* r = src;
            for (int i = 0; i < i1 - i0; i++, r += w)
            {
                for (int j = 0; j < lo; j++) r[j] = 0f;
                for (int j = hi; j < w; j++) r[j] = 0f;
            }
        }
        int count = (i1 - i0) * w, a = Math.Max(0, -dv), b = count - Math.Max(0, dv);
        AddTo(plane + (i0 + du) * w + dv + a, src + a, b - a);
    }

    private static unsafe void Zero(float* d, int n)
    {
        int j = 0;
        for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            Vector256<float>.Zero.Store(d + j);
        for (; j < n; j++) d[j] = 0f;
    }

    /// <summary>Copies <paramref name="n"/> floats; short rows (a few to a few dozen) are the common case.</summary>
    private static unsafe void Copy(float* src, float* dst, int n)
    {
        if (n >= Vector256<float>.Count)
        {
            int j = 0;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
                Vector256.Load(src + j).Store(dst + j);
            if (j < n) // one last vector, overlapping what is already copied
                Vector256.Load(src + n - Vector256<float>.Count).Store(dst + n - Vector256<float>.Count);
        }
        else if (n >= Vector128<float>.Count)
        {
            Vector128.Load(src).Store(dst);
            Vector128.Load(src + n - Vector128<float>.Count).Store(dst + n - Vector128<float>.Count);
        }
        else
            for (int j = 0; j < n; j++) dst[j] = src[j];
    }

    /// <summary><c>dst[j] += src[j]</c> for <paramref name="n"/> floats.</summary>
    private static unsafe void AddTo(float* dst, float* src, int n)
    {
        int j = 0;
        for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            (Vector256.Load(dst + j) + Vector256.Load(src + j)).Store(dst + j);
        for (; j < n; j++) dst[j] += src[j];
    }

    /// <summary><c>dst[j] = src[2j]</c> for <paramref name="n"/> floats, reading nothing at or past <paramref name="end"/>.</summary>
    private static unsafe void GatherEven(float* src, float* dst, int n, float* end)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            // Two loads of 8, the even elements of each 128-bit lane, then the 64-bit pairs put in order.
            for (; j + 8 <= n && src + 2 * j + 16 <= end; j += 8)
            {
                var evens = Avx.Shuffle(Avx.LoadVector256(src + 2 * j), Avx.LoadVector256(src + 2 * j + 8), 0b10_00_10_00);
                Avx2.Permute4x64(evens.AsDouble(), 0b11_01_10_00).AsSingle().Store(dst + j);
            }
        }
        for (; j < n; j++) dst[j] = src[2 * j];
    }

    /// <summary>
    /// <c>dst[2j] += src[j]</c> for <paramref name="n"/> floats, touching nothing at or past
    /// <paramref name="end"/>. The vector path also adds 0 to the odd elements in between, which
    /// leaves every value unchanged (bar turning −0 into +0).
    /// </summary>
    private static unsafe void AddToEven(float* dst, float* src, int n, float* end)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            for (; j + 8 <= n && dst + 2 * j + 16 <= end; j += 8)
            {
                // [s0 s1 | s4 s5 | s2 s3 | s6 s7] as 64-bit pairs, then interleaved with zeros per lane.
                var sv = Avx2.Permute4x64(Avx.LoadVector256(src + j).AsDouble(), 0b11_01_10_00).AsSingle();
                float* d = dst + 2 * j;
                (Avx.LoadVector256(d) + Avx.UnpackLow(sv, Vector256<float>.Zero)).Store(d);
                (Avx.LoadVector256(d + 8) + Avx.UnpackHigh(sv, Vector256<float>.Zero)).Store(d + 8);
            }
        }
        for (; j < n; j++) dst[2 * j] += src[j];
    }
}
