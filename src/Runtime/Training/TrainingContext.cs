using System;

namespace Axon.Training;

/// <summary>
/// What a <see cref="Callback"/> sees of a running <see cref="Trainer.Fit"/>: the model, the counters, the history so far, and the
/// levers it may pull (stop, set the learning rate, snapshot or restore the model, save a checkpoint).
/// </summary>
public sealed class TrainingContext
{
    private readonly FitRun _run;

    internal TrainingContext(FitRun run) => _run = run;

    /// <summary>The model being trained.</summary>
    public IModel Model => _run.Model;

    /// <summary>The options of this Fit.</summary>
    public FitOptions Options => _run.Options;

    /// <summary>The current epoch, from 1 (0 before the first).</summary>
    public int Epoch => _run.Epoch;

    /// <summary>The last epoch Fit will run, <see cref="FitOptions.Epochs"/>.</summary>
    public int Epochs => _run.Options.Epochs;

    /// <summary>Training steps per epoch.</summary>
    public int StepsPerEpoch => _run.StepsPerEpoch;

    /// <summary>Optimizer steps taken since the run began (including those before a resume), skipped batches excluded.</summary>
    public long GlobalStep => _run.GlobalStep;

    /// <summary>Whether the epochs are validated (a validation set or split was given).</summary>
    public bool HasValidation => _run.HasValidation;

    /// <summary>The epochs completed so far.</summary>
    public History History => _run.History;

    /// <summary>Whether a callback asked training to stop after the current epoch.</summary>
    public bool StopRequested => _run.StopReason is not null;

    /// <summary>Why training was stopped, or null.</summary>
    public string? StopReason => _run.StopReason;

    /// <summary>Asks training to stop after the current epoch's callbacks have run; the first reason given is kept.</summary>
    public void StopTraining(string reason) => _run.StopReason ??= reason ?? "stopped by a callback";

    /// <summary>The optimizer's learning rate η (each layer's <see cref="Layer.LearningRateScale"/> multiplies it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public float LearningRate
    {
        get => _run.Model.Optimizer.LearningRate;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "the learning rate must be finite and ≥ 0.");
            _run.Model.Optimizer.LearningRate = value;
        }
    }

    /// <summary>A copy of the parameters (all of them, BatchNorm statistics included) and the optimizer state, for <see cref="Restore"/>.</summary>
    public ModelSnapshot TakeSnapshot() => ModelSnapshot.Take(_run.Model);

    /// <summary>Puts the parameters and optimizer state back to <paramref name="snapshot"/>.</summary>
    public void Restore(ModelSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.RestoreTo(_run.Model);
    }

    /// <summary>
    /// Writes a checkpoint of the run as it is now (parameters, optimizer state, learning rate, counters, random state, history)
    /// to <paramref name="path"/>, atomically; <see cref="FitOptions.ResumeFrom"/> continues from it.
    /// </summary>
    /// <remarks>In data-parallel training (<see cref="FitOptions.ProcessGroup"/>) only rank 0 writes; the other ranks hold the same state.</remarks>
    public void SaveCheckpoint(string path)
    {
        if (_run.WritesFiles) Checkpoint.Save(path, _run);
    }

    /// <summary>
    /// Whether this process writes files for the run (checkpoints, weights): true, except on the ranks other than 0 of data-parallel
    /// training (<see cref="FitOptions.ProcessGroup"/>), whose state is rank 0's.
    /// </summary>
    public bool WritesFiles => _run.WritesFiles;
}
