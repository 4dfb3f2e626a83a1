using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Per-sample gradient norms of Dense layers without per-sample gradients (Goodfellow 2015), for DP-SGD's clipping. A Dense
/// layer's weight gradient is <c>Σ_i δ_i x_iᵀ</c>, so sample i's part is the outer product <c>δ_i x_iᵀ</c>, whose squared
/// Frobenius norm is <c>‖x_i‖²·‖δ_i‖²</c>; its bias part is <c>δ_i</c>, <c>‖δ_i‖²</c>. While a collection is active on the
/// calling thread (<see cref="Begin"/>), <see cref="Dense.Backward{TAct}"/> adds these to one running sum per sample for every
/// layer whose parameter gradients it computes (frozen layers do not count) and, when asked, skips the weight-gradient product,
/// which a norms-only pass does not need. The hook is one thread-local read per Dense backward when inactive.
/// </summary>
internal static class GhostNorms
{
    [ThreadStatic] private static float[]? t_squares;
    [ThreadStatic] private static int t_rows;
    [ThreadStatic] private static bool t_skipWeights, t_mismatch;

    /// <summary>Starts collecting into <paramref name="squares"/>[0..rows) (cleared here).</summary>
    public static void Begin(float[] squares, int rows, bool skipWeightGradients)
    {
        squares.AsSpan(0, rows).Clear();
        t_squares = squares;
        t_rows = rows;
        t_skipWeights = skipWeightGradients;
        t_mismatch = false;
    }

    /// <summary>Stops collecting; false when a Dense layer ran on other rows than one per sample (a layer applied per time step), so the sums are not per-sample norms.</summary>
    public static bool End()
    {
        t_squares = null;
        return !t_mismatch;
    }

    /// <summary>Called by <see cref="Dense.Backward{TAct}"/> with the layer's input and dZ; returns whether to skip the weight gradient.</summary>
    internal static bool Add(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, int inFeatures, int outFeatures, bool bias)
    {
        var squares = t_squares!;
        if (batch != t_rows) { t_mismatch = true; return false; }
        for (int r = 0; r < batch; r++)
        {
            float d = TensorPrimitives.SumOfSquares(dz.Slice(r * outFeatures, outFeatures));
            float a = TensorPrimitives.SumOfSquares(x.Slice(r * inFeatures, inFeatures));
            squares[r] += d * a + (bias ? d : 0f);
        }
        return t_skipWeights;
    }

    /// <summary>Whether a collection is active on this thread.</summary>
    internal static bool Active => t_squares is not null;
}
