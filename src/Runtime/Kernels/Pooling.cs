using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
public static unsafe class MaxPool2D
{
    private const string Name = "MaxPool2D";

    /// <summary><c>y[n, c, i, j]</c> = the maximum of the window's in-bounds values.</summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> planes are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool2DShape shape, WorkerPool? pool = null)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        fixed (float* px = x, py = output)
            Pool2DWindows.Run<MaxForward>(px, py, px, batch, shape, pool);
    }

    /// <summary>
    /// <paramref name="inputGrad"/> is overwritten: each window's gradient goes to its first maximum;
    /// where windows overlap (stride below the window) the contributions add. The maxima are found
    /// again from <paramref name="x"/>, so no indices need saving.
    /// </summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> planes are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool2DShape shape, WorkerPool? pool = null)
    {
        shape.Check(x.Length, outputGrad.Length, batch, nameof(x), nameof(outputGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, (long)batch * shape.InputSize, nameof(inputGrad), Name);
        fixed (float* px = x, pg = outputGrad, pd = inputGrad)
            Pool2DWindows.Run<MaxBackward>(px, pg, pd, batch, shape, pool);
    }
}

/// <summary>
/// 2-D average pooling on NCHW data: the mean of each window's in-bounds values (padding is not
/// counted, Keras's <c>same</c> semantics; PyTorch's <c>count_include_pad=False</c>).
/// </summary>
/// <remarks>The 2×2, stride-2 case runs eight windows at a time, summing in the same order as the one-window path.</remarks>
public static unsafe class AvgPool2D
{
    private const string Name = "AvgPool2D";

    /// <summary><c>y[n, c, i, j]</c> = the mean of the window's in-bounds values.</summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> planes are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool2DShape shape, WorkerPool? pool = null)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        fixed (float* px = x, py = output)
            Pool2DWindows.Run<MeanForward>(px, py, px, batch, shape, pool);
    }

    /// <summary><paramref name="inputGrad"/> is overwritten: each window's gradient is shared equally among its in-bounds values; overlapping windows add.</summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> planes are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool2DShape shape, WorkerPool? pool = null)
    {
        shape.Check(inputGrad.Length, outputGrad.Length, batch, nameof(inputGrad), nameof(outputGrad), Name);
        // The mean's gradient needs no input: the input gradient stands in for it.
        fixed (float* pg = outputGrad, pd = inputGrad)
            Pool2DWindows.Run<MeanBackward>(pd, pg, pd, batch, shape, pool);
    }
}

/// <summary>Global average pooling: the mean of each channel's <c>S = H·W</c> values, <c>[C, S]</c> → <c>[C]</c> per sample.</summary>
public static unsafe class GlobalAveragePool
{
    private const string Name = "GlobalAveragePool";

    /// <summary><c>y[n, c] = (1/S)·Σ_s x[n, c, s]</c>.</summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> channels are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, int channels, int spatial, WorkerPool? pool = null)
    {
        Check(x.Length, output.Length, batch, channels, spatial, nameof(x), nameof(output));
        fixed (float* px = x, py = output)
        {
            var job = new PlaneSplit.Job { X = px, Y = py, Spatial = spatial, Planes = batch * channels };
            PlaneSplit.Run<Means>(ref job, (long)job.Planes * (spatial + 1), pool, PlaneSplit.MinParallelStreamingFloats);
        }
    }

    /// <summary><paramref name="inputGrad"/> is overwritten with <c>∂L/∂y[n, c] / S</c> at every position of the channel.</summary>
    /// <remarks>With a <paramref name="pool"/> of several threads (default null: the caller alone) the <c>batch·C</c> channels are split over it when the pass is large enough; the result is bitwise identical for any thread count.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, int channels, int spatial, WorkerPool? pool = null)
    {
        Check(inputGrad.Length, outputGrad.Length, batch, channels, spatial, nameof(inputGrad), nameof(outputGrad));
        fixed (float* pg = outputGrad, pd = inputGrad)
        {
            var job = new PlaneSplit.Job { Y = pg, Dx = pd, Spatial = spatial, Planes = batch * channels };
            PlaneSplit.Run<Spreads>(ref job, (long)job.Planes * (spatial + 1), pool, PlaneSplit.MinParallelStreamingFloats);
        }
    }

    private readonly struct Means : PlaneSplit.IPlanes
    {
        public static void Run(in PlaneSplit.Job job, int first, int end)
        {
            int spatial = job.Spatial;
            float inv = 1f / spatial;
            for (int p = first; p < end; p++)
                job.Y[p] = TensorPrimitives.Sum(new ReadOnlySpan<float>(job.X + (nint)p * spatial, spatial)) * inv;
        }
    }

    private readonly struct Spreads : PlaneSplit.IPlanes
    {
        public static void Run(in PlaneSplit.Job job, int first, int end)
        {
            int spatial = job.Spatial;
            float inv = 1f / spatial;
            for (int p = first; p < end; p++)
                new Span<float>(job.Dx + (nint)p * spatial, spatial).Fill(job.Y[p] * inv);
        }
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
