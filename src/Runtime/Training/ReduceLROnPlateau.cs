using System;

namespace Axon.Training;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when the monitored figure has not improved for <see cref="Patience"/> epochs,
/// as Keras's <c>ReduceLROnPlateau</c>: <c>η ← max(η·factor, MinLearningRate)</c>, then waits <see cref="Cooldown"/> epochs before
/// counting again. Improvement: better than the best by more than <see cref="MinDelta"/>. Not allowed with a
/// <see cref="FitOptions.LearningRateSchedule"/>, which would overwrite the change every step.
/// </summary>
/// <param name="monitor">The figure watched. Default: <see cref="Monitor.ValidationLoss"/>.</param>
/// <param name="factor">The multiplier, in (0, 1). Default: 0.1.</param>
/// <param name="patience">Epochs without improvement before a reduction, ≥ 0. Default: 10.</param>
/// <param name="minDelta">The smallest change that counts as an improvement, ≥ 0. Default: 1e-4.</param>
/// <param name="cooldown">Epochs after a reduction during which no new one happens, ≥ 0. Default: 0.</param>
/// <param name="minLearningRate">The floor, ≥ 0. Default: 0.</param>
/// <param name="mode">Whether smaller or larger is better. Default: <see cref="MonitorMode.Auto"/>.</param>
public sealed class ReduceLROnPlateau(
    Monitor monitor = Monitor.ValidationLoss, double factor = 0.1, int patience = 10, double minDelta = 1e-4, int cooldown = 0,
    float minLearningRate = 0f, MonitorMode mode = MonitorMode.Auto) : Callback
{
    private readonly MonitoredValue _value = new(monitor, mode, minDelta);
    private double _best;
    private int _wait, _cooldownLeft;

    /// <summary>The figure watched.</summary>
    public Monitor Monitor => _value.Monitor;

    /// <summary>The multiplier applied at a plateau.</summary>
    public double Factor { get; } = factor > 0 && factor < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be in (0, 1).");

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be ≥ 0.");

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta => _value.MinDelta;

    /// <summary>Epochs without reductions after one.</summary>
    public int Cooldown { get; } = cooldown >= 0 ? cooldown : throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be ≥ 0.");

    /// <summary>The learning rate never goes below this.</summary>
    public float MinLearningRate { get; } = minLearningRate >= 0f && !float.IsInfinity(minLearningRate)
        ? minLearningRate : throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minLearningRate must be finite and ≥ 0.");

    /// <summary>How many times the last Fit reduced the learning rate.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        _value.Check(context, nameof(ReduceLROnPlateau));
        if (context.Options.LearningRateSchedule is not null)
            throw new ArgumentException(
                "ReduceLROnPlateau and FitOptions.LearningRateSchedule both set the learning rate; the schedule would undo every reduction. Use one of them.");
        _best = _value.Worst;
        _wait = 0;
        _cooldownLeft = 0;
        Reductions = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        double v = _value.Read(result);
        // Keras's order: a cooldown epoch resets the wait, an improvement resets it, else the wait grows.
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _wait = 0;
        }
        if (_value.Improves(v, _best))
        {
            _best = v;
            _wait = 0;
            return;
        }
        if (_cooldownLeft > 0) return;
        if (++_wait >= Patience)
        {
            float old = context.LearningRate;
            float reduced = MathF.Max((float)(old * Factor), MinLearningRate);
            if (reduced < old)
            {
                context.LearningRate = reduced;
                Reductions++;
            }
            _cooldownLeft = Cooldown;
            _wait = 0;
        }
    }
}
