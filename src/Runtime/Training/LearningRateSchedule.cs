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
