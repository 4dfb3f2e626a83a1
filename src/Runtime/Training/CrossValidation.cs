using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Axon.Data;

namespace Axon.Training;

/// <summary>One fold of a <see cref="CrossValidation"/>.</summary>
/// <param name="Fold">The fold, from 0.</param>
/// <param name="TrainCount">Training samples.</param>
/// <param name="ValidationCount">Held-out samples.</param>
/// <param name="History">The fold's training history (validated on the held-out fold every epoch).</param>
/// <param name="Validation">Loss and accuracy on the held-out fold at the end of training.</param>
public sealed record CrossValidationFold(int Fold, int TrainCount, int ValidationCount, History History, Evaluation Validation);

/// <summary>What <see cref="CrossValidation.Run"/> measured: per fold, and the mean and sample standard deviation over the folds.</summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(IReadOnlyList<CrossValidationFold> folds)
    {
        Folds = folds;
        (MeanLoss, StdLoss) = Stats(folds, f => f.Validation.Loss);
        (MeanAccuracy, StdAccuracy) = Stats(folds, f => f.Validation.Accuracy);
    }

    /// <summary>The folds, in order.</summary>
    public IReadOnlyList<CrossValidationFold> Folds { get; }

    /// <summary>Mean held-out loss over the folds.</summary>
    public double MeanLoss { get; }

    /// <summary>Sample standard deviation (n − 1) of the held-out loss over the folds.</summary>
    public double StdLoss { get; }

    /// <summary>Mean held-out accuracy (NaN without accuracy).</summary>
    public double MeanAccuracy { get; }

    /// <summary>Sample standard deviation of the held-out accuracy.</summary>
    public double StdAccuracy { get; }

    /// <summary>A CSV table: <c>fold,train_count,validation_count,epochs,validation_loss,validation_accuracy</c>, one row per fold.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("fold,train_count,validation_count,epochs,validation_loss,validation_accuracy\n");
        foreach (var f in Folds)
            sb.Append(CultureInfo.InvariantCulture,
                $"{f.Fold},{f.TrainCount},{f.ValidationCount},{f.History.Count},{f.Validation.Loss:R},{(double.IsNaN(f.Validation.Accuracy) ? "" : f.Validation.Accuracy.ToString("R", CultureInfo.InvariantCulture))}\n");
        return sb.ToString();
    }

    private static (double, double) Stats(IReadOnlyList<CrossValidationFold> folds, Func<CrossValidationFold, double> value)
    {
        double sum = 0;
        foreach (var f in folds) sum += value(f);
        double mean = sum / folds.Count, squares = 0;
        foreach (var f in folds) squares += (value(f) - mean) * (value(f) - mean);
        return (mean, folds.Count > 1 ? Math.Sqrt(squares / (folds.Count - 1)) : 0);
    }
}

/// <summary>k-fold cross-validation over <see cref="Trainer.Fit"/>.</summary>
public static class CrossValidation
{
    /// <summary>
    /// Trains a fresh model per fold on the other <c>k − 1</c> folds and evaluates it on the held-out fold. The folds are stratified
    /// by class by default (class-index labels, or <c>t ≥ 0.5</c> for one target per sample), so every fold keeps the class
    /// proportions; regression data with several targets gets plain random folds. Fold assignment depends only on <paramref name="seed"/>.
    /// </summary>
    /// <param name="createModel">Makes the model of fold <c>k</c> (a new instance each time, same architecture and seed for a fair comparison).</param>
    /// <param name="data">All the samples.</param>
    /// <param name="folds">k ≥ 2. Default: 5.</param>
    /// <param name="options">Fit options for every fold; its <see cref="FitOptions.Validation"/> and <see cref="FitOptions.ValidationSplit"/> must be unset (the held-out fold is the validation set). Default: one epoch.</param>
    /// <param name="stratified">Stratify by class. Default: true.</param>
    /// <param name="seed">Seed of the fold assignment. Default: 0.</param>
    /// <exception cref="ArgumentException">The options already carry validation data, or there are fewer samples than folds.</exception>
    public static CrossValidationResult Run(Func<int, IModel> createModel, Dataset data, int folds = 5, FitOptions? options = null, bool stratified = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        if (options.Validation is not null || options.ValidationSplit != 0 || options.ResumeFrom is not null)
            throw new ArgumentException("CrossValidation validates on the held-out fold; leave Validation, ValidationSplit and ResumeFrom unset.", nameof(options));
        var split = CrossValidationFolds.Split(data, folds, stratified, seed);
        var results = new List<CrossValidationFold>(folds);
        for (int k = 0; k < folds; k++)
        {
            var (trainRows, heldRows) = split[k];
            var train = data.Subset(trainRows);
            var held = data.Subset(heldRows);
            var model = createModel(k) ?? throw new InvalidOperationException($"createModel returned null for fold {k}.");
            var history = Trainer.Fit(model, train, With(options, held));
            results.Add(new CrossValidationFold(k, train.Count, held.Count, history, Trainer.Evaluate(model, held, options.CheckInputRange)));
        }
        return new CrossValidationResult(results);
    }

    internal static FitOptions With(FitOptions o, Dataset validation) => new()
    {
        Epochs = o.Epochs, BatchSize = o.BatchSize, Validation = validation, Shuffle = o.Shuffle, Seed = o.Seed,
        EvaluateTrainingSet = o.EvaluateTrainingSet, OnEpochEnd = o.OnEpochEnd, Progress = o.Progress, Output = o.Output,
        Adversarial = o.Adversarial, GaussianNoise = o.GaussianNoise, Unfreezing = o.Unfreezing, CheckInputRange = o.CheckInputRange,
        OnNonFinite = o.OnNonFinite, Callbacks = o.Callbacks, LearningRateSchedule = o.LearningRateSchedule, ClassWeights = o.ClassWeights,
        PositiveClassWeight = o.PositiveClassWeight, FocalLoss = o.FocalLoss, BalancedSampling = o.BalancedSampling, L1 = o.L1,
        GradientClipNorm = o.GradientClipNorm,
    };
}
