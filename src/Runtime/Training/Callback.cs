namespace Axon.Training;

/// <summary>
/// Code that <see cref="Trainer.Fit"/> runs around training (<see cref="FitOptions.Callbacks"/>), as Keras callbacks: at the start
/// and end of training and of every epoch. Through the <see cref="TrainingContext"/> a callback can stop training, change the
/// learning rate, and take or restore snapshots of the model. Callbacks run in list order; one instance serves one Fit at a time.
/// </summary>
public abstract class Callback
{
    /// <summary>Before the first epoch (after every check has passed). Default: nothing.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>Before each epoch's first step. Default: nothing.</summary>
    public virtual void OnEpochBegin(TrainingContext context) { }

    /// <summary>After each epoch, with its result (after validation and the progress line). Default: nothing.</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochResult result) { }

    /// <summary>After the last epoch, or after a callback stopped training. Not called when training throws. Default: nothing.</summary>
    public virtual void OnTrainEnd(TrainingContext context) { }
}
