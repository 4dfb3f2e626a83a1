using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Axon.Kernels;

namespace Axon.Optimizers;

/// <summary>
/// SGD as PyTorch's <c>torch.optim.SGD</c> (dampening 0): <c>g ← ∇ + λw</c>; with momentum μ,
/// <c>v ← μv + g</c> and <c>w ← w - η·v</c> (Nesterov: <c>w ← w - η·(g + μv)</c>); without, <c>w ← w - η·g</c>.
/// A velocity smaller in magnitude than 1.18e-38 is flushed to 0 (<see cref="Denormals"/>).
/// </summary>
/// <remarks>
/// Arguments are checked as the <c>[Sgd]</c> attribute's are at compile time: η finite and ≥ 0,
/// μ in [0, 1), λ finite and ≥ 0, and Nesterov only with μ &gt; 0; anything else throws
/// <see cref="ArgumentOutOfRangeException"/> (<see cref="ArgumentException"/> for Nesterov without momentum).
/// </remarks>
public sealed class Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) : Optimizer(learningRate)
{
    /// <summary>Momentum μ. Default: 0.</summary>
    public float Momentum { get; } = CheckRange(momentum, nameof(momentum), momentum >= 0f && momentum < 1f, "in [0, 1)");

    /// <summary>Nesterov momentum. Default: false.</summary>
    public bool Nesterov { get; } = nesterov && momentum == 0f
        ? throw new ArgumentException("Nesterov momentum needs momentum > 0; momentum 0 was given.", nameof(nesterov))
        : nesterov;

    /// <summary>L2 weight decay λ. Default: 0.</summary>
    public float WeightDecay { get; } = CheckRange(weightDecay, nameof(weightDecay), weightDecay >= 0f && float.IsFinite(weightDecay), "a finite number ≥ 0");

    /// <inheritdoc/>
    protected override int StateSlots => Momentum != 0f ? 1 : 0;

    /// <inheritdoc/>
    public override bool IsElementwise => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> v, Span<float> unused, float lr, long step)
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float vr = ref MemoryMarshal.GetReference(v);
        float mu = Momentum, wd = WeightDecay;
        bool momentum = mu != 0f;
        // PyTorch initialises the momentum buffer to the first gradient; v = 0·μ + g is the same.
        // The velocity of a weight whose gradient is always 0 decays ×μ per step: it is flushed to 0
        // below float's normal range as it is computed (Denormals). Weights are not: a step of
        // normal values lands in the denormal range only by a cancellation to within 1e-38.
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vLr = Vector256.Create(lr); var vMu = Vector256.Create(mu); var vWd = Vector256.Create(wd);
            for (; i <= p.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var w = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var d = Vector256.LoadUnsafe(ref gr, (nuint)i) + vWd * w;
                if (momentum)
                {
                    var vel = Denormals.Flush(vMu * Vector256.LoadUnsafe(ref vr, (nuint)i) + d);
                    vel.StoreUnsafe(ref vr, (nuint)i);
                    d = Nesterov ? d + vMu * vel : vel;
                }
                (w - vLr * d).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            float d = g[i] + wd * p[i];
            if (momentum)
            {
                v[i] = Denormals.Flush(mu * v[i] + d);
                d = Nesterov ? d + mu * v[i] : v[i];
            }
            p[i] -= lr * d;
        }
    }
}
