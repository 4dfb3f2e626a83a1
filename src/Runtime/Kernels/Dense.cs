using System;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Forward and backward of a dense layer <c>y = f(x·Wᵀ + b)</c>, <c>W</c> stored <c>[out, in]</c>,
/// with the bias (and ReLU) fused into the product's epilogue, and the activation derivative fused
/// with the bias gradient into one pass over the output gradient at the start of backward.
/// </summary>
public static unsafe class Dense
{
    // Activation passes over fewer floats (about 2 µs) run on the caller alone; a part gets at least 32 columns.
    private const int ParallelActivationFloats = 1 << 13;
    private const int ColumnsPerPart = 32;

    /// <summary>
    /// <c>z = x·Wᵀ + b</c>, <c>y = f(z)</c> for <paramref name="batch"/> rows. When the activation
    /// needs its pre-activation, <paramref name="preActivation"/> receives <c>z</c>; otherwise pass
    /// <paramref name="output"/> for both and <c>z</c> is never stored.
    /// </summary>
    public static void Forward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> preActivation, Span<float> output,
        int batch, int inFeatures, int outFeatures, TAct activation, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        // The bias is added in the product's epilogue, while each tile of z is still in registers;
        // ReLU (the common hidden activation) is applied there too when z need not be kept.
        bool inPlace = System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(preActivation), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output));
        if (typeof(TAct) == typeof(ReluActivation) && inPlace)
        {
            ParallelGemm.MultiplyTransposedBBias(x, weight, bias, output, batch, outFeatures, inFeatures, pool, relu: true);
            return;
        }
        ParallelGemm.MultiplyTransposedBBias(x, weight, bias, preActivation, batch, outFeatures, inFeatures, pool);
        if (typeof(TAct) == typeof(IdentityActivation) && inPlace)
            return; // y = z, already there
        if (ActivationParts<TAct>(pool, batch, outFeatures) is int parts and > 1)
        {
            fixed (float* z = preActivation) fixed (float* y = output)
                RunColumns(pool!, new ActivationJob<TAct> { Z = z, Y = y, Batch = batch, Width = outFeatures, Parts = parts, Activation = activation, Forward = true });
            return;
        }
        for (int r = 0; r < batch; r++)
            activation.Forward(preActivation.Slice(r * outFeatures, outFeatures), output.Slice(r * outFeatures, outFeatures));
    }

    /// <summary><c>y = f(z)</c> row by row (rows matter for softmax); <paramref name="z"/> and <paramref name="y"/> may be the same span.</summary>
    public static void Activate<TAct>(ReadOnlySpan<float> z, Span<float> y, int batch, int outFeatures, TAct activation)
        where TAct : struct, IActivation
    {
        for (int r = 0; r < batch; r++)
            activation.Forward(z.Slice(r * outFeatures, outFeatures), y.Slice(r * outFeatures, outFeatures));
    }

    /// <summary>
    /// Backward of <see cref="Forward{TAct}"/>. On entry <paramref name="outputGrad"/> holds ∂L/∂y;
    /// it is turned into ∂L/∂z in place (skipped when <paramref name="gradIsPreActivation"/>, as
    /// when a fused loss already produced ∂L/∂z). Then, as asked:
    /// <c>∂L/∂W = dZᵀ·x</c>, <c>∂L/∂b = Σ_rows dZ</c> (both overwritten, not accumulated) and
    /// <c>∂L/∂x = dZ·W</c>.
    /// </summary>
    public static void Backward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> preActivation, ReadOnlySpan<float> output, Span<float> outputGrad,
        Span<float> weightGrad, Span<float> biasGrad, Span<float> inputGrad,
        int batch, int inFeatures, int outFeatures, TAct activation,
        bool gradIsPreActivation, bool computeParameterGradients, bool computeInputGradient,
        WorkerPool? pool = null, Span<float> scratch = default)
        where TAct : struct, IActivation
    {
        var dz = outputGrad.Slice(0, batch * outFeatures);
        bool biasNow = computeParameterGradients && !biasGrad.IsEmpty;
        if (biasNow) biasGrad.Slice(0, outFeatures).Clear();
        bool needsZ = activation.NeedsPreActivation;
        // One pass over dY: each row becomes dZ = dY ⊙ f'(z) and is summed into ∂L/∂b while it is
        // still in L1, so the derivative costs no pass of its own; dZ then feeds both products.
        // Split only a derivative that needs z (GELU, SiLU: exp or erf per value). A cheap one (ReLU's mask, σ's and tanh's
        // products of y, or the bias sum alone) is bound by moving dY: dY was written on the caller (the serial head, or a
        // row-split product), so a split moves half of it to the other core and waits at one more rendezvous. Alternating
        // `scaling` runs on an Intel Xeon (ceiling 1.90-1.96x): mlp-784-128-10 two-thread steps 201-214 µs unsplit against
        // 205-218 µs split (6 pairs of 7 faster); mlp-784-256-256-10 the same within noise.
        if (needsZ && !gradIsPreActivation && ActivationParts<TAct>(pool, batch, outFeatures) is int parts and > 1)
        {
            // Split by columns: the forward product wrote these columns (and z) on the same threads, the weight gradient reads
            // them there, and each column of ∂L/∂b is still summed over the rows in order (the one-thread bits).
            fixed (float* z = preActivation) fixed (float* y = output) fixed (float* d = dz) fixed (float* b = biasGrad)
                RunColumns(pool!, new ActivationJob<TAct>
                {
                    Z = needsZ ? z : null, Y = y, Dz = d, Bias = biasNow ? b : null, Batch = batch, Width = outFeatures, Parts = parts,
                    Activation = activation, Derivative = !gradIsPreActivation,
                });
        }
        else
            for (int r = 0; r < batch; r++)
            {
                int o = r * outFeatures;
                var row = dz.Slice(o, outFeatures);
                if (!gradIsPreActivation)
                    activation.Backward(needsZ ? preActivation.Slice(o, outFeatures) : default, output.Slice(o, outFeatures), row);
                if (biasNow) TensorPrimitives.Add(biasGrad, row, biasGrad);
            }

        // DP-SGD's per-sample clipping (GhostNorms): each sample's share of this layer's gradient norm, from x and dZ alone.
        bool skipWeights = computeParameterGradients && GhostNorms.Active && GhostNorms.Add(x, dz, batch, inFeatures, outFeatures, !biasGrad.IsEmpty);
        if (computeParameterGradients && !skipWeights)
            ParallelGemm.MultiplyTransposedA(dz, x, weightGrad, outFeatures, inFeatures, batch, pool, scratch);

        if (computeInputGradient)
            ParallelGemm.Multiply(dz, weight, inputGrad, batch, inFeatures, outFeatures, pool);
    }

    // Elementwise activations over a wide enough batch split by columns; softmax needs whole rows.
    private static int ActivationParts<TAct>(WorkerPool? pool, int batch, int width) where TAct : struct, IActivation =>
        pool is { Threads: > 1 } && typeof(TAct) != typeof(SoftmaxActivation) && width >= 2 * ColumnsPerPart && (long)batch * width >= ParallelActivationFloats
            ? Math.Min(pool.Threads, width / ColumnsPerPart)
            : 1;

    private struct ActivationJob<TAct> where TAct : struct, IActivation
    {
        public float* Z, Y, Dz, Bias;
        public int Batch, Width, Parts;
        public TAct Activation;
        public bool Forward, Derivative;
    }

    private static void RunColumns<TAct>(WorkerPool pool, ActivationJob<TAct> job) where TAct : struct, IActivation =>
        pool.Run(&ColumnsPart<TAct>, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));

    // Columns [c0, c1) of every row: the forward activation, or the derivative and the bias sum. The ranges are
    // ParallelGemm's (multiples of 8), so a column belongs to the same thread as in the products around it.
    private static void ColumnsPart<TAct>(void* state, int part) where TAct : struct, IActivation
    {
        ref var job = ref System.Runtime.CompilerServices.Unsafe.AsRef<ActivationJob<TAct>>(state);
        if (part >= job.Parts) return;
        var (c0, c1) = ParallelGemm.Range(job.Width, part, job.Parts);
        int cols = c1 - c0;
        if (cols <= 0) return;
        var bias = job.Bias == null ? default : new Span<float>(job.Bias + c0, cols);
        for (int r = 0; r < job.Batch; r++)
        {
            nint o = (nint)r * job.Width + c0;
            if (job.Forward)
            {
                job.Activation.Forward(new ReadOnlySpan<float>(job.Z + o, cols), new Span<float>(job.Y + o, cols));
                continue;
            }
            var row = new Span<float>(job.Dz + o, cols);
            if (job.Derivative)
                job.Activation.Backward(job.Z == null ? default : new ReadOnlySpan<float>(job.Z + o, cols), new ReadOnlySpan<float>(job.Y + o, cols), row);
            if (!bias.IsEmpty) TensorPrimitives.Add(bias, row, bias);
        }
    }
}
