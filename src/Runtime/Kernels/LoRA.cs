using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// The low-rank adapter of a dense layer: <c>z += s·(x·Aᵀ)·Bᵀ</c> with <c>A</c> <c>[r, in]</c>,
/// <c>B</c> <c>[out, r]</c> and scale <c>s = α/r</c>, its backward, and merging it into <c>W</c>.
/// Every product goes through the packed GEMM; the caller supplies all buffers.
/// </summary>
public static class LoRA
{
    /// <summary>
    /// Adds the adapter to the pre-activation: <c>u = x·Aᵀ</c> (kept for backward), then
    /// <c>z += s·u·Bᵀ</c>. <paramref name="scratch"/> holds <c>[n, out]</c>.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale,
        Span<float> z, Span<float> u, Span<float> scratch, int n, int inFeatures, int outFeatures, int rank)
    {
        Gemm.MultiplyTransposedB(x, a, u.Slice(0, n * rank), n, rank, inFeatures);
        var t = scratch.Slice(0, n * outFeatures);
        Gemm.MultiplyTransposedB(u.Slice(0, n * rank), b, t, n, outFeatures, rank);
        TensorPrimitives.MultiplyAdd(t, scale, z.Slice(0, n * outFeatures), z.Slice(0, n * outFeatures));
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> given <c>dZ</c>: <c>v = dZ·B</c>; when asked,
    /// <c>∂L/∂B = s·dZᵀ·u</c> and <c>∂L/∂A = s·vᵀ·x</c> (overwritten), and <c>∂L/∂x += s·v·A</c>
    /// (added to what the base layer wrote). <paramref name="scratch"/> holds <c>[n, in]</c>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale,
        ReadOnlySpan<float> dz, ReadOnlySpan<float> u, Span<float> v, Span<float> gradA, Span<float> gradB,
        Span<float> inputGrad, Span<float> scratch, int n, int inFeatures, int outFeatures, int rank,
        bool computeParameterGradients, bool computeInputGradient)
    {
        if (!computeParameterGradients && !computeInputGradient) return;
        var vn = v.Slice(0, n * rank);
        Gemm.Multiply(dz.Slice(0, n * outFeatures), b, vn, n, rank, outFeatures);
        if (computeParameterGradients)
        {
            Gemm.MultiplyTransposedA(dz.Slice(0, n * outFeatures), u.Slice(0, n * rank), gradB, outFeatures, rank, n);
            TensorPrimitives.Multiply(gradB, scale, gradB);
            Gemm.MultiplyTransposedA(vn, x, gradA, rank, inFeatures, n);
            TensorPrimitives.Multiply(gradA, scale, gradA);
        }
        if (computeInputGradient)
        {
            var t = scratch.Slice(0, n * inFeatures);
            Gemm.Multiply(vn, a, t, n, inFeatures, rank);
            TensorPrimitives.MultiplyAdd(t, scale, inputGrad.Slice(0, n * inFeatures), inputGrad.Slice(0, n * inFeatures));
        }
    }

    /// <summary>
    /// <c>W += sign·s·B·A</c>, row by row without a temporary: <paramref name="sign"/> +1 merges the
    /// adapter into the weight, −1 takes it back out.
    /// </summary>
    public static void Merge(Span<float> weight, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, float sign,
        int inFeatures, int outFeatures, int rank)
    {
        for (int o = 0; o < outFeatures; o++)
        {
            var row = weight.Slice(o * inFeatures, inFeatures);
            for (int k = 0; k < rank; k++)
            {
                float c = sign * scale * b[o * rank + k];
                if (c != 0f) TensorPrimitives.MultiplyAdd(a.Slice(k * inFeatures, inFeatures), c, row, row);
            }
        }
    }
}
