using System;

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
        // The weight and bias gradients are summed over the batch in a fixed number of blocks of samples, so
        // each thread sums the samples it computed (see Conv2D's remarks); the blocks' partial sums need room
        // of their own. A large weight gradient with enough columns for a register tile per thread is split
        // by columns instead, where that room would cost more than the traffic it saves.
        long weights = (long)filters * patch;
        WideWeightGradient = weights > Conv2D.MaxBlockedWeights && patch >= Conv2D.WideWeightGradientColumns && filters >= Gemm.SmallRows;
        long perThread = columns + stage + weights;
        long scratch = perThread + (WeightGradientBlocks - 1) * weights + WeightGradientBlocks * 2L * filters;
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
        ThreadScratchLength = (int)perThread;
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
    /// group's product before it is scattered to NCHW (<c>F·G·Positions</c>, when <c>G &gt; 1</c>), a
    /// weight-gradient temporary (<c>F·Patch</c>), and the partial sums of the weight and bias gradients over
    /// blocks of samples (seven more <c>F·Patch</c> and eight <c>F</c> doubles, unless the weight gradient has more
    /// than 2¹⁸ values; see <see cref="Conv2D"/>'s remarks).
    /// Worker threads of a <see cref="WorkerPool"/> keep their own im2col, group and temporary buffers.
    /// </summary>
    public int ScratchLength { get; }

    /// <summary>The part of <see cref="ScratchLength"/> each thread needs for itself: im2col matrix, grouped product, weight-gradient temporary.</summary>
    internal int ThreadScratchLength { get; }

    /// <summary>
    /// The weight gradient has more than <see cref="Conv2D.MaxBlockedWeights"/> values, <c>Patch ≥ 64</c> and <c>F ≥ 4</c>:
    /// it is split between threads by columns and summed over the groups in order, in one block.
    /// </summary>
    internal bool WideWeightGradient { get; }

    /// <summary>Fixed blocks of groups the weight and bias gradients are summed in: 1 for a wide weight gradient, else <see cref="Conv2D.MaxWeightGradientBlocks"/>.</summary>
    internal int WeightGradientBlocks => WideWeightGradient ? 1 : Conv2D.MaxWeightGradientBlocks;

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
