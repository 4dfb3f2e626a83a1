using System;
using System.Diagnostics;
using Axon.Adversarial;
using Axon.Data;

namespace Axon.Training;

/// <summary>
/// Training and evaluation loops over any <see cref="IModel"/>: mini-batches from a
/// <see cref="Dataset"/>, optional validation, progress output and a <see cref="History"/>.
/// </summary>
/// <remarks>
/// All arguments are checked before the model is touched, so a mistake (wrong feature count,
/// labels for a regression model, a batch larger than the model's workspace) throws with the
/// model unchanged. The batch loop allocates nothing: the permutation and gather buffers are
/// allocated once per <see cref="Fit"/> call (see <see cref="BatchIterator"/>), and the per-epoch
/// work (validation, one progress line, the callback) is outside it.
/// </remarks>
public static class Trainer
{
    /// <summary>Batch size used when <see cref="FitOptions.BatchSize"/> is null, capped at the model's <see cref="IModel.MaxBatchSize"/>.</summary>
    public const int DefaultBatchSize = 32;

    // The split must not reuse the shuffle's random stream, or which samples are held out would
    // correlate with the first epoch's order.
    private const long SplitSeedSalt = 0x5851F42D4C957F2DL;
    private const long NoiseSeedSalt = 0x2545F4914F6CDD1DL;

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="FitOptions.Epochs"/> epochs of mini-batch steps
    /// (<see cref="IModel.TrainStep"/>) over <paramref name="train"/>, evaluating the validation set
    /// (if any) after each epoch.
    /// </summary>
    /// <param name="model">The model; it is updated in place.</param>
    /// <param name="train">The training set: <see cref="Dataset.FeatureSize"/> must equal <see cref="IModel.InputSize"/>; class
    /// indices in [0, OutputSize) for a <see cref="TargetKind.ClassIndex"/> model, <c>OutputSize</c> targets per sample otherwise.</param>
    /// <param name="options">The settings; null means <c>new FitOptions()</c> (one epoch, batch size <c>min(32, MaxBatchSize)</c>, shuffled, seed 0).</param>
    /// <returns>One <see cref="EpochResult"/> per epoch.</returns>
    /// <exception cref="ArgumentException">The data does not fit the model, or an option is out of range
    /// (batch size above <see cref="IModel.MaxBatchSize"/>, a split that leaves no samples on one side, both a split and a validation set,
    /// <see cref="FitOptions.Adversarial"/> settings (or the model's declared <see cref="IModel.AdversarialTraining"/>) that do not fit the batch size,
    /// a negative or non-finite <see cref="FitOptions.GaussianNoise"/>).</exception>
    /// <exception cref="NotSupportedException">TRADES on a model that is not trained with class-index softmax cross-entropy,
    /// or on a model that does not implement <see cref="IModel.Forward"/> and <see cref="IModel.Backward"/>.</exception>
    public static History Fit(IModel model, Dataset train, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new FitOptions();

        if (options.Epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"Epochs is {options.Epochs}; expected at least 1.");
        int batchSize = options.BatchSize ?? Math.Min(DefaultBatchSize, model.MaxBatchSize);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), batchSize, $"BatchSize is {batchSize}; expected at least 1.");
        if (batchSize > model.MaxBatchSize)
            throw new ArgumentException(
                $"BatchSize is {batchSize}, but {model.Name} was constructed for batches of at most {model.MaxBatchSize}; " +
                $"construct it with maxBatchSize: {batchSize} or use BatchSize ≤ {model.MaxBatchSize}.", nameof(options));
        double split = options.ValidationSplit;
        if (!(split >= 0 && split < 1))
            throw new ArgumentOutOfRangeException(nameof(options), split, $"ValidationSplit is {split}; expected a fraction in [0, 1).");
        if (split > 0 && options.Validation is not null)
            throw new ArgumentException(
                $"both ValidationSplit ({split}) and Validation ({options.Validation.Count} samples) were given; expected at most one.", nameof(options));

        CheckData(model, train, "the training set");
        // The fit option wins over the model's declared [AdversarialTraining].
        var adversarialOptions = options.Adversarial ?? model.AdversarialTraining;
        var adversarial = adversarialOptions is null ? null : AdversarialStep.Create(model, batchSize, adversarialOptions, options.Seed);
        float sigma = options.GaussianNoise;
        if (!(sigma >= 0f) || float.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(options), sigma, $"GaussianNoise is {sigma}; expected a finite standard deviation ≥ 0.");
        var noisy = sigma > 0f ? new float[batchSize * model.InputSize] : null;
        var noise = new Rng(options.Seed ^ NoiseSeedSalt);
        var validation = options.Validation;
        if (validation is not null) CheckData(model, validation, "the validation set");
        if (split > 0)
        {
            int held = (int)Math.Round(split * train.Count, MidpointRounding.AwayFromZero);
            if (held == 0 || held == train.Count)
                throw new ArgumentException(
                    $"ValidationSplit {split} of {train.Count} samples holds out {held}; expected at least 1 validation and 1 training sample.", nameof(options));
            (train, validation) = train.Split(held, options.Seed ^ SplitSeedSalt);
        }

        var batches = new BatchIterator(train, batchSize, options.Shuffle, options.Seed);
        var history = new History(options.Epochs);
        var printer = ProgressPrinter.Create(options, batches.BatchCount);

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            options.Unfreezing?.Apply(model, epoch);
            printer?.BeginEpoch(epoch);
            long start = Stopwatch.GetTimestamp();
            double lossSum = 0;
            long correctSum = 0;   // -1 once any batch did not report its correct count
            int seen = 0, done = 0;
            foreach (var clean in batches)
            {
                var batch = clean;
                if (noisy is not null)
                {
                    var x = noisy.AsSpan(0, clean.Inputs.Length);
                    Defenses.AddGaussianNoise(clean.Inputs, x, sigma, ref noise, model.InputMin, model.InputMax);
                    batch = new Batch(x, clean.Labels, clean.Targets, clean.Count);
                }
                float loss = adversarial is null ? model.TrainStep(in batch) : adversarial.TrainStep(model, in batch);
                // Running accuracy over the batches as trained (plain steps only: an adversarial step trains on
                // a different batch than the one given, or through Forward/Backward).
                int correct = adversarial is null && model.HasAccuracy ? model.LastTrainCorrect : -1;
                if (correct < 0) correctSum = -1;
                else if (correctSum >= 0) correctSum += correct;
                lossSum += (double)loss * batch.Count;
                seen += batch.Count;
                done++;
                printer?.Batch(done, seen, lossSum / seen, start);
            }
            long trained = Stopwatch.GetTimestamp();

            double trainLoss = lossSum / seen, trainAccuracy = correctSum >= 0 ? (double)correctSum / seen : double.NaN;
            if (options.EvaluateTrainingSet)
            {
                var e = EvaluateCore(model, train, checkData: false);
                trainLoss = e.Loss;
                trainAccuracy = e.Accuracy;
            }
            double validationLoss = double.NaN, validationAccuracy = double.NaN;
            if (validation is not null)
            {
                var e = EvaluateCore(model, validation, checkData: false);
                validationLoss = e.Loss;
                validationAccuracy = e.Accuracy;
            }
            long end = Stopwatch.GetTimestamp();

            double trainSeconds = Stopwatch.GetElapsedTime(start, trained).TotalSeconds;
            var result = new EpochResult(
                epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy,
                Stopwatch.GetElapsedTime(start, end).TotalSeconds,
                trainSeconds > 0 ? seen / trainSeconds : double.PositiveInfinity);
            history.Add(result);
            printer?.EndEpoch(result);
            options.OnEpochEnd?.Invoke(result);
        }
        return history;
    }

    /// <summary>
    /// Mean loss and accuracy of <paramref name="model"/> on <paramref name="data"/>, in batches of
    /// <see cref="IModel.MaxBatchSize"/> (<see cref="IModel.EvaluateBatch"/>, no update):
    /// <c>Loss = Σ LossSum / Count</c>, <c>Accuracy = Σ Correct / Count</c> (NaN when the model has no accuracy).
    /// Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the model, or is empty.</exception>
    public static Evaluation Evaluate(IModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return EvaluateCore(model, data, checkData: true);
    }

    private static Evaluation EvaluateCore(IModel model, Dataset data, bool checkData)
    {
        if (checkData) CheckData(model, data, "the dataset");
        int size = model.MaxBatchSize, f = data.FeatureSize, t = data.TargetSize;
        var features = data.Features.AsSpan();
        var labels = data.Labels.AsSpan();
        var targets = data.Targets.AsSpan();
        bool classes = data.Labels is not null;
        double lossSum = 0;
        long correct = 0;
        // Evaluation order doesn't matter, so batches are plain slices of the dataset: no gather, no buffers.
        for (int start = 0; start < data.Count; start += size)
        {
            int n = Math.Min(size, data.Count - start);
            var batch = classes
                ? new Batch(features.Slice(start * f, n * f), labels.Slice(start, n), default, n)
                : new Batch(features.Slice(start * f, n * f), default, targets.Slice(start * t, n * t), n);
            var r = model.EvaluateBatch(in batch);
            lossSum += r.LossSum;
            correct += r.Correct;
        }
        return new Evaluation(
            lossSum / data.Count,
            model.HasAccuracy ? (double)correct / data.Count : double.NaN,
            data.Count);
    }

    internal static void CheckData(IModel model, Dataset data, string what)
    {
        if (data.Count == 0)
            throw new ArgumentException($"{what} has no samples; expected at least 1.");
        if (data.FeatureSize != model.InputSize)
            throw new ArgumentException(
                $"{what} has {data.FeatureSize} features per sample, {model.Name} expects {model.InputSize}.");
        if (model.TargetKind == TargetKind.ClassIndex)
        {
            if (data.Labels is null)
                throw new ArgumentException(
                    $"{what} has target values ({data.TargetSize} per sample), but {model.Name} is trained on class indices; " +
                    "build the dataset with Dataset.FromClassification.");
            var labels = data.Labels;
            int classes = model.OutputSize;
            for (int i = 0; i < labels.Length; i++)
                if ((uint)labels[i] >= (uint)classes)
                    throw new ArgumentException(
                        $"{what}: label {i} is {labels[i]}; {model.Name} has {classes} classes, so labels must be in [0, {classes - 1}].");
        }
        else
        {
            if (data.Targets is null)
                throw new ArgumentException(
                    $"{what} has class labels, but {model.Name} expects {model.OutputSize} target value{(model.OutputSize == 1 ? "" : "s")} per sample; " +
                    "build the dataset with Dataset.FromRegression.");
            if (data.TargetSize != model.OutputSize)
                throw new ArgumentException(
                    $"{what} has {data.TargetSize} target values per sample, {model.Name} expects {model.OutputSize}.");
        }
    }
}
