namespace Axon.Training;

/// <summary>What <see cref="Trainer.Fit"/> does when a step's loss or gradients are NaN or infinite (<see cref="FitOptions.OnNonFinite"/>).</summary>
public enum NonFiniteAction
{
    /// <summary>
    /// Stop with <see cref="TrainingDivergedException"/> naming the epoch and step; the parameters and optimizer state are those from
    /// before the failing step. The default.
    /// </summary>
    Stop = 0,

    /// <summary>
    /// Skip the batch: no update, the model stays as it was before the step, training goes on (as mixed-precision loss scalers skip
    /// steps with non-finite gradients). An update that turns finite gradients into non-finite weights (a learning rate far too large)
    /// still stops, since skipping cannot help it.
    /// </summary>
    SkipBatch = 1,
}
