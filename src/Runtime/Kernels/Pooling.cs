using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// The geometry of 2-D pooling over one <c>[C, H, W]</c> sample: a <c>window×window</c> window moved
/// by <c>Stride</c>, its origin at <c>(oh·s − PadTop, ow·s − PadLeft)</c>. Window cells outside the
/// input are padding: they never win a max and are not counted in a mean.
/// </summary>
public readonly struct Pool2DShape
{
    /// <summary>A shape from explicit sizes; use <see cref="Create"/> for Keras's valid and same rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a pad is negative.</exception>
    /// <exception cref="ArgumentException">Some window holds no input value, or a size does not fit an <see cref="int"/>.</exception>
    public Pool2DShape(int channels, int height, int width, int window, int stride, int padTop, int padLeft, int outHeight, int outWidth)
    {
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(height, nameof(height));
        KernelCheck.Positive(width, nameof(width));
        KernelCheck.Positive(window, nameof(window));
        KernelCheck.Positive(stride, nameof(stride));
        KernelCheck.NotNegative(padTop, nameof(padTop));
        KernelCheck.NotNegative(padLeft, nameof(padLeft));
        KernelCheck.Positive(outHeight, nameof(outHeight));
        KernelCheck.Positive(outWidth, nameof(outWidth));
        // Every window must hold at least one input value: its first row/column must not be
        // below/right of the input, nor its last above/left of it.
        if (padTop >= window || padLeft >= window
            || (long)(outHeight - 1) * stride - padTop >= height || (long)(outWidth - 1) * stride - padLeft >= width)
            throw new ArgumentException(
                $"A {window}×{window} window with stride {stride}, pads {padTop} (top) and {padLeft} (left) and a {outHeight}×{outWidth} output " +
                $"has windows entirely outside the {height}×{width} input.");
        long input = (long)channels * height * width, output = (long)channels * outHeight * outWidth;
        if (Math.Max(input, output) > int.MaxValue)
            throw new ArgumentException($"A {channels}×{height}×{width} input is too large: a sample would exceed {int.MaxValue} values.");
        Channels = channels; Height = height; Width = width; Window = window; Stride = stride;
        PadTop = padTop; PadLeft = padLeft; OutHeight = outHeight; OutWidth = outWidth;
        InputSize = (int)input;
        OutputSize = (int)output;
    }

    /// <summary>Channels <c>C</c>, pooled independently.</summary>
    public int Channels { get; }

    /// <summary>Input height <c>H</c>.</summary>
    public int Height { get; }

    /// <summary>Input width <c>W</c>.</summary>
    public int Width { get; }

    /// <summary>Side of the square window.</summary>
    public int Window { get; }

    /// <summary>Step between windows, both directions.</summary>
    public int Stride { get; }

    /// <summary>Padding rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Padding columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Output height <c>OH</c>.</summary>
    public int OutHeight { get; }

    /// <summary>Output width <c>OW</c>.</summary>
    public int OutWidth { get; }

    /// <summary>Values per input sample, <c>C·H·W</c>.</summary>
    public int InputSize { get; }

    /// <summary>Values per output sample, <c>C·OH·OW</c>.</summary>
    public int OutputSize { get; }

    /// <summary>
    /// The shape Keras gives pooling. Valid: <c>out = ⌊(in − w)/s⌋ + 1</c>, no padding. Same:
    /// <c>out = ⌈in/s⌉</c>, total padding <c>max((out − 1)·s + w − in, 0)</c> with the odd element at
    /// the bottom/right (<c>PadTop = total/2</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">Valid padding and the window is larger than the input, so there is no output.</exception>
    public static Pool2DShape Create(int channels, int height, int width, int window, int stride, bool same)
    {
        KernelCheck.Positive(height, nameof(height));
        KernelCheck.Positive(width, nameof(width));
        KernelCheck.Positive(window, nameof(window));
        KernelCheck.Positive(stride, nameof(stride));
        var (outHeight, padTop) = KernelCheck.Keras(height, window, stride, same, "pooling window", height, width);
        var (outWidth, padLeft) = KernelCheck.Keras(width, window, stride, same, "pooling window", height, width);
        return new Pool2DShape(channels, height, width, window, stride, padTop, padLeft, outHeight, outWidth);
    }

    /// <summary>The in-bounds input rows <c>[start, end)</c> of output row <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal (int Start, int End) Rows(int i)
    {
        int h0 = i * Stride - PadTop;
        return (Math.Max(h0, 0), Math.Min(h0 + Window, Height));
    }

    /// <summary>The in-bounds input columns <c>[start, end)</c> of output column <paramref name="j"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal (int Start, int End) Columns(int j)
    {
        int w0 = j * Stride - PadLeft;
        return (Math.Max(w0, 0), Math.Min(w0 + Window, Width));
    }

    /// <summary>Whether output row <paramref name="i"/>'s windows lie wholly inside the input's rows.</summary>
    internal bool FullRow(int i)
    {
        int h0 = i * Stride - PadTop;
        return h0 >= 0 && h0 + Window <= Height;
    }

    internal void Check(int xLength, int outLength, int batch, string xName, string outName, string kernel)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.AtLeast(xLength, (long)batch * InputSize, xName, kernel);
        KernelCheck.AtLeast(outLength, (long)batch * OutputSize, outName, kernel);
    }
}

/// <summary>
/// 2-D max pooling on NCHW data. Padding never wins; ties go to the first maximum of the window in
/// row-major order, which is also where backward sends the gradient (PyTorch's rule). A NaN in a
/// window wins (the first one), so NaNs propagate as in PyTorch.
/// </summary>
/// <remarks>
/// The common 2×2 window with stride 2 runs eight windows at a time in AVX2 registers (the two input
/// rows deinterleaved into the four window corners); other shapes and the ragged last row and column
/// run one window at a time. Both paths pick the same element of every window.
/// </remarks>
public static class MaxPool2D
{
    private const string Name = "MaxPool2D";

    /// <summary><c>y[n, c, i, j]</c> = the maximum of the window's in-bounds values.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool2DShape shape)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        int planes = batch * shape.Channels, plane = shape.Height * shape.Width, outPlane = shape.OutHeight * shape.OutWidth;
        int width = shape.Width, ow = shape.OutWidth;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(output);
        var (fullRows, fullCols) = Pool2x2.FullWindows(shape);
        var (wideLo, wideHi) = fullRows > 0 ? (0, 0) : PoolWide.Columns(shape);
        for (int p = 0; p < planes; p++)
        {
            ref float xp = ref Unsafe.Add(ref xr, (nint)p * plane);
            ref float yp = ref Unsafe.Add(ref yr, (nint)p * outPlane);
            for (int i = 0; i < shape.OutHeight; i++)
            {
                var (h0, h1) = shape.Rows(i);
                int j = i < fullRows ? Pool2x2.MaxRow(ref Unsafe.Add(ref xp, 2 * i * width), width, ref Unsafe.Add(ref yp, i * ow), fullCols) : 0;
                for (; j < ow; j++)
                {
                    if (j == wideLo && wideHi > j && shape.FullRow(i))
                    {
                        PoolWide.Max(ref xp, shape, i, ref Unsafe.Add(ref yp, i * ow), default, wideLo, wideHi);
                        j = wideHi - 1;
                        continue;
                    }
                    var (w0, w1) = shape.Columns(j);
                    Unsafe.Add(ref yp, i * ow + j) = Unsafe.Add(ref xp, ArgMax(ref xp, width, h0, h1, w0, w1));
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="inputGrad"/> is overwritten: each window's gradient goes to its first maximum;
    /// where windows overlap (stride below the window) the contributions add. The maxima are found
    /// again from <paramref name="x"/>, so no indices need saving.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool2DShape shape)
    {
        shape.Check(x.Length, outputGrad.Length, batch, nameof(x), nameof(outputGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, (long)batch * shape.InputSize, nameof(inputGrad), Name);
        int planes = batch * shape.Channels, plane = shape.Height * shape.Width, outPlane = shape.OutHeight * shape.OutWidth;
        int width = shape.Width, ow = shape.OutWidth;
        inputGrad.Slice(0, planes * plane).Clear();
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(outputGrad);
        ref float dr = ref MemoryMarshal.GetReference(inputGrad);
        var (fullRows, fullCols) = Pool2x2.FullWindows(shape);
        var (wideLo, wideHi) = fullRows > 0 ? (0, 0) : PoolWide.Columns(shape);
        for (int p = 0; p < planes; p++)
        {
            ref float xp = ref Unsafe.Add(ref xr, (nint)p * plane);
            ref float dp = ref Unsafe.Add(ref dr, (nint)p * plane);
            ref float gp = ref Unsafe.Add(ref gr, (nint)p * outPlane);
            for (int i = 0; i < shape.OutHeight; i++)
            {
                var (h0, h1) = shape.Rows(i);
                int j = i < fullRows
                    ? Pool2x2.MaxRowBackward(ref Unsafe.Add(ref xp, 2 * i * width), ref Unsafe.Add(ref dp, 2 * i * width), width, ref Unsafe.Add(ref gp, i * ow), fullCols)
                    : 0;
                for (; j < ow; j++)
                {
                    if (j == wideLo && wideHi > j && shape.FullRow(i))
                    {
                        PoolWide.Max(ref xp, shape, i, ref Unsafe.Add(ref gp, i * ow), inputGrad.Slice(p * plane, plane), wideLo, wideHi);
                        j = wideHi - 1;
                        continue;
                    }
                    var (w0, w1) = shape.Columns(j);
                    Unsafe.Add(ref dp, ArgMax(ref xp, width, h0, h1, w0, w1)) += Unsafe.Add(ref gp, i * ow + j);
                }
            }
        }
    }

    /// <summary>
    /// Offset of the first maximum of rows [h0, h1) × columns [w0, w1) of a plane, or of the first NaN.
    /// Two passes: the maximum without branches, then the first element equal to it (one unpredictable
    /// branch per window instead of one per element).
    /// </summary>
    private static int ArgMax(ref float plane, int width, int h0, int h1, int w0, int w1)
    {
        var max = Vector128.Create(float.NegativeInfinity);
        bool nan = false;
        for (int h = h0; h < h1; h++)
        {
            ref float row = ref Unsafe.Add(ref plane, h * width);
            for (int w = w0; w < w1; w++)
            {
                float v = Unsafe.Add(ref row, w);
                max = Vector128.MaxNative(max, Vector128.CreateScalarUnsafe(v));
                nan |= float.IsNaN(v);
            }
        }
        float m = max.ToScalar();
        for (int h = h0; h < h1; h++)
        {
            int row = h * width;
            for (int w = w0; w < w1; w++)
            {
                float v = Unsafe.Add(ref plane, row + w);
                if (nan ? float.IsNaN(v) : v == m) return row + w;
            }
        }
        return h0 * width + w0; // unreachable: the maximum is one of the values
    }
}

/// <summary>
/// 2-D average pooling on NCHW data: the mean of each window's in-bounds values (padding is not
/// counted, Keras's <c>same</c> semantics; PyTorch's <c>count_include_pad=False</c>).
/// </summary>
/// <remarks>The 2×2, stride-2 case runs eight windows at a time, summing in the same order as the one-window path.</remarks>
public static class AvgPool2D
{
    private const string Name = "AvgPool2D";

    /// <summary><c>y[n, c, i, j]</c> = the mean of the window's in-bounds values.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool2DShape shape)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        int planes = batch * shape.Channels, plane = shape.Height * shape.Width, outPlane = shape.OutHeight * shape.OutWidth;
        int width = shape.Width, ow = shape.OutWidth;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(output);
        var (fullRows, fullCols) = Pool2x2.FullWindows(shape);
        var (wideLo, wideHi) = fullRows > 0 ? (0, 0) : PoolWide.Columns(shape);
        for (int p = 0; p < planes; p++)
        {
            ref float xp = ref Unsafe.Add(ref xr, (nint)p * plane);
            ref float yp = ref Unsafe.Add(ref yr, (nint)p * outPlane);
            for (int i = 0; i < shape.OutHeight; i++)
            {
                var (h0, h1) = shape.Rows(i);
                int j = i < fullRows ? Pool2x2.MeanRow(ref Unsafe.Add(ref xp, 2 * i * width), width, ref Unsafe.Add(ref yp, i * ow), fullCols) : 0;
                for (; j < ow; j++)
                {
                    if (j == wideLo && wideHi > j && shape.FullRow(i))
                    {
                        PoolWide.Mean(ref xp, shape, i, ref Unsafe.Add(ref yp, i * ow), wideLo, wideHi);
                        j = wideHi - 1;
                        continue;
                    }
                    var (w0, w1) = shape.Columns(j);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            sum += Unsafe.Add(ref xp, h * width + w);
                    Unsafe.Add(ref yp, i * ow + j) = sum / ((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    /// <summary><paramref name="inputGrad"/> is overwritten: each window's gradient is shared equally among its in-bounds values; overlapping windows add.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool2DShape shape)
    {
        shape.Check(inputGrad.Length, outputGrad.Length, batch, nameof(inputGrad), nameof(outputGrad), Name);
        int planes = batch * shape.Channels, plane = shape.Height * shape.Width, outPlane = shape.OutHeight * shape.OutWidth;
        int width = shape.Width, ow = shape.OutWidth;
        inputGrad.Slice(0, planes * plane).Clear();
        ref float gr = ref MemoryMarshal.GetReference(outputGrad);
        ref float dr = ref MemoryMarshal.GetReference(inputGrad);
        var (fullRows, fullCols) = Pool2x2.FullWindows(shape);
        for (int p = 0; p < planes; p++)
        {
            ref float dp = ref Unsafe.Add(ref dr, (nint)p * plane);
            ref float gp = ref Unsafe.Add(ref gr, (nint)p * outPlane);
            for (int i = 0; i < shape.OutHeight; i++)
            {
                var (h0, h1) = shape.Rows(i);
                int j = i < fullRows ? Pool2x2.MeanRowBackward(ref Unsafe.Add(ref dp, 2 * i * width), width, ref Unsafe.Add(ref gp, i * ow), fullCols) : 0;
                for (; j < ow; j++)
                {
                    var (w0, w1) = shape.Columns(j);
                    float g = Unsafe.Add(ref gp, i * ow + j) / ((h1 - h0) * (w1 - w0));
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            Unsafe.Add(ref dp, h * width + w) += g;
                }
            }
        }
    }
}

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

/// <summary>Global average pooling: the mean of each channel's <c>S = H·W</c> values, <c>[C, S]</c> → <c>[C]</c> per sample.</summary>
public static class GlobalAveragePool
{
    private const string Name = "GlobalAveragePool";

    /// <summary><c>y[n, c] = (1/S)·Σ_s x[n, c, s]</c>.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, int channels, int spatial)
    {
        Check(x.Length, output.Length, batch, channels, spatial, nameof(x), nameof(output));
        int planes = batch * channels;
        float inv = 1f / spatial;
        for (int p = 0; p < planes; p++)
            output[p] = TensorPrimitives.Sum(x.Slice(p * spatial, spatial)) * inv;
    }

    /// <summary><paramref name="inputGrad"/> is overwritten with <c>∂L/∂y[n, c] / S</c> at every position of the channel.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, int channels, int spatial)
    {
        Check(inputGrad.Length, outputGrad.Length, batch, channels, spatial, nameof(inputGrad), nameof(outputGrad));
        int planes = batch * channels;
        float inv = 1f / spatial;
        for (int p = 0; p < planes; p++)
            inputGrad.Slice(p * spatial, spatial).Fill(outputGrad[p] * inv);
    }

    private static void Check(int xLength, int outLength, int batch, int channels, int spatial, string xName, string outName)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(spatial, nameof(spatial));
        KernelCheck.AtLeast(xLength, (long)batch * channels * spatial, xName, Name);
        KernelCheck.AtLeast(outLength, (long)batch * channels, outName, Name);
    }
}
