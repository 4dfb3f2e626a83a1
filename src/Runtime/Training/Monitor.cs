using System;

namespace Axon.Training;

/// <summary>Which figure of an <see cref="EpochResult"/> a callback watches.</summary>
public enum Monitor
{
    /// <summary><see cref="EpochResult.ValidationLoss"/> (lower is better). The default of the callbacks.</summary>
    ValidationLoss = 0,

    /// <summary><see cref="EpochResult.ValidationAccuracy"/> (higher is better).</summary>
    ValidationAccuracy = 1,

    /// <summary><see cref="EpochResult.TrainLoss"/> (lower is better).</summary>
    TrainLoss = 2,

    /// <summary><see cref="EpochResult.TrainAccuracy"/> (higher is better).</summary>
    TrainAccuracy = 3,

    /// <summary><see cref="EpochResult.ValidationMeanAbsoluteError"/> of a regression (lower is better).</summary>
    ValidationMeanAbsoluteError = 4,

    /// <summary><see cref="EpochResult.TrainMeanAbsoluteError"/> of a regression (lower is better).</summary>
    TrainMeanAbsoluteError = 5,
}

/// <summary>Whether a smaller or a larger monitored value is an improvement.</summary>
public enum MonitorMode
{
    /// <summary>From the figure: losses <see cref="Min"/>, accuracies <see cref="Max"/>. The default.</summary>
    Auto = 0,

    /// <summary>Smaller is better.</summary>
    Min = 1,

    /// <summary>Larger is better.</summary>
    Max = 2,
}

/// <summary>Shared by the monitoring callbacks: reads the figure and decides what counts as an improvement.</summary>
internal readonly struct MonitoredValue(Monitor monitor, MonitorMode mode, double minDelta)
{
    public Monitor Monitor { get; } = monitor;

    public bool Maximize { get; } = mode switch
    {
        MonitorMode.Min => false,
        MonitorMode.Max => true,
        MonitorMode.Auto => monitor is Monitor.ValidationAccuracy or Monitor.TrainAccuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{mode} is not a MonitorMode; expected Auto, Min or Max."),
    };

    public double MinDelta { get; } = !(minDelta >= 0) || double.IsInfinity(minDelta)
        ? throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta is {minDelta}; expected a finite value ≥ 0.")
        : minDelta;

    /// <summary>The starting "best": +∞ when minimising, −∞ when maximising.</summary>
    public double Worst => Maximize ? double.NegativeInfinity : double.PositiveInfinity;

    public double Read(EpochResult r) => Monitor switch
    {
        Monitor.ValidationLoss => r.ValidationLoss,
        Monitor.ValidationAccuracy => r.ValidationAccuracy,
        Monitor.TrainLoss => r.TrainLoss,
        Monitor.TrainAccuracy => r.TrainAccuracy,
        Monitor.ValidationMeanAbsoluteError => r.ValidationMeanAbsoluteError,
        Monitor.TrainMeanAbsoluteError => r.TrainMeanAbsoluteError,
        _ => double.NaN,
    };

    /// <summary>Improvement by more than <see cref="MinDelta"/>, as Keras: <c>current &lt; best − δ</c> (min) or <c>current &gt; best + δ</c> (max).</summary>
    public bool Improves(double current, double best) =>
        !double.IsNaN(current) && (Maximize ? current > best + MinDelta : current < best - MinDelta);

    /// <summary>Throws before training when the figure will not exist (validation figures without validation data).</summary>
    public void Check(TrainingContext context, string who)
    {
        if (!Enum.IsDefined(Monitor))
            throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, $"{who}: {Monitor} is not a Monitor value.");
        if (Monitor is Monitor.ValidationLoss or Monitor.ValidationAccuracy or Monitor.ValidationMeanAbsoluteError && !context.HasValidation)
            throw new ArgumentException(
                $"{who} monitors {Monitor}, but the fit has no validation data; set FitOptions.Validation or ValidationSplit, or monitor TrainLoss.");
        if (Monitor is Monitor.ValidationAccuracy or Monitor.TrainAccuracy && !context.Model.HasAccuracy)
            throw new ArgumentException($"{who} monitors {Monitor}, but {context.Model.Name} has no accuracy; monitor a loss" +
                (context.Model.Loss == Loss.MeanSquaredError ? " or the mean absolute error (a regression)." : "."));
        if (Monitor is Monitor.ValidationMeanAbsoluteError or Monitor.TrainMeanAbsoluteError && context.Model.Loss != Loss.MeanSquaredError)
            throw new ArgumentException($"{who} monitors {Monitor}, but {context.Model.Name} is not a regression (mean squared error): it reports no mean absolute error.");
    }
}
