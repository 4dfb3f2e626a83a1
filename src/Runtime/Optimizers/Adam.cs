using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Axon.Kernels;

namespace Axon.Optimizers;

/// <summary>
/// Adam as PyTorch's <c>torch.optim.Adam</c>, or AdamW (<paramref name="decoupledWeightDecay"/>) as
/// <c>torch.optim.AdamW</c>. Per parameter, at step <c>t</c>:
/// Adam: <c>g ← ∇ + λw</c>; AdamW: <c>w ← w(1 - ηλ)</c> and <c>g ← ∇</c>; then
/// <c>m ← β₁m + (1-β₁)g</c>, <c>v ← β₂v + (1-β₂)g²</c>,
/// <c>w ← w - (η/(1-β₁ᵗ))·m / (√v/√(1-β₂ᵗ) + ε)</c> (PyTorch's arrangement of the bias corrections).
/// Moments <c>m</c>, <c>v</c> smaller in magnitude than 1.18e-38 are flushed to 0, as PyTorch with
/// <c>torch.set_flush_denormal(True)</c> would (<see cref="Denormals"/>).
/// </summary>
/// <remarks>
/// Arguments are checked as the <c>[Adam]</c>/<c>[AdamW]</c> attributes' are at compile time: η finite
/// and ≥ 0, β₁ and β₂ in [0, 1) (β = 1 divides by 1 - βᵗ = 0), ε finite and &gt; 0, λ finite and ≥ 0;
/// anything else throws <see cref="ArgumentOutOfRangeException"/>.
/// </remarks>
public sealed class Adam(
    float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f,
    float weightDecay = 0f, bool decoupledWeightDecay = false) : Optimizer(learningRate)
{
    /// <summary>β₁. Default: 0.9.</summary>
    public float Beta1 { get; } = CheckRange(beta1, nameof(beta1), beta1 >= 0f && beta1 < 1f, "in [0, 1)");

    /// <summary>β₂. Default: 0.999.</summary>
    public float Beta2 { get; } = CheckRange(beta2, nameof(beta2), beta2 >= 0f && beta2 < 1f, "in [0, 1)");

    /// <summary>ε. Default: 1e-8.</summary>
    public float Epsilon { get; } = CheckRange(epsilon, nameof(epsilon), epsilon > 0f && float.IsFinite(epsilon), "a finite number > 0");

    /// <summary>Weight decay λ. Default: 0 (Adam); AdamW's default 0.01 comes from <see cref="AdamWAttribute"/>.</summary>
    public float WeightDecay { get; } = CheckRange(weightDecay, nameof(weightDecay), weightDecay >= 0f && float.IsFinite(weightDecay), "a finite number ≥ 0");

    /// <summary>True for AdamW's decoupled decay, false for Adam's L2 added to the gradient.</summary>
    public bool DecoupledWeightDecay { get; } = decoupledWeightDecay;

    /// <inheritdoc/>
    protected override int StateSlots => 2;

    /// <inheritdoc/>
    public override bool IsElementwise => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, long step)
    {
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float stepSize = lr / (1f - MathF.Pow(b1, step));
        float invSqrtBias2 = 1f / MathF.Sqrt(1f - MathF.Pow(b2, step));
        float l2 = DecoupledWeightDecay ? 0f : WeightDecay;
        float shrink = DecoupledWeightDecay ? 1f - lr * WeightDecay : 1f;

        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int i = 0;
        // The update is bound by one square root and one division per parameter, not by memory:
        // 512-bit vectors halve the instructions where the CPU has them. Every lane computes the
        // same IEEE operations in the same order as the 256-bit and scalar paths (no fused
        // multiply-adds), so the bits do not depend on the path. Moments below float's normal range
        // are flushed to zero as they are computed (Denormals): the first moment of a weight whose
        // gradient is always 0 decays ×β₁ per step (the second ×β₂) and would otherwise sit in the
        // denormal range, costing a microcode assist per operation on Intel CPUs. Weights are not
        // flushed: a step of normal values lands there only by a cancellation to within 1e-38, and
        // AdamW's decay ×(1-ηλ) would need millions of steps; the flush would cost a few percent.
        if (Vector512.IsHardwareAccelerated)
        {
            var vB1 = Vector512.Create(b1); var vB1c = Vector512.Create(1f - b1);
            var vB2 = Vector512.Create(b2); var vB2c = Vector512.Create(1f - b2);
            var vStep = Vector512.Create(stepSize); var vInv = Vector512.Create(invSqrtBias2);
            var vEps = Vector512.Create(eps); var vL2 = Vector512.Create(l2); var vShrink = Vector512.Create(shrink);
            for (; i <= p.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var w = Vector512.LoadUnsafe(ref pr, (nuint)i);
                var d = Vector512.LoadUnsafe(ref gr, (nuint)i) + vL2 * w;
                var mi = Denormals.Flush(vB1 * Vector512.LoadUnsafe(ref mr, (nuint)i) + vB1c * d);
                var vi = Denormals.FlushNonNegative(vB2 * Vector512.LoadUnsafe(ref vr, (nuint)i) + vB2c * d * d);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                w = w * vShrink - vStep * mi / (Vector512.Sqrt(vi) * vInv + vEps);
                w.StoreUnsafe(ref pr, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vB1 = Vector256.Create(b1); var vB1c = Vector256.Create(1f - b1);
            var vB2 = Vector256.Create(b2); var vB2c = Vector256.Create(1f - b2);
            var vStep = Vector256.Create(stepSize); var vInv = Vector256.Create(invSqrtBias2);
            var vEps = Vector256.Create(eps); var vL2 = Vector256.Create(l2); var vShrink = Vector256.Create(shrink);
            for (; i <= p.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var w = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var d = Vector256.LoadUnsafe(ref gr, (nuint)i) + vL2 * w;
                var mi = Denormals.Flush(vB1 * Vector256.LoadUnsafe(ref mr, (nuint)i) + vB1c * d);
                var vi = Denormals.FlushNonNegative(vB2 * Vector256.LoadUnsafe(ref vr, (nuint)i) + vB2c * d * d);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                w = w * vShrink - vStep * mi / (Vector256.Sqrt(vi) * vInv + vEps);
                w.StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            float d = g[i] + l2 * p[i];
            m[i] = Denormals.Flush(b1 * m[i] + (1f - b1) * d);
            v[i] = Denormals.Flush(b2 * v[i] + (1f - b2) * d * d);
            p[i] = p[i] * shrink - stepSize * m[i] / (MathF.Sqrt(v[i]) * invSqrtBias2 + eps);
        }
    }
}
