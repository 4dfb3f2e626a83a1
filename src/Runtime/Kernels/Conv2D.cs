using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// The geometry of a 2-D convolution over one <c>[C, H, W]</c> sample: a <c>K×K</c> kernel moved
/// by <c>Stride</c> over the input padded with <c>PadTop</c> rows above and <c>PadLeft</c> columns on
/// the left; reads past the bottom or right edge are zero as well, so the bottom and right pads are
/// implied by the output size.
/// </summary>
public readonly struct Conv2DShape
{
    /// <summary>A shape from explicit sizes; use <see cref="Create"/> for Keras's valid and same rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a pad is negative.</exception>
    /// <exception cref="ArgumentException">A derived size does not fit an <see cref="int"/>.</exception>
    public Conv2DShape(int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
    {
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(height, nameof(height));
        KernelCheck.Positive(width, nameof(width));
        KernelCheck.Positive(filters, nameof(filters));
        KernelCheck.Positive(kernel, nameof(kernel));
        KernelCheck.Positive(stride, nameof(stride));
        KernelCheck.NotNegative(padTop, nameof(padTop));
        KernelCheck.NotNegative(padLeft, nameof(padLeft));
        KernelCheck.Positive(outHeight, nameof(outHeight));
        KernelCheck.Positive(outWidth, nameof(outWidth));
        Channels = channels; Height = height; Width = width; Filters = filters; Kernel = kernel; Stride = stride;
        PadTop = padTop; PadLeft = padLeft; OutHeight = outHeight; OutWidth = outWidth;

        long input = (long)channels * height * width;
        long positions = (long)outHeight * outWidth;
        long patch = (long)channels * kernel * kernel;
        long output = filters * positions;
        // Small outputs make thin products (an n of 49 or 16 columns wastes most of a register tile):
        // samples are then convolved in groups whose im2col matrices sit side by side, so each product
        // has about TargetColumns columns.
        Group = (int)Math.Clamp((TargetColumns + positions - 1) / positions, 1, MaxGroup);
        // A 1×1 kernel with stride 1 and no padding reads a lone sample as its own im2col matrix.
        Pointwise = kernel == 1 && stride == 1 && padTop == 0 && padLeft == 0 && outHeight == height && outWidth == width;
        long columns = Pointwise && Group == 1 ? 0 : patch * Group * positions;
        long stage = Group > 1 ? filters * Group * positions : 0;
        long scratch = columns + stage + filters * patch;
        if (Math.Max(Math.Max(input, output), scratch) > int.MaxValue)
            throw new ArgumentException(
                $"A {channels}×{height}×{width} input convolved to {filters}×{outHeight}×{outWidth} with a {kernel}×{kernel} kernel is too large: some buffer would exceed {int.MaxValue} values.");
        ColumnsLength = (int)columns;
        StageLength = (int)stage;
        InputSize = (int)input;
        OutputSize = (int)output;
        Patch = (int)patch;
        Positions = (int)positions;
        ScratchLength = (int)scratch;
    }

    /// <summary>Input channels <c>C</c>.</summary>
    public int Channels { get; }

    /// <summary>Input height <c>H</c>.</summary>
    public int Height { get; }

    /// <summary>Input width <c>W</c>.</summary>
    public int Width { get; }

    /// <summary>Output channels <c>F</c>.</summary>
    public int Filters { get; }

    /// <summary>Side <c>K</c> of the square kernel.</summary>
    public int Kernel { get; }

    /// <summary>Step between windows, both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Output height <c>OH</c>.</summary>
    public int OutHeight { get; }

    /// <summary>Output width <c>OW</c>.</summary>
    public int OutWidth { get; }

    /// <summary>Values per input sample, <c>C·H·W</c>.</summary>
    public int InputSize { get; }

    /// <summary>Values per output sample, <c>F·OH·OW</c>.</summary>
    public int OutputSize { get; }

    /// <summary>Values under one window, <c>C·K·K</c>: the inner dimension of the product.</summary>
    public int Patch { get; }

    /// <summary>Window positions per sample, <c>OH·OW</c>.</summary>
    public int Positions { get; }

    /// <summary>
    /// Floats of scratch <see cref="Conv2D.Forward{TAct}"/> and <see cref="Conv2D.Backward{TAct}"/>
    /// need: the im2col matrix of a group of samples (<c>Patch·G·Positions</c>, where <c>G</c> samples
    /// make a product of about 256 columns; none for a pointwise convolution with <c>G = 1</c>), the
    /// group's product before it is scattered to NCHW (<c>F·G·Positions</c>, when <c>G &gt; 1</c>) and a
    /// weight-gradient temporary (<c>F·Patch</c>).
    /// </summary>
    public int ScratchLength { get; }

    /// <summary>1×1 kernel, stride 1, no padding: a lone sample is its own im2col matrix.</summary>
    internal bool Pointwise { get; }

    /// <summary>Samples convolved by one product: enough that it has about <see cref="TargetColumns"/> columns.</summary>
    internal int Group { get; }

    /// <summary>Floats of the grouped im2col matrix <c>[Patch, Group·Positions]</c> (none when a lone sample is read in place).</summary>
    internal int ColumnsLength { get; }

    /// <summary>Floats of the grouped product <c>[F, Group·Positions]</c> before it is scattered to NCHW (none for groups of one).</summary>
    internal int StageLength { get; }

    internal const int TargetColumns = 256;
    internal const int MaxGroup = 64;

    /// <summary>
    /// The shape Keras gives a convolution. Valid: <c>out = ⌊(in − k)/s⌋ + 1</c>, no padding. Same:
    /// <c>out = ⌈in/s⌉</c>, total padding <c>max((out − 1)·s + k − in, 0)</c> with the odd element at
    /// the bottom/right (<c>PadTop = total/2</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">Valid padding and the kernel is larger than the input, so there is no output.</exception>
    public static Conv2DShape Create(int channels, int height, int width, int filters, int kernel, int stride, bool same)
    {
        KernelCheck.Positive(height, nameof(height));
        KernelCheck.Positive(width, nameof(width));
        KernelCheck.Positive(kernel, nameof(kernel));
        KernelCheck.Positive(stride, nameof(stride));
        var (outHeight, padTop) = KernelCheck.Keras(height, kernel, stride, same, "kernel", height, width);
        var (outWidth, padLeft) = KernelCheck.Keras(width, kernel, stride, same, "kernel", height, width);
        return new Conv2DShape(channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
    }
}

/// <summary>
/// Forward and backward of a 2-D convolution on NCHW row-major data, as im2col and the packed
/// <see cref="Gemm"/>: <c>Z[F, OH·OW] = W[F, C·K·K] · cols[C·K·K, OH·OW]</c>, which for one sample is
/// already its <c>[F, OH, OW]</c> output. The weight is stored <c>[F, C, K, K]</c> (PyTorch's
/// <c>nn.Conv2d</c>).
/// </summary>
/// <remarks>
/// <para>
/// When a sample has few output positions (below 256, as in the later layers of a network) the
/// product would be thin and slow, so <c>G</c> samples' im2col matrices are laid side by side and
/// multiplied at once; the <c>[F, G·OH·OW]</c> result is then scattered to NCHW with the bias. In
/// backward the group's <c>dZ</c> is gathered the same way, so the weight gradient is one product
/// over the group's positions and the column gradient one product too. Each element of <c>z</c>
/// and of the input gradient is the same chain of multiply-adds whatever the grouping.
/// </para>
/// <para>
/// The <see cref="WorkerPool"/> argument is accepted but not used yet: the convolution runs on the
/// caller's thread. Splitting each product across threads (<see cref="ParallelGemm"/>) made a small CNN's
/// training step 0.7x as fast on two threads as on one, because the im2col matrix the caller has just
/// written then crosses to the other core, and the product's output crosses back for the NCHW scatter,
/// for every group of samples; the GEMMs alone ran 1.6-2.0x faster. The way to use two cores here is to
/// give each thread whole groups (its own im2col, product and scatter), which needs per-thread scratch.
/// Nothing is allocated: the im2col matrix, the grouped product and the weight-gradient temporary live
/// in the caller's scratch (<see cref="Conv2DShape.ScratchLength"/>).
/// </para>
/// </remarks>
public static class Conv2D
{
    private const string Name = "Conv2D";

    /// <summary>
    /// <c>z = conv(x, W) + b</c>, <c>y = f(z)</c> for <paramref name="batch"/> samples; an empty
    /// <paramref name="bias"/> adds nothing. When the activation does not need its pre-activation,
    /// <paramref name="preActivation"/> may be the same span as <paramref name="output"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> preActivation, Span<float> output, int batch, in Conv2DShape shape,
        TAct activation, Span<float> scratch, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        pool = null; // see the remarks: split products were slower than one thread
        KernelCheck.NotNegative(batch, nameof(batch));
        if (shape.Group == 0) ThrowDefaultShape();
        int inSize = shape.InputSize, outSize = shape.OutputSize, patch = shape.Patch, positions = shape.Positions, filters = shape.Filters;
        KernelCheck.AtLeast(x.Length, (long)batch * inSize, nameof(x), Name);
        KernelCheck.AtLeast(weight.Length, (long)filters * patch, nameof(weight), Name);
        if (!bias.IsEmpty) KernelCheck.AtLeast(bias.Length, filters, nameof(bias), Name);
        KernelCheck.AtLeast(preActivation.Length, (long)batch * outSize, nameof(preActivation), Name);
        KernelCheck.AtLeast(output.Length, (long)batch * outSize, nameof(output), Name);
        KernelCheck.AtLeast(scratch.Length, shape.ScratchLength, nameof(scratch), Name);

        int group = shape.Group;
        var columns = scratch.Slice(0, shape.ColumnsLength);
        var stage = scratch.Slice(shape.ColumnsLength, shape.StageLength);
        for (int n0 = 0; n0 < batch; n0 += group)
        {
            int count = Math.Min(group, batch - n0), width = count * positions;
            ReadOnlySpan<float> cols = columns;
            if (count == 1 && shape.Pointwise)
                cols = x.Slice(n0 * inSize, inSize);
            else
                for (int t = 0; t < count; t++)
                    Im2Col(x.Slice((n0 + t) * inSize, inSize), columns, shape, width, t * positions);

            if (count == 1)
            {
                // One sample: the product is already its [F, OH·OW] output; the bias goes on in place.
                var z = preActivation.Slice(n0 * outSize, outSize);
                ParallelGemm.Multiply(weight, cols, z, filters, positions, patch, pool);
                if (!bias.IsEmpty)
                    for (int f = 0; f < filters; f++)
                    {
                        var row = z.Slice(f * positions, positions);
                        TensorPrimitives.Add(row, bias[f], row);
                    }
            }
            else
            {
                // [F, count·P] → count samples of [F, P], adding the bias on the way.
                ParallelGemm.Multiply(weight, cols, stage, filters, width, patch, pool);
                for (int t = 0; t < count; t++)
                    for (int f = 0; f < filters; f++)
                    {
                        var src = stage.Slice(f * width + t * positions, positions);
                        var dst = preActivation.Slice((n0 + t) * outSize + f * positions, positions);
                        if (bias.IsEmpty) src.CopyTo(dst);
                        else TensorPrimitives.Add(src, bias[f], dst);
                    }
            }
            for (int t = n0; t < n0 + count; t++)
                activation.Forward(preActivation.Slice(t * outSize, outSize), output.Slice(t * outSize, outSize));
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward{TAct}"/>. On entry <paramref name="outputGrad"/> holds ∂L/∂y; it
    /// is turned into ∂L/∂z in place. Then, as asked, <paramref name="weightGrad"/> (<c>[F, C, K, K]</c>),
    /// <paramref name="biasGrad"/> (<c>[F]</c>; empty for none) and <paramref name="inputGrad"/> are
    /// overwritten, not accumulated. <paramref name="preActivation"/> is read only when the activation
    /// needs it.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> preActivation,
        ReadOnlySpan<float> output, Span<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad,
        Span<float> inputGrad, int batch, in Conv2DShape shape, TAct activation,
        bool computeParameterGradients, bool computeInputGradient, Span<float> scratch, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        pool = null; // see the remarks: split products were slower than one thread
        KernelCheck.NotNegative(batch, nameof(batch));
        if (shape.Group == 0) ThrowDefaultShape();
        int inSize = shape.InputSize, outSize = shape.OutputSize, patch = shape.Patch, positions = shape.Positions, filters = shape.Filters;
        bool needsZ = activation.NeedsPreActivation;
        KernelCheck.AtLeast(weight.Length, (long)filters * patch, nameof(weight), Name);
        if (needsZ) KernelCheck.AtLeast(preActivation.Length, (long)batch * outSize, nameof(preActivation), Name);
        KernelCheck.AtLeast(output.Length, (long)batch * outSize, nameof(output), Name);
        KernelCheck.AtLeast(outputGrad.Length, (long)batch * outSize, nameof(outputGrad), Name);
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(x.Length, (long)batch * inSize, nameof(x), Name);
            KernelCheck.AtLeast(weightGrad.Length, (long)filters * patch, nameof(weightGrad), Name);
            if (!biasGrad.IsEmpty) KernelCheck.AtLeast(biasGrad.Length, filters, nameof(biasGrad), Name);
        }
        if (computeInputGradient)
            KernelCheck.AtLeast(inputGrad.Length, (long)batch * inSize, nameof(inputGrad), Name);
        KernelCheck.AtLeast(scratch.Length, shape.ScratchLength, nameof(scratch), Name);

        for (int n = 0; n < batch; n++)
        {
            int o = n * outSize;
            activation.Backward(needsZ ? preActivation.Slice(o, outSize) : default, output.Slice(o, outSize), outputGrad.Slice(o, outSize));
        }

        int group = shape.Group;
        var columns = scratch.Slice(0, shape.ColumnsLength);
        var stage = scratch.Slice(shape.ColumnsLength, shape.StageLength);
        // The weight-gradient temporary; while the input gradient is computed it is free, and
        // ParallelGemm packs Wᵀ's row blocks into it (it needs exactly F·Patch floats).
        var temp = scratch.Slice(shape.ColumnsLength + shape.StageLength, filters * patch);
        var dW = computeParameterGradients ? weightGrad.Slice(0, filters * patch) : default;

        if (computeParameterGradients)
        {
            if (batch == 0) dW.Clear();
            if (!biasGrad.IsEmpty)
                for (int f = 0; f < filters; f++)
                {
                    double sum = 0;
                    for (int n = 0; n < batch; n++)
                        sum += TensorPrimitives.Sum(outputGrad.Slice(n * outSize + f * positions, positions));
                    biasGrad[f] = (float)sum;
                }
        }
        if (!computeParameterGradients && !computeInputGradient)
            return;

        for (int n0 = 0; n0 < batch; n0 += group)
        {
            int count = Math.Min(group, batch - n0), width = count * positions;
            bool direct = count == 1 && shape.Pointwise;
            // dZ of the group as [F, count·P]: a lone sample's is its own gradient, in place.
            ReadOnlySpan<float> dz = outputGrad.Slice(n0 * outSize, outSize);
            if (count > 1)
            {
                for (int t = 0; t < count; t++)
                    for (int f = 0; f < filters; f++)
                        outputGrad.Slice((n0 + t) * outSize + f * positions, positions).CopyTo(stage.Slice(f * width + t * positions, positions));
                dz = stage.Slice(0, filters * width);
            }

            if (computeParameterGradients)
            {
                // dW (+)= dZ[F, count·P] · cols[Patch, count·P]ᵀ: the first group writes dW, later ones add a temporary.
                ReadOnlySpan<float> cols = columns;
                if (direct)
                    cols = x.Slice(n0 * inSize, inSize);
                else
                    for (int t = 0; t < count; t++)
                        Im2Col(x.Slice((n0 + t) * inSize, inSize), columns, shape, width, t * positions);
                var target = n0 == 0 ? dW : temp;
                ParallelGemm.MultiplyTransposedBBias(dz, cols, default, target, filters, patch, width, pool);
                if (n0 != 0)
                    TensorPrimitives.Add(dW, temp, dW);
            }
            if (computeInputGradient)
            {
                // dcols[Patch, count·P] = Wᵀ · dZ, then scattered back onto each input (col2im).
                if (direct)
                    ParallelGemm.MultiplyTransposedA(weight, dz, inputGrad.Slice(n0 * inSize, inSize), patch, positions, filters, pool, temp);
                else
                {
                    ParallelGemm.MultiplyTransposedA(weight, dz, columns, patch, width, filters, pool, temp);
                    for (int t = 0; t < count; t++)
                        Col2Im(columns, inputGrad.Slice((n0 + t) * inSize, inSize), shape, width, t * positions);
                }
            }
        }
    }

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
    internal static unsafe void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Conv2DShape s, int rowStride, int column)
    {
        int k = s.Kernel, stride = s.Stride, h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, positions = s.Positions;
        KernelCheck.AtLeast(x.Length, s.InputSize, nameof(x), nameof(Im2Col));
        KernelCheck.AtLeast(cols.Length, (long)(s.Patch - 1) * rowStride + column + positions, nameof(cols), nameof(Im2Col));
        fixed (float* xp = x)
        fixed (float* cp = cols)
        {
            float* xEnd = xp + s.InputSize;
            for (int c = 0; c < s.Channels; c++)
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                    {
                        float* row = cp + (nint)((c * k + u) * k + v) * rowStride + column;
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
