using System;

namespace Axon.Training;

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
        // A run too short for a rising phase (end1 ≤ 0) starts at the peak; PyTorch would divide by zero there.
        return step <= end1
            ? (float)Cos(initial, MaxLearningRate, end1 > 0 ? step / end1 : 1)
            : (float)Cos(MaxLearningRate, final, end2 > end1 ? Math.Min(1, (step - end1) / (end2 - end1)) : 1);
    }

    private static double Cos(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
