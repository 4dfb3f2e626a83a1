using System;
using System.Globalization;

namespace Axon.Training;

/// <summary>
/// Saves the run after epochs, as Keras's <c>ModelCheckpoint</c>: after every epoch, or (<see cref="SaveBestOnly"/>) only after an
/// epoch whose monitored figure beats the best so far. A full checkpoint (the default) holds the parameters, the optimizer state and
/// learning rate, the epoch and step counters, the shuffles' random state and the history, so <see cref="FitOptions.ResumeFrom"/>
/// continues the run bitwise as if it had never stopped; with <see cref="WeightsOnly"/> the file is the model's own safetensors
/// (<see cref="IModel.Save"/>, loadable with <see cref="IModel.Load"/> and by PyTorch). Every save is atomic: a temporary file in the
/// same folder, flushed to disk, then renamed over the destination, so a crash leaves the previous file or the new one.
/// </summary>
/// <param name="path">The file; <c>{epoch}</c> in it is replaced by the epoch number (one file per epoch), otherwise each save replaces the last.</param>
/// <param name="monitor">The figure compared with <see cref="SaveBestOnly"/>. Default: <see cref="Monitor.ValidationLoss"/>.</param>
/// <param name="saveBestOnly">Save only epochs that improve on the best so far. Default: false (every epoch).</param>
/// <param name="mode">Whether smaller or larger is better. Default: <see cref="MonitorMode.Auto"/>.</param>
/// <param name="weightsOnly">Write only the parameters, in the model's safetensors format. Default: false (a full checkpoint).</param>
public sealed class ModelCheckpoint(
    string path, Monitor monitor = Monitor.ValidationLoss, bool saveBestOnly = false, MonitorMode mode = MonitorMode.Auto, bool weightsOnly = false)
    : Callback
{
    private readonly MonitoredValue _value = new(monitor, mode, 0);
    private double _best;

    /// <summary>The destination, possibly with <c>{epoch}</c>.</summary>
    public string Path { get; } = string.IsNullOrWhiteSpace(path) ? throw new ArgumentException("ModelCheckpoint needs a file path.", nameof(path)) : path;

    /// <summary>The figure compared when <see cref="SaveBestOnly"/> is on.</summary>
    public Monitor Monitor => _value.Monitor;

    /// <summary>Whether only improving epochs are saved.</summary>
    public bool SaveBestOnly { get; } = saveBestOnly;

    /// <summary>Whether only the parameters are written (the model's safetensors file).</summary>
    public bool WeightsOnly { get; } = weightsOnly;

    /// <summary>The file written last by the current or last Fit, or null.</summary>
    public string? LastSaved { get; private set; }

    /// <summary>The epoch saved last, or 0.</summary>
    public int LastSavedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        if (SaveBestOnly) _value.Check(context, nameof(ModelCheckpoint));
        _best = _value.Worst;
        LastSaved = null;
        LastSavedEpoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (SaveBestOnly)
        {
            double v = _value.Read(result);
            if (!_value.Improves(v, _best)) return;
            _best = v;
        }
        string file = Path.Replace("{epoch}", result.Epoch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (WeightsOnly) { if (context.WritesFiles) context.Model.Save(file); }
        else context.SaveCheckpoint(file);
        LastSaved = file;
        LastSavedEpoch = result.Epoch;
    }
}
