using System;
using Axon.Data;

namespace Axon.Training;

/// <summary><c>model.Fit(…)</c> and <c>model.Evaluate(…)</c> on any <see cref="IModel"/>.</summary>
public static class ModelExtensions
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/>; see <see cref="Trainer.Fit"/>
    /// and <see cref="FitOptions"/> for what each argument means.
    /// </summary>
    /// <param name="model">The model to train.</param>
    /// <param name="train">The training set.</param>
    /// <param name="epochs">Passes over the training set. Default: 1.</param>
    /// <param name="batchSize">Samples per step, at most <see cref="IModel.MaxBatchSize"/>. Default (null): <c>min(32, MaxBatchSize)</c>.</param>
    /// <param name="validationSplit">Fraction of <paramref name="train"/> held out for validation, in [0, 1). Default: 0.</param>
    /// <param name="validation">A separate validation set instead of a split. Default: null.</param>
    /// <param name="shuffle">Reshuffle every epoch. Default: true.</param>
    /// <param name="seed">Seed of the split and the shuffles. Default: 0.</param>
    /// <param name="onEpochEnd">Called after every epoch. Default: null.</param>
    /// <param name="progress">How progress is printed. Default: <see cref="ProgressMode.Auto"/>.</param>
    /// <returns>One <see cref="EpochResult"/> per epoch.</returns>
    public static History Fit(
        this IModel model,
        Dataset train,
        int epochs = 1,
        int? batchSize = null,
        double validationSplit = 0,
        Dataset? validation = null,
        bool shuffle = true,
        long seed = 0,
        Action<EpochResult>? onEpochEnd = null,
        ProgressMode progress = ProgressMode.Auto) =>
        Trainer.Fit(model, train, new FitOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            ValidationSplit = validationSplit,
            Validation = validation,
            Shuffle = shuffle,
            Seed = seed,
            OnEpochEnd = onEpochEnd,
            Progress = progress,
        });

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/> with <paramref name="options"/>; see <see cref="Trainer.Fit"/>.</summary>
    public static History Fit(this IModel model, Dataset train, FitOptions options) => Trainer.Fit(model, train, options);

    /// <summary>Loss and accuracy of <paramref name="model"/> on <paramref name="data"/>; see <see cref="Trainer.Evaluate"/>.</summary>
    public static Evaluation Evaluate(this IModel model, Dataset data) => Trainer.Evaluate(model, data);
}
