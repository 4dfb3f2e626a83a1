using System;

namespace Axon.Training;

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
