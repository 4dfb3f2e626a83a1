using System;

namespace Axon.Training;

/// <summary>
/// Stops training when the monitored figure has not improved for <see cref="Patience"/> epochs, as Keras's <c>EarlyStopping</c>:
/// an epoch improves when its value beats the best so far by more than <see cref="MinDelta"/> (<c>v &lt; best − δ</c> when
/// minimising, <c>v &gt; best + δ</c> when maximising); after <c>max(Patience, 1)</c> epochs in a row without improvement training stops.
/// With <see cref="RestoreBestWeights"/> the model ends with the parameters (and optimizer state) of the best epoch.
/// </summary>
/// <param name="monitor">The figure watched. Default: <see cref="Monitor.ValidationLoss"/> (needs validation data).</param>
/// <param name="patience">Epochs without improvement tolerated, ≥ 0. Default: 0 (Keras's default: stop at the first epoch that does not improve).</param>
/// <param name="minDelta">The smallest change that counts as an improvement, ≥ 0. Default: 0.</param>
/// <param name="mode">Whether smaller or larger is better. Default: <see cref="MonitorMode.Auto"/> (losses smaller, accuracies larger).</param>
/// <param name="restoreBestWeights">At the end, put back the best epoch's parameters. Default: false (as Keras).</param>
/// <param name="startFromEpoch">Epochs to run before watching (warm-up), ≥ 0. Default: 0.</param>
public sealed class EarlyStopping(
    Monitor monitor = Monitor.ValidationLoss, int patience = 0, double minDelta = 0, MonitorMode mode = MonitorMode.Auto,
    bool restoreBestWeights = false, int startFromEpoch = 0) : Callback
{
    private readonly MonitoredValue _value = new(monitor, mode, minDelta);
    private ModelSnapshot? _best;
    private double _bestValue;
    private int _wait;

    /// <summary>The figure watched.</summary>
    public Monitor Monitor => _value.Monitor;

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be ≥ 0.");

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta => _value.MinDelta;

    /// <summary>Whether the best epoch's parameters are restored at the end.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>Epochs run before the figure is watched.</summary>
    public int StartFromEpoch { get; } = startFromEpoch >= 0 ? startFromEpoch : throw new ArgumentOutOfRangeException(nameof(startFromEpoch), startFromEpoch, "startFromEpoch must be ≥ 0.");

    /// <summary>The best epoch seen by the last Fit (0 if none), and its value.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The monitored value of <see cref="BestEpoch"/>.</summary>
    public double BestValue => _bestValue;

    /// <summary>The epoch after which the last Fit was stopped, or 0 if it ran to the end.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        _value.Check(context, nameof(EarlyStopping));
        _bestValue = _value.Worst;
        _wait = 0;
        BestEpoch = 0;
        StoppedEpoch = 0;
        _best = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (result.Epoch <= StartFromEpoch) return;
        double v = _value.Read(result);
        if (_value.Improves(v, _bestValue))
        {
            _bestValue = v;
            BestEpoch = result.Epoch;
            _wait = 0;
            if (RestoreBestWeights)
            {
                if (_best is null) _best = context.TakeSnapshot();
                else _best.CopyFrom(context.Model);
            }
            return;
        }
        if (++_wait >= Patience)
        {
            StoppedEpoch = result.Epoch;
            context.StopTraining(
                $"EarlyStopping: {Monitor} did not improve by more than {MinDelta} for {_wait} epoch{(_wait == 1 ? "" : "s")} (best {_bestValue:G6} at epoch {BestEpoch})");
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _best is not null && BestEpoch != context.Epoch) context.Restore(_best);
    }
}
