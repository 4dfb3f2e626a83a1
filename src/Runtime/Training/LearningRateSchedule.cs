using System;

namespace Axon.Training;

/// <summary>
/// A learning rate as a function of the step, set with <see cref="FitOptions.LearningRateSchedule"/>: before every optimizer step
/// <c>t</c> (from 0, counted over the whole run) <see cref="Trainer.Fit"/> sets the optimizer's learning rate to
/// <see cref="At"/><c>(t, stepsPerEpoch, totalSteps)</c>. Every schedule carries its own base rate, so the optimizer's initial rate is
/// not used. Each is a closed form of the step, so a resumed run gets the same rates.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based) in a run of <paramref name="totalSteps"/> steps of <paramref name="stepsPerEpoch"/> per epoch.</summary>
    public abstract float At(long step, int stepsPerEpoch, long totalSteps);

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0 (or &gt; 0 when <paramref name="positive"/>).</summary>
    private protected static float Rate(float value, string name, bool positive = false) =>
        (positive ? value > 0f : value >= 0f) && !float.IsInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; expected a finite value {(positive ? "> 0" : "≥ 0")}.");
}

/// <summary>
/// Step decay, as PyTorch's <c>StepLR</c> stepped once per epoch: <c>η(e) = η₀·γ^⌊e / StepSize⌋</c> for the 0-based epoch
/// <c>e = ⌊t / stepsPerEpoch⌋</c>.
/// </summary>
/// <param name="initial">η₀ &gt; 0.</param>
/// <param name="stepSize">Epochs between decays, ≥ 1.</param>
/// <param name="gamma">The multiplier γ &gt; 0. Default: 0.1 (PyTorch's default).</param>
public sealed class StepDecay(float initial, int stepSize, float gamma = 0.1f) : LearningRateSchedule
{
    /// <summary>η₀.</summary>
    public float Initial { get; } = Rate(initial, nameof(initial), positive: true);

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; } = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be ≥ 1 epoch.");

    /// <summary>γ.</summary>
    public float Gamma { get; } = Rate(gamma, nameof(gamma), positive: true);

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps) =>
        (float)(Initial * Math.Pow(Gamma, step / stepsPerEpoch / StepSize));
}

/// <summary>
/// Exponential decay, as PyTorch's <c>ExponentialLR</c> stepped once per epoch: <c>η(e) = η₀·γ^e</c> for the 0-based epoch
/// <c>e = ⌊t / stepsPerEpoch⌋</c>.
/// </summary>
/// <param name="initial">η₀ &gt; 0.</param>
/// <param name="gamma">The multiplier per epoch, γ &gt; 0 (e.g. 0.95).</param>
public sealed class ExponentialDecay(float initial, float gamma) : LearningRateSchedule
{
    /// <summary>η₀.</summary>
    public float Initial { get; } = Rate(initial, nameof(initial), positive: true);

    /// <summary>γ.</summary>
    public float Gamma { get; } = Rate(gamma, nameof(gamma), positive: true);

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps) => (float)(Initial * Math.Pow(Gamma, step / stepsPerEpoch));
}

/// <summary>
/// Cosine decay with linear warm-up, per step: for <c>t &lt; W</c>, <c>η(t) = η_s + (η_max − η_s)·t / W</c>; after it, as PyTorch's
/// <c>CosineAnnealingLR</c> over <c>D</c> steps, <c>η(t) = η_min + (η_max − η_min)·(1 + cos(π·min(1, (t − W)/D)))/2</c>.
/// </summary>
/// <param name="peak">η_max &gt; 0, reached at the end of the warm-up.</param>
/// <param name="warmupSteps">W ≥ 0 steps of linear warm-up. Default: 0.</param>
/// <param name="minimum">η_min ≥ 0 at the end. Default: 0.</param>
/// <param name="warmupStart">η_s ≥ 0, the rate of step 0 of the warm-up. Default: 0.</param>
/// <param name="decaySteps">D ≥ 1; default (null): the rest of the run, <c>totalSteps − W</c>.</param>
public sealed class CosineDecay(float peak, long warmupSteps = 0, float minimum = 0f, float warmupStart = 0f, long? decaySteps = null) : LearningRateSchedule
{
    /// <summary>η_max.</summary>
    public float Peak { get; } = Rate(peak, nameof(peak), positive: true);

    /// <summary>W.</summary>
    public long WarmupSteps { get; } = warmupSteps >= 0 ? warmupSteps : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must be ≥ 0.");

    /// <summary>η_min.</summary>
    public float Minimum { get; } = Rate(minimum, nameof(minimum));

    /// <summary>η_s.</summary>
    public float WarmupStart { get; } = Rate(warmupStart, nameof(warmupStart));

    /// <summary>D, or null for the rest of the run.</summary>
    public long? DecaySteps { get; } = decaySteps is null or >= 1 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decaySteps must be ≥ 1.");

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps)
    {
        if (step < WarmupSteps) return (float)(WarmupStart + (Peak - (double)WarmupStart) * step / WarmupSteps);
        long d = DecaySteps ?? Math.Max(1, totalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / d);
        return (float)(Minimum + (Peak - (double)Minimum) * (1 + Math.Cos(Math.PI * progress)) / 2);
    }
}

/// <summary>
/// The one-cycle policy (Smith and Topin, 2019) as PyTorch's <c>OneCycleLR</c> (two phases, cosine annealing), per step over the
/// run's <c>T</c> steps: it rises from <c>η₀ = η_max / DivFactor</c> to <c>η_max</c> at step <c>s = PctStart·T − 1</c>, then falls to
/// <c>η₀ / FinalDivFactor</c> at step <c>T − 1</c>; within a phase from <c>a</c> to <c>b</c> over steps <c>[t₀, t₁]</c>,
/// <c>η(t) = b + (a − b)·(1 + cos(π·(t − t₀)/(t₁ − t₀)))/2</c>. Momentum is not cycled.
/// </summary>
/// <param name="maxLearningRate">η_max &gt; 0.</param>
/// <param name="pctStart">The rising fraction of the run, in (0, 1). Default: 0.3 (PyTorch).</param>
/// <param name="divFactor">η_max / η₀ &gt; 0. Default: 25 (PyTorch).</param>
/// <param name="finalDivFactor">η₀ / η_final &gt; 0. Default: 10⁴ (PyTorch).</param>
public sealed class OneCycle(float maxLearningRate, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4) : LearningRateSchedule
{
    /// <summary>η_max.</summary>
    public float MaxLearningRate { get; } = Rate(maxLearningRate, nameof(maxLearningRate), positive: true);

    /// <summary>The rising fraction.</summary>
    public double PctStart { get; } = pctStart > 0 && pctStart < 1 ? pctStart : throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pctStart must be in (0, 1).");

    /// <summary>η_max / η₀.</summary>
    public double DivFactor { get; } = divFactor > 0 && !double.IsInfinity(divFactor) ? divFactor : throw new ArgumentOutOfRangeException(nameof(divFactor), divFactor, "divFactor must be finite and > 0.");

    /// <summary>η₀ / η_final.</summary>
    public double FinalDivFactor { get; } = finalDivFactor > 0 && !double.IsInfinity(finalDivFactor) ? finalDivFactor : throw new ArgumentOutOfRangeException(nameof(finalDivFactor), finalDivFactor, "finalDivFactor must be finite and > 0.");

    /// <inheritdoc/>
    public override float At(long step, int stepsPerEpoch, long totalSteps)
    {
        double initial = MaxLearningRate / DivFactor, final = initial / FinalDivFactor;
        double end1 = PctStart * totalSteps - 1, end2 = totalSteps - 1;
        // PyTorch's phase walk: the first phase while step ≤ its end step, else the last phase, which starts at the first's end.
        return step <= end1
            ? (float)Cos(initial, MaxLearningRate, step / end1)
            : (float)Cos(MaxLearningRate, final, (step - end1) / (end2 - end1));
    }

    private static double Cos(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
