namespace Axon.Training;

/// <summary>What one epoch of <see cref="Trainer.Fit"/> measured.</summary>
/// <param name="Epoch">The epoch's number, from 1.</param>
/// <param name="TrainLoss">
/// Mean training loss per sample over the epoch: <c>Σ_b loss_b·n_b / Σ_b n_b</c> over the batches
/// <c>b</c> (<c>loss_b</c> the mean loss <see cref="IModel.TrainStep"/> returned, <c>n_b</c> the batch
/// size), so it averages a model that changes during the epoch, as Keras and PyTorch loops report.
/// With <see cref="FitOptions.EvaluateTrainingSet"/> on, it is instead the loss of the model at the end of the epoch.
/// </param>
/// <param name="TrainAccuracy">
/// Accuracy on the training set: with <see cref="FitOptions.EvaluateTrainingSet"/> on, of the model at the end of the
/// epoch; otherwise the running accuracy over the epoch's batches as they were trained (each counted by its own
/// training-mode forward pass before its update, <see cref="IModel.LastTrainCorrect"/>, as Keras reports it).
/// NaN when the model has no accuracy (a regression: see <see cref="TrainMeanAbsoluteError"/>), and for adversarial training without <see cref="FitOptions.EvaluateTrainingSet"/>
/// (its steps train on other inputs than the batch).
/// </param>
/// <param name="ValidationLoss">Mean loss per sample on the validation set at the end of the epoch; NaN without validation.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set at the end of the epoch; NaN without validation or accuracy.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch, including validation.</param>
/// <param name="SamplesPerSecond">Training samples per second of training time (validation excluded).</param>
public readonly record struct EpochResult(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double Seconds,
    double SamplesPerSecond)
{
    /// <summary>
    /// The optimizer's learning rate η during the epoch: its rate at the start of the epoch, or with a
    /// <see cref="FitOptions.LearningRateSchedule"/> the rate of the epoch's last step. NaN when not recorded.
    /// </summary>
    public double LearningRate { get; init; } = double.NaN;

    /// <summary>Batches skipped for a non-finite loss or gradient (<see cref="NonFiniteAction.SkipBatch"/>). Default: 0.</summary>
    public int SkippedBatches { get; init; }

    /// <summary>
    /// With <see cref="FitOptions.DifferentialPrivacy"/>: the ε of the (ε, δ)-DP guarantee of the training so far, after this epoch's
    /// steps (<see cref="Privacy.RdpAccountant"/>, at <see cref="Privacy.DpSgdOptions.Delta"/>). NaN otherwise (the default).
    /// </summary>
    public double Epsilon { get; init; } = double.NaN;

    /// <summary>
    /// For a regression (mean squared error), the training mean absolute error <c>(1/(n·k)) Σ |y − t|</c> over the epoch's
    /// batches as they were trained (each from its own training-mode forward pass before its update, like
    /// <see cref="TrainLoss"/>), or of the model at the end of the epoch with <see cref="FitOptions.EvaluateTrainingSet"/>.
    /// NaN for a classifier, and for adversarial training without <see cref="FitOptions.EvaluateTrainingSet"/>.
    /// </summary>
    public double TrainMeanAbsoluteError { get; init; } = double.NaN;

    /// <summary>For a regression, the validation set's mean absolute error at the end of the epoch; NaN without validation or for a classifier.</summary>
    public double ValidationMeanAbsoluteError { get; init; } = double.NaN;

    /// <summary>Whether the epoch was validated (<see cref="ValidationLoss"/> is a number).</summary>
    public bool HasValidation => !double.IsNaN(ValidationLoss);
}
