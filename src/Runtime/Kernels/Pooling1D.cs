using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// The geometry of a 1-D pool over one sequence sample <c>[T, C]</c> (step-major): windows of <c>Pool</c> steps moved
/// by <c>Stride</c>, <c>PadLeft</c> steps of padding before; padding never wins a max and is not counted in a mean.
/// </summary>
public readonly struct Pool1DShape
{
    /// <summary>A shape from explicit sizes; use <see cref="Create"/> for the valid and same rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the pad is negative.</exception>
    public Pool1DShape(int steps, int channels, int pool, int stride, int padLeft, int outSteps)
    {
        KernelCheck.Positive(steps, nameof(steps));
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(pool, nameof(pool));
        KernelCheck.Positive(stride, nameof(stride));
        KernelCheck.NotNegative(padLeft, nameof(padLeft));
        KernelCheck.Positive(outSteps, nameof(outSteps));
        if ((long)steps * channels > int.MaxValue || (long)outSteps * channels > int.MaxValue)
            throw new ArgumentException($"A [{steps}, {channels}] sequence is too large: a sample would exceed {int.MaxValue} values.");
        Steps = steps; Channels = channels; Pool = pool; Stride = stride; PadLeft = padLeft; OutSteps = outSteps;
    }

    /// <summary>Input steps <c>T</c>.</summary>
    public int Steps { get; }

    /// <summary>Features per step <c>C</c> (unchanged by the pool).</summary>
    public int Channels { get; }

    /// <summary>Window length in steps.</summary>
    public int Pool { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding steps before the input.</summary>
    public int PadLeft { get; }

    /// <summary>Output steps <c>T'</c>.</summary>
    public int OutSteps { get; }

    /// <summary>Values per input sample.</summary>
    public int InputSize => Steps * Channels;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => OutSteps * Channels;

    /// <summary>Keras's rules: valid <c>⌊(T − p)/s⌋ + 1</c>; same <c>⌈T/s⌉</c> with the smaller half of the padding before.</summary>
    /// <exception cref="ArgumentException">Valid padding and the window is longer than the input, or causal padding (a pool has none).</exception>
    public static Pool1DShape Create(int steps, int channels, int pool, int stride, Padding padding)
    {
        if (padding == Padding.Causal) throw new ArgumentException("Pools take Valid or Same padding; Causal is for Conv1D.", nameof(padding));
        var (outSteps, pad) = Conv1DShape.Window(steps, pool, stride, 1, padding);
        return new Pool1DShape(steps, channels, pool, stride, pad, outSteps);
    }

    /// <summary>The in-bounds steps of output step <paramref name="t"/>'s window: first step and count (at least one for a valid shape).</summary>
    internal (int First, int Count) Window(int t)
    {
        int start = t * Stride - PadLeft;
        int first = Math.Max(start, 0), last = Math.Min(start + Pool, Steps);
        return (first, Math.Max(last - first, 0));
    }

    /// <summary>
    /// Max and average pooling's shared forward loop: each output step is its window's in-bounds steps combined channel-wise,
    /// by maximum or by sum then 1/m. The choice is per window, outside the vectorised channel loop.
    /// </summary>
    internal void ReduceWindows(ReadOnlySpan<float> x, Span<float> output, int batch, bool mean)
    {
        int channels = Channels;
        for (int n = 0; n < batch; n++)
        {
            var sample = x.Slice(n * InputSize, InputSize);
            for (int t = 0; t < OutSteps; t++)
            {
                var y = output.Slice((n * OutSteps + t) * channels, channels);
                var (first, count) = Window(t);
                sample.Slice(first * channels, channels).CopyTo(y);
                for (int s = first + 1; s < first + count; s++)
                {
                    if (mean) TensorPrimitives.Add(y, sample.Slice(s * channels, channels), y);
                    else TensorPrimitives.Max(y, sample.Slice(s * channels, channels), y);
                }
                if (mean) TensorPrimitives.Multiply(y, 1f / count, y);
            }
        }
    }

    internal void Check(int xLength, int outLength, int batch, string xName, string outName, string kernel)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        if (Pool == 0) throw new ArgumentException("The Pool1DShape is default: create it with its constructor or Pool1DShape.Create.", "shape");
        KernelCheck.AtLeast(xLength, (long)batch * InputSize, xName, kernel);
        KernelCheck.AtLeast(outLength, (long)batch * OutputSize, outName, kernel);
    }
}

/// <summary>1-D max pooling on step-major sequences: <c>y[t, c] = max over the window of x[·, c]</c>; the gradient goes to the first maximum.</summary>
public static class MaxPool1D
{
    private const string Name = "MaxPool1D";

    /// <summary>The largest in-bounds value of each window, per channel.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool1DShape shape)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        shape.ReduceWindows(x, output, batch, mean: false);
    }

    /// <summary><paramref name="inputGrad"/> is overwritten: each window's gradient goes to its first maximum (by step), as PyTorch.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool1DShape shape)
    {
        shape.Check(x.Length, outputGrad.Length, batch, nameof(x), nameof(outputGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, (long)batch * shape.InputSize, nameof(inputGrad), Name);
        int channels = shape.Channels;
        inputGrad.Slice(0, batch * shape.InputSize).Clear();
        for (int n = 0; n < batch; n++)
        {
            var sample = x.Slice(n * shape.InputSize, shape.InputSize);
            var dx = inputGrad.Slice(n * shape.InputSize, shape.InputSize);
            for (int t = 0; t < shape.OutSteps; t++)
            {
                var g = outputGrad.Slice((n * shape.OutSteps + t) * channels, channels);
                var (first, count) = shape.Window(t);
                for (int c = 0; c < channels; c++)
                {
                    int best = first;
                    float max = sample[first * channels + c];
                    for (int s = first + 1; s < first + count; s++)
                    {
                        float v = sample[s * channels + c];
                        if (v > max) { max = v; best = s; }
                    }
                    dx[best * channels + c] += g[c];
                }
            }
        }
    }
}

/// <summary>1-D average pooling on step-major sequences: the mean of each window's in-bounds steps (padding not counted, as Keras).</summary>
public static class AvgPool1D
{
    private const string Name = "AvgPool1D";

    /// <summary><c>y[t, c] = (1/m)·Σ x[s, c]</c> over the window's <c>m</c> in-bounds steps.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, in Pool1DShape shape)
    {
        shape.Check(x.Length, output.Length, batch, nameof(x), nameof(output), Name);
        shape.ReduceWindows(x, output, batch, mean: true);
    }

    /// <summary><paramref name="inputGrad"/> is overwritten: each window's gradient, divided by its <c>m</c>, goes to each of its in-bounds steps.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, in Pool1DShape shape)
    {
        shape.Check(inputGrad.Length, outputGrad.Length, batch, nameof(inputGrad), nameof(outputGrad), Name);
        int channels = shape.Channels;
        inputGrad.Slice(0, batch * shape.InputSize).Clear();
        for (int n = 0; n < batch; n++)
        {
            var dx = inputGrad.Slice(n * shape.InputSize, shape.InputSize);
            for (int t = 0; t < shape.OutSteps; t++)
            {
                var g = outputGrad.Slice((n * shape.OutSteps + t) * channels, channels);
                var (first, count) = shape.Window(t);
                float scale = 1f / count;
                for (int s = first; s < first + count; s++)
                    TensorPrimitives.MultiplyAdd(g, scale, dx.Slice(s * channels, channels), dx.Slice(s * channels, channels));
            }
        }
    }
}

/// <summary>The mean over steps of a step-major sequence: <c>[T, C]</c> → <c>[C]</c> per sample.</summary>
public static class GlobalAveragePool1D
{
    private const string Name = "GlobalAveragePool1D";

    /// <summary><c>y[n, c] = (1/T)·Σ_t x[n, t, c]</c>.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, int steps, int channels)
    {
        Check(x.Length, output.Length, batch, steps, channels, nameof(x), nameof(output), Name);
        Whole(steps, channels).ReduceWindows(x, output, batch, mean: true);
    }

    /// <summary><paramref name="inputGrad"/> is overwritten with <c>∂L/∂y[n, c] / T</c> at every step.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, int steps, int channels)
    {
        Check(inputGrad.Length, outputGrad.Length, batch, steps, channels, nameof(inputGrad), nameof(outputGrad), Name);
        for (int n = 0; n < batch; n++)
        {
            var g = outputGrad.Slice(n * channels, channels);
            var dx = inputGrad.Slice(n * steps * channels, steps * channels);
            TensorPrimitives.Multiply(g, 1f / steps, dx.Slice(0, channels));
            for (int t = 1; t < steps; t++) dx.Slice(0, channels).CopyTo(dx.Slice(t * channels, channels));
        }
    }

    /// <summary>A global pool is a 1-D pool with one window over all steps: the forward passes share <see cref="Pool1DShape.ReduceWindows"/>.</summary>
    internal static Pool1DShape Whole(int steps, int channels) => new(steps, channels, steps, steps, 0, 1);

    internal static void Check(int xLength, int outLength, int batch, int steps, int channels, string xName, string outName, string kernel)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.Positive(steps, nameof(steps));
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.AtLeast(xLength, (long)batch * steps * channels, xName, kernel);
        KernelCheck.AtLeast(outLength, (long)batch * channels, outName, kernel);
    }
}

/// <summary>The maximum over steps of a step-major sequence: <c>[T, C]</c> → <c>[C]</c> per sample; the gradient goes to the first maximum.</summary>
public static class GlobalMaxPool1D
{
    private const string Name = "GlobalMaxPool1D";

    /// <summary><c>y[n, c] = max_t x[n, t, c]</c>.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, int batch, int steps, int channels)
    {
        GlobalAveragePool1D.Check(x.Length, output.Length, batch, steps, channels, nameof(x), nameof(output), Name);
        GlobalAveragePool1D.Whole(steps, channels).ReduceWindows(x, output, batch, mean: false);
    }

    /// <summary><paramref name="inputGrad"/> is overwritten: each channel's gradient goes to its first maximal step, zero elsewhere.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, int steps, int channels)
    {
        GlobalAveragePool1D.Check(x.Length, outputGrad.Length, batch, steps, channels, nameof(x), nameof(outputGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, (long)batch * steps * channels, nameof(inputGrad), Name);
        inputGrad.Slice(0, batch * steps * channels).Clear();
        for (int n = 0; n < batch; n++)
        {
            var sample = x.Slice(n * steps * channels, steps * channels);
            var dx = inputGrad.Slice(n * steps * channels, steps * channels);
            for (int c = 0; c < channels; c++)
            {
                int best = 0;
                float max = sample[c];
                for (int t = 1; t < steps; t++)
                {
                    float v = sample[t * channels + c];
                    if (v > max) { max = v; best = t; }
                }
                dx[best * channels + c] = outputGrad[n * channels + c];
            }
        }
    }
}
