using System;

namespace Axon.Kernels;

/// <summary>
/// The geometry of a 1-D convolution over one sequence sample <c>[T, C]</c> (step-major, as PyTorch's
/// <c>batch_first</c> and Keras's <c>(timesteps, features)</c>): a kernel of <c>K</c> taps <c>Dilation</c> steps apart,
/// moved by <c>Stride</c>, over the input with <c>PadLeft</c> zero steps before it; reads past the end are zero too,
/// so the right pad is implied by <see cref="OutSteps"/>.
/// </summary>
public readonly struct Conv1DShape
{
    /// <summary>A shape from explicit sizes; use <see cref="Create"/> for the valid, same and causal rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the pad is negative.</exception>
    /// <exception cref="ArgumentException">A derived size does not fit an <see cref="int"/>.</exception>
    public Conv1DShape(int steps, int channels, int filters, int kernel, int stride, int dilation, int padLeft, int outSteps)
    {
        KernelCheck.Positive(steps, nameof(steps));
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(filters, nameof(filters));
        KernelCheck.Positive(kernel, nameof(kernel));
        KernelCheck.Positive(stride, nameof(stride));
        KernelCheck.Positive(dilation, nameof(dilation));
        KernelCheck.NotNegative(padLeft, nameof(padLeft));
        KernelCheck.Positive(outSteps, nameof(outSteps));
        Steps = steps; Channels = channels; Filters = filters; Kernel = kernel; Stride = stride; Dilation = dilation;
        PadLeft = padLeft; OutSteps = outSteps;
        long patch = (long)channels * kernel;
        long columns = patch * outSteps;
        if (Math.Max(Math.Max((long)steps * channels, (long)outSteps * filters), Math.Max(columns, patch * filters)) > int.MaxValue)
            throw new ArgumentException($"A [{steps}, {channels}] sequence convolved to [{outSteps}, {filters}] with {kernel} taps is too large: some buffer would exceed {int.MaxValue} values.");
        Patch = (int)patch;
        Pointwise = kernel == 1 && stride == 1 && padLeft == 0 && outSteps == steps;
        ColumnsLength = Pointwise ? 0 : (int)columns;
    }

    /// <summary>Input steps <c>T</c>.</summary>
    public int Steps { get; }

    /// <summary>Input features per step (channels) <c>C</c>.</summary>
    public int Channels { get; }

    /// <summary>Output features per step <c>F</c>.</summary>
    public int Filters { get; }

    /// <summary>Taps <c>K</c>.</summary>
    public int Kernel { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Steps between taps (1: adjacent).</summary>
    public int Dilation { get; }

    /// <summary>Zero steps before the input.</summary>
    public int PadLeft { get; }

    /// <summary>Output steps <c>T'</c>.</summary>
    public int OutSteps { get; }

    /// <summary>Values under one window, <c>C·K</c>, ordered as the weight's <c>[C, K]</c>: the inner dimension of the product.</summary>
    public int Patch { get; }

    /// <summary>One tap, stride 1, no padding: a sample is its own im2col matrix.</summary>
    public bool Pointwise { get; }

    /// <summary>Floats per sample of the im2col matrix <c>[T', C·K]</c> (and of its gradient); 0 when <see cref="Pointwise"/>.</summary>
    public int ColumnsLength { get; }

    /// <summary>Values per input sample, <c>T·C</c>.</summary>
    public int InputSize => Steps * Channels;

    /// <summary>Values per output sample, <c>T'·F</c>.</summary>
    public int OutputSize => OutSteps * Filters;

    /// <summary>
    /// The shape Keras gives a 1-D convolution with span <c>e = (K − 1)·d + 1</c>. Valid: <c>T' = ⌊(T − e)/s⌋ + 1</c>, no
    /// padding. Same: <c>T' = ⌈T/s⌉</c>, total padding <c>max((T' − 1)·s + e − T, 0)</c>, the smaller half before. Causal:
    /// <c>(K − 1)·d</c> zeros before, none after, <c>T' = ⌊(T − 1)/s⌋ + 1</c>: output step t sees no input after step t·s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="padding"/> is not 0, 1 or 2.</exception>
    /// <exception cref="ArgumentException">Valid padding and the kernel spans more than the input.</exception>
    public static Conv1DShape Create(int steps, int channels, int filters, int kernel, int stride, int dilation, Padding padding)
    {
        var (outSteps, pad) = Window(steps, kernel, stride, dilation, padding);
        return new Conv1DShape(steps, channels, filters, kernel, stride, dilation, pad, outSteps);
    }

    /// <summary>Output steps and left pad of a window of <paramref name="kernel"/> taps over <paramref name="steps"/> (shared with the 1-D pools).</summary>
    internal static (int Out, int PadLeft) Window(int steps, int kernel, int stride, int dilation, Padding padding)
    {
        KernelCheck.Positive(steps, nameof(steps));
        KernelCheck.Positive(kernel, nameof(kernel));
        KernelCheck.Positive(stride, nameof(stride));
        KernelCheck.Positive(dilation, nameof(dilation));
        long span = (long)(kernel - 1) * dilation + 1;
        switch (padding)
        {
            case Padding.Valid:
                if (span > steps)
                    throw new ArgumentException($"A window spanning {span} steps with valid padding does not fit {steps} steps: there is no output. Use a smaller window or same padding.");
                return ((int)((steps - span) / stride) + 1, 0);
            case Padding.Same:
            {
                int output = (int)((steps + (long)stride - 1) / stride);
                long total = Math.Max((output - 1L) * stride + span - steps, 0);
                return (output, (int)(total / 2));
            }
            case Padding.Causal:
                return ((steps - 1) / stride + 1, (int)(span - 1));
            default:
                throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be Valid, Same or Causal.");
        }
    }
}

/// <summary>
/// Forward and backward of a 1-D convolution on step-major sequences <c>[batch, T, C]</c> as im2col and the
/// <see cref="Dense"/> kernels: <c>cols[batch·T', C·K]</c> with <c>cols[t, c·K + k] = x[t·s + k·d − p, c]</c> (zero
/// outside), then <c>Z = cols·Wᵀ + b</c> with <c>W [F, C·K]</c>, which is PyTorch's <c>nn.Conv1d</c> weight
/// <c>[F, C, K]</c> read row-major, and the output <c>[batch·T', F]</c> is already step-major.
/// </summary>
/// <remarks>
/// The products are <see cref="Dense"/>'s, so they are split across threads as Dense's are and give bitwise the same
/// result for any thread count; im2col and col2im run on the caller in a fixed order. The im2col matrix is kept
/// (the forward pass's <c>columns</c> is the backward pass's input), so backward does not gather again.
/// Nothing is allocated.
/// </remarks>
public static class Conv1D
{
    private const string Name = "Conv1D";

    /// <summary>
    /// <c>z[t, f] = b[f] + Σ_c Σ_k W[f, c, k]·x[t·s + k·d − p, c]</c>, <c>y = act(z)</c> for <paramref name="batch"/>
    /// samples; an empty <paramref name="bias"/> adds nothing. <paramref name="columns"/> receives the im2col matrix
    /// (<c>batch·ColumnsLength</c> floats; unused for a pointwise shape). When the activation does not need its
    /// pre-activation, <paramref name="preActivation"/> may be <paramref name="output"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> preActivation, Span<float> output, Span<float> columns, int batch, in Conv1DShape shape,
        TAct activation, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        Check(x.Length, columns.Length, batch, shape, nameof(x));
        KernelCheck.AtLeast(weight.Length, (long)shape.Filters * shape.Patch, nameof(weight), Name);
        ReadOnlySpan<float> cols = x;
        if (!shape.Pointwise)
        {
            Im2Col(x, columns, batch, shape);
            cols = columns;
        }
        Dense.Forward(cols, weight, bias, preActivation, output, batch * shape.OutSteps, shape.Patch, shape.Filters, activation, pool);
    }

    /// <summary>
    /// Backward of <see cref="Forward{TAct}"/>: <paramref name="outputGrad"/> (∂L/∂y) becomes ∂L/∂z in place; then, as
    /// asked, <c>∂L/∂W</c> and <c>∂L/∂b</c> (overwritten) and <c>∂L/∂x</c> (overwritten: the column gradient
    /// <c>dZ·W</c> in <paramref name="columnGrad"/>, scattered back to the steps it was read from).
    /// </summary>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="columns">The forward pass's im2col matrix (ignored for a pointwise shape, which reads <paramref name="x"/>).</param>
    /// <param name="weight">The weight <c>[F, C, K]</c>.</param>
    /// <param name="preActivation">The forward pass's <c>z</c> (read only when the activation needs it).</param>
    /// <param name="output">The forward pass's <c>y</c>.</param>
    /// <param name="outputGrad">On entry ∂L/∂y; on exit ∂L/∂z.</param>
    /// <param name="weightGrad">Receives ∂L/∂W.</param>
    /// <param name="biasGrad">Receives ∂L/∂b; empty for a layer without bias.</param>
    /// <param name="inputGrad">Receives ∂L/∂x.</param>
    /// <param name="columnGrad">Scratch for ∂L/∂cols, <c>batch·ColumnsLength</c> floats (unused for a pointwise shape).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="shape">The geometry.</param>
    /// <param name="activation">The activation of the forward pass.</param>
    /// <param name="computeParameterGradients">Whether to compute ∂L/∂W and ∂L/∂b.</param>
    /// <param name="computeInputGradient">Whether to compute ∂L/∂x.</param>
    /// <param name="pool">Threads for the products.</param>
    /// <param name="scratch">The threaded weight-gradient scratch, as <see cref="Dense.Backward{TAct}"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> columns, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> preActivation, ReadOnlySpan<float> output, Span<float> outputGrad,
        Span<float> weightGrad, Span<float> biasGrad, Span<float> inputGrad, Span<float> columnGrad,
        int batch, in Conv1DShape shape, TAct activation,
        bool computeParameterGradients, bool computeInputGradient, WorkerPool? pool = null, Span<float> scratch = default)
        where TAct : struct, IActivation
    {
        Check(x.Length, columns.Length, batch, shape, nameof(x));
        bool pointwise = shape.Pointwise;
        if (computeInputGradient)
        {
            KernelCheck.AtLeast(inputGrad.Length, (long)batch * shape.InputSize, nameof(inputGrad), Name);
            if (!pointwise) KernelCheck.AtLeast(columnGrad.Length, (long)batch * shape.ColumnsLength, nameof(columnGrad), Name);
        }
        ReadOnlySpan<float> cols = pointwise ? x : columns;
        Span<float> dcols = pointwise ? inputGrad : columnGrad;
        Dense.Backward(cols, weight, preActivation, output, outputGrad, weightGrad, biasGrad, dcols,
            batch * shape.OutSteps, shape.Patch, shape.Filters, activation, gradIsPreActivation: false,
            computeParameterGradients, computeInputGradient, pool, scratch);
        if (computeInputGradient && !pointwise) Col2Im(columnGrad, inputGrad, batch, shape);
    }

    /// <summary>Writes <c>cols[n, t, c·K + k] = x[n, t·s + k·d − p, c]</c>, zero where that step is outside the input.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Span<float> columns, int batch, in Conv1DShape shape)
    {
        Check(x.Length, columns.Length, batch, shape, nameof(x));
        int steps = shape.Steps, channels = shape.Channels, kernel = shape.Kernel, patch = shape.Patch;
        for (int n = 0; n < batch; n++)
        {
            var sample = x.Slice(n * shape.InputSize, shape.InputSize);
            var cols = columns.Slice(n * shape.OutSteps * patch, shape.OutSteps * patch);
            for (int t = 0; t < shape.OutSteps; t++)
            {
                var row = cols.Slice(t * patch, patch);
                int first = t * shape.Stride - shape.PadLeft;
                for (int k = 0; k < kernel; k++)
                {
                    int step = first + k * shape.Dilation;
                    if ((uint)step >= (uint)steps)
                    {
                        for (int c = 0; c < channels; c++) row[c * kernel + k] = 0f;
                        continue;
                    }
                    var source = sample.Slice(step * channels, channels);
                    for (int c = 0; c < channels; c++) row[c * kernel + k] = source[c];
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: <paramref name="inputGrad"/> is overwritten with the sum of every column value read from each step.</summary>
    public static void Col2Im(ReadOnlySpan<float> columnGrad, Span<float> inputGrad, int batch, in Conv1DShape shape)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.AtLeast(columnGrad.Length, (long)batch * shape.OutSteps * shape.Patch, nameof(columnGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, (long)batch * shape.InputSize, nameof(inputGrad), Name);
        int steps = shape.Steps, channels = shape.Channels, kernel = shape.Kernel, patch = shape.Patch;
        inputGrad.Slice(0, batch * shape.InputSize).Clear();
        for (int n = 0; n < batch; n++)
        {
            var sample = inputGrad.Slice(n * shape.InputSize, shape.InputSize);
            var cols = columnGrad.Slice(n * shape.OutSteps * patch, shape.OutSteps * patch);
            for (int t = 0; t < shape.OutSteps; t++)
            {
                var row = cols.Slice(t * patch, patch);
                int first = t * shape.Stride - shape.PadLeft;
                for (int k = 0; k < kernel; k++)
                {
                    int step = first + k * shape.Dilation;
                    if ((uint)step >= (uint)steps) continue;
                    var target = sample.Slice(step * channels, channels);
                    for (int c = 0; c < channels; c++) target[c] += row[c * kernel + k];
                }
            }
        }
    }

    private static void Check(int xLength, int columnsLength, int batch, in Conv1DShape shape, string xName)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        if (shape.Patch == 0) throw new ArgumentException("The Conv1DShape is default: create it with its constructor or Conv1DShape.Create.", nameof(shape));
        KernelCheck.AtLeast(xLength, (long)batch * shape.InputSize, xName, Name);
        if (!shape.Pointwise) KernelCheck.AtLeast(columnsLength, (long)batch * shape.ColumnsLength, "columns", Name);
    }
}
