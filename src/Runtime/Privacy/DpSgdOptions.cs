using System;

namespace Axon.Privacy;

/// <summary>
/// DP-SGD (Abadi et al. 2016), with Opacus's semantics, as a training option (<see cref="Training.FitOptions.DifferentialPrivacy"/>).
/// </summary>
/// <remarks>
/// <para>Every step draws a batch by Poisson sampling: each of the <c>N</c> training samples joins independently with probability
/// <c>q = B/N</c> (<c>B</c> the fit's batch size, now the expected batch size), so batch sizes vary; an epoch is <c>⌈N/B⌉</c> steps.
/// Each sample's gradient <c>g_i</c> (over every layer that trains) is clipped to L2 norm <see cref="MaxGradientNorm"/> <c>C</c>,
/// <c>ḡ_i = g_i·min(1, C/(‖g_i‖₂ + 10⁻⁶))</c>, and the optimizer receives
/// <c>g = (Σ_i ḡ_i + N(0, σ²C²·I)) / B</c>, divided by the expected batch size, not the drawn one, as Opacus does (so the noise
/// scale does not reveal the batch size). The guarantee is computed by <see cref="RdpAccountant"/> from <c>q</c>, <c>σ</c> and the
/// steps taken, at <see cref="Delta"/>, and reported per epoch in <see cref="Training.EpochResult.Epsilon"/>.</para>
/// <para>How the per-sample gradients are clipped. When every layer with parameters is a Dense layer applied once per sample
/// (other layers: inputs, dropout, reshapes), no per-sample gradient is formed (Goodfellow 2015): sample i's share of a Dense
/// layer's weight gradient is the outer product <c>δ_i x_iᵀ</c>, of squared norm <c>‖x_i‖²·‖δ_i‖²</c> (plus <c>‖δ_i‖²</c> for the bias),
/// so one batched backward pass collects every sample's norm from the layer inputs and back-propagated errors alone (skipping the
/// weight-gradient products), and a second backward pass of the same activations, with each sample's output gradient scaled by
/// its clip factor, yields <c>Σ_i ḡ_i</c> (back-propagation is linear in the output gradient). A step then costs one forward and
/// about one and a half backward passes. A Poisson batch larger than the model's <c>MaxBatchSize</c> (construct the model with
/// room for about <c>B + 4√B</c>) and every other model take one forward and backward pass per sample instead, each gradient
/// clipped and accumulated into a buffer of the parameter arena's size (memory: one extra gradient, not one per sample): this
/// works for every layer kind except BatchNorm, whose batch statistics mix samples (refused, as Opacus does; use LayerNorm), and
/// costs about <c>B</c> single-sample passes.</para>
/// <para>The noise comes from Axon's deterministic generator seeded from <see cref="Training.FitOptions.Seed"/>, which makes runs
/// reproducible but is not a cryptographically secure source: for a formal guarantee against someone who can learn the seed, this
/// is not enough (Opacus's <c>secure_mode</c>).</para>
/// </remarks>
public sealed class DpSgdOptions
{
    /// <summary>σ ≥ 0: the noise standard deviation as a multiple of <see cref="MaxGradientNorm"/>. 0 clips without noise (ε = ∞). Default: 1.</summary>
    public float NoiseMultiplier { get; init; } = 1f;

    /// <summary>C &gt; 0: the L2 norm each sample's gradient is clipped to. Default: 1.</summary>
    public float MaxGradientNorm { get; init; } = 1f;

    /// <summary>δ ∈ (0, 1) of the reported (ε, δ) guarantee; choose it below 1/N. Default: 1e-5.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>
    /// The ε spent after <paramref name="steps"/> steps at sample rate <paramref name="sampleRate"/> (<see cref="RdpAccountant"/>, Opacus's
    /// orders and conversion); +∞ without noise.
    /// </summary>
    public double Epsilon(double sampleRate, long steps) =>
        NoiseMultiplier == 0f ? double.PositiveInfinity : RdpAccountant.Epsilon(sampleRate, NoiseMultiplier, steps, Delta).Epsilon;

    internal void Validate()
    {
        if (!(NoiseMultiplier >= 0f) || float.IsInfinity(NoiseMultiplier))
            throw new ArgumentOutOfRangeException(nameof(NoiseMultiplier), NoiseMultiplier, $"DifferentialPrivacy.NoiseMultiplier is {NoiseMultiplier}; expected a finite σ ≥ 0.");
        if (!(MaxGradientNorm > 0f) || float.IsInfinity(MaxGradientNorm))
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), MaxGradientNorm, $"DifferentialPrivacy.MaxGradientNorm is {MaxGradientNorm}; expected a finite norm > 0.");
        if (!(Delta > 0 && Delta < 1))
            throw new ArgumentOutOfRangeException(nameof(Delta), Delta, $"DifferentialPrivacy.Delta is {Delta}; expected a probability in (0, 1).");
    }
}
