using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Inverted dropout: each value is kept with probability <c>1 − rate</c> and scaled by
/// <c>1/(1 − rate)</c>, else zeroed, so the expected output equals the input and inference is the
/// identity. The mask is drawn from the caller's <see cref="Rng"/>, one draw per value in order, so
/// the same generator state gives the same mask.
/// </summary>
public static class Dropout
{
    private const string Name = "Dropout";

    /// <summary>
    /// Draws <paramref name="mask"/> (<c>0</c> with probability <paramref name="rate"/>, else
    /// <c>1/(1 − rate)</c>) for the <c>x.Length</c> values and writes <c>y = x ⊙ mask</c>.
    /// <paramref name="output"/> may be the same span as <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is not in [0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> or <paramref name="mask"/> is shorter than <paramref name="x"/>.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> output, Span<float> mask, float rate, ref Rng rng)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        int n = x.Length;
        KernelCheck.AtLeast(output.Length, n, nameof(output), Name);
        KernelCheck.AtLeast(mask.Length, n, nameof(mask), Name);
        float scale = 1f / (1f - rate);
        var m = mask.Slice(0, n);
        // A value is dropped when its draw NextSingle() = (bits >> 8)·2⁻²⁴ is below rate, that is
        // when the integer bits >> 8 are below ⌈rate·2²⁴⌉; the generator lives in a local meanwhile
        // so its state stays in registers.
        uint threshold = (uint)Math.Ceiling(rate * (double)(1 << 24));
        var local = rng;
        for (int i = 0; i < m.Length; i++)
            m[i] = (local.NextUInt32() >> 8) < threshold ? 0f : scale;
        rng = local;
        TensorPrimitives.Multiply(x, m, output.Slice(0, n));
    }

    /// <summary>
    /// <c>∂L/∂x = ∂L/∂y ⊙ mask</c> for the <c>mask.Length</c> values; <paramref name="inputGrad"/> may
    /// be the same span as <paramref name="outputGrad"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A gradient span is shorter than <paramref name="mask"/>.</exception>
    public static void Backward(ReadOnlySpan<float> mask, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        int n = mask.Length;
        KernelCheck.AtLeast(outputGrad.Length, n, nameof(outputGrad), Name);
        KernelCheck.AtLeast(inputGrad.Length, n, nameof(inputGrad), Name);
        TensorPrimitives.Multiply(outputGrad.Slice(0, n), mask, inputGrad.Slice(0, n));
    }
}
