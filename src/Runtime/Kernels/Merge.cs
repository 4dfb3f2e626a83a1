using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Forward and backward of the layers that join branches of a model graph: concatenation, the dot
/// product, and the gradient routing of sums and products. Rows are samples; each backward can
/// either write its part of a gradient or add it to what another reader already wrote.
/// </summary>
public static class Merge
{
    private const string Name = "Merge";

    /// <summary>
    /// Copies <c>[n, width]</c> <paramref name="source"/> into columns <c>[offset, offset + width)</c> of
    /// <c>[n, total]</c> <paramref name="destination"/>, or adds it there when <paramref name="accumulate"/>.
    /// </summary>
    public static void Place(ReadOnlySpan<float> source, Span<float> destination, int n, int width, int total, int offset, bool accumulate = false)
    {
        KernelCheck.AtLeast(source.Length, n * width, nameof(source), Name);
        KernelCheck.AtLeast(destination.Length, n * total, nameof(destination), Name);
        for (int r = 0; r < n; r++)
        {
            var part = source.Slice(r * width, width);
            var target = destination.Slice(r * total + offset, width);
            if (accumulate) TensorPrimitives.Add(target, part, target);
            else part.CopyTo(target);
        }
    }

    /// <summary>
    /// Backward of <see cref="Place"/>: columns <c>[offset, offset + width)</c> of <paramref name="gradient"/>
    /// into <paramref name="destination"/> (<c>[n, width]</c>), written or, when <paramref name="accumulate"/>, added.
    /// </summary>
    public static void Take(ReadOnlySpan<float> gradient, Span<float> destination, int n, int width, int total, int offset, bool accumulate)
    {
        KernelCheck.AtLeast(gradient.Length, n * total, nameof(gradient), Name);
        KernelCheck.AtLeast(destination.Length, n * width, nameof(destination), Name);
        for (int r = 0; r < n; r++)
        {
            var part = gradient.Slice(r * total + offset, width);
            var target = destination.Slice(r * width, width);
            if (accumulate) TensorPrimitives.Add(target, part, target);
            else part.CopyTo(target);
        }
    }

    /// <summary>Backward of a sum for one operand: <c>∂L/∂a = ∂L/∂y</c>, written or added.</summary>
    public static void Pass(ReadOnlySpan<float> gradient, Span<float> destination, bool accumulate)
    {
        KernelCheck.AtLeast(destination.Length, gradient.Length, nameof(destination), Name);
        destination = destination.Slice(0, gradient.Length);
        if (accumulate) TensorPrimitives.Add(destination, gradient, destination);
        else gradient.CopyTo(destination);
    }

    /// <summary>Backward of <c>y = a ⊙ b</c> for <c>a</c>: <c>∂L/∂a = ∂L/∂y ⊙ b</c>, written or added.</summary>
    public static void Scale(ReadOnlySpan<float> gradient, ReadOnlySpan<float> other, Span<float> destination, bool accumulate)
    {
        KernelCheck.AtLeast(other.Length, gradient.Length, nameof(other), Name);
        KernelCheck.AtLeast(destination.Length, gradient.Length, nameof(destination), Name);
        other = other.Slice(0, gradient.Length);
        destination = destination.Slice(0, gradient.Length);
        if (accumulate) TensorPrimitives.MultiplyAdd(gradient, other, destination, destination);
        else TensorPrimitives.Multiply(gradient, other, destination);
    }

    /// <summary><c>y_r = Σ_i a_{r,i}·b_{r,i}</c> for each of <paramref name="n"/> rows of <paramref name="width"/> values.</summary>
    public static void Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output, int n, int width)
    {
        KernelCheck.AtLeast(a.Length, n * width, nameof(a), Name);
        KernelCheck.AtLeast(b.Length, n * width, nameof(b), Name);
        KernelCheck.AtLeast(output.Length, n, nameof(output), Name);
        for (int r = 0; r < n; r++)
            output[r] = TensorPrimitives.Dot(a.Slice(r * width, width), b.Slice(r * width, width));
    }

    /// <summary>Backward of <see cref="Dot"/> for <c>a</c>: <c>∂L/∂a_{r,i} = ∂L/∂y_r · b_{r,i}</c>, written or added.</summary>
    public static void DotBackward(ReadOnlySpan<float> gradient, ReadOnlySpan<float> other, Span<float> destination, int n, int width, bool accumulate)
    {
        KernelCheck.AtLeast(gradient.Length, n, nameof(gradient), Name);
        KernelCheck.AtLeast(other.Length, n * width, nameof(other), Name);
        KernelCheck.AtLeast(destination.Length, n * width, nameof(destination), Name);
        for (int r = 0; r < n; r++)
        {
            var target = destination.Slice(r * width, width);
            var b = other.Slice(r * width, width);
            if (accumulate) TensorPrimitives.MultiplyAdd(b, gradient[r], target, target);
            else TensorPrimitives.Multiply(b, gradient[r], target);
        }
    }
}
