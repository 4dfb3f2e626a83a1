using System;
using Axon.Adversarial;
using Axon.Data;

namespace Axon.Training;

/// <summary>
/// Training and evaluation loops over any <see cref="IModel"/>: mini-batches from a
/// <see cref="Dataset"/>, optional validation, progress output, callbacks, checkpoints and a <see cref="History"/>.
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
    /// Trains <paramref name="model"/> for <see cref="FitOptions.Epochs"/> epochs of mini-batch steps over <paramref name="train"/>,
    /// evaluating the validation set (if any) after each epoch. Before the first step the training and validation sets are checked
    /// whole (finite values, labels, the declared input range unless <see cref="FitOptions.CheckInputRange"/> is off) and every option
    /// is checked, so a mistake throws with the model unchanged. For a model that declares its loss (<see cref="IModel.Loss"/>) a step is
    /// <see cref="IModel.Forward"/>, the loss (plain, class-weighted or focal), <see cref="IModel.Backward"/>, L1 and clipping, a
    /// finiteness check and <see cref="IModel.ApplyGradients"/>, which with default options is bitwise <see cref="IModel.TrainStep"/>;
    /// otherwise (adversarial training, a model of unknown loss) it is the model's own step. See docs/training.md.
    /// </summary>
    /// <param name="model">The model; it is updated in place.</param>
    /// <param name="train">The training set: <see cref="Dataset.FeatureSize"/> must equal <see cref="IModel.InputSize"/>; class
    /// indices in [0, OutputSize) for a <see cref="TargetKind.ClassIndex"/> model, <c>OutputSize</c> targets per sample otherwise.</param>
    /// <param name="options">The settings; null means <c>new FitOptions()</c> (one epoch, batch size <c>min(32, MaxBatchSize)</c>, shuffled, seed 0).</param>
    /// <returns>One <see cref="EpochResult"/> per epoch.</returns>
    /// <exception cref="ArgumentException">The data does not fit the model, or an option is out of range
    /// (batch size above <see cref="IModel.MaxBatchSize"/>, a split that leaves no samples on one side, both a split and a validation set,
    /// <see cref="FitOptions.Adversarial"/> settings (or the model's declared <see cref="IModel.AdversarialTraining"/>) that do not fit the batch size,
    /// a negative or non-finite <see cref="FitOptions.GaussianNoise"/>, class weights of the wrong count, a checkpoint of other options),
    /// or a value in the data is not finite, a label is out of range, or an input lies outside the declared range: the message names the
    /// dataset row and column.</exception>
    /// <exception cref="TrainingDivergedException">A step's loss, gradients or the weights became non-finite (<see cref="FitOptions.OnNonFinite"/>);
    /// the parameters and optimizer state are those from before the failing step, or from the start of the epoch when an update itself broke them.</exception>
    /// <exception cref="System.IO.InvalidDataException"><see cref="FitOptions.ResumeFrom"/> names a damaged file or not a checkpoint.</exception>
    /// <exception cref="NotSupportedException">TRADES on a model that is not trained with class-index softmax cross-entropy,
    /// or on a model that does not implement <see cref="IModel.Forward"/> and <see cref="IModel.Backward"/>; loss options
    /// (class weights, focal loss, L1, clipping) with adversarial training or on a model that does not declare its loss.</exception>
    /// <exception cref="ProcessGroupMismatchException">With <see cref="FitOptions.ProcessGroup"/>: the ranks do not train the same model,
    /// amount of data or options (thrown on every rank alike). Any other exception on one rank alone ends every rank through
    /// <see cref="ProcessGroup.Abort"/>.</exception>
    public static History Fit(IModel model, Dataset train, FitOptions? options = null)
    {
        if (options?.ProcessGroup is not { } group) return FitAlone(model, train, options);
        try { return FitAlone(model, train, options); }
        // Thrown alike on every rank (decided on reduced figures): the ranks leave together, nothing waits.
        catch (Exception e) when (e is not (ProcessGroupMismatchException or TrainingDivergedException))
        {
            // One rank alone failed: the others would wait for it in the next collective forever.
            group.Abort(e);
            throw;
        }
    }

    private static History FitAlone(IModel model, Dataset train, FitOptions? options)
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

        // The whole dataset is checked once, before the split, so a message names the row of the dataset the caller built.
        DataCheck.Validate(model, train, "the training set", options.CheckInputRange);
        // The fit option wins over the model's declared [AdversarialTraining].
        var adversarialOptions = options.Adversarial ?? model.AdversarialTraining;
        var adversarial = adversarialOptions is null ? null : AdversarialStep.Create(model, batchSize, adversarialOptions, options.Seed);
        float sigma = options.GaussianNoise;
        if (!(sigma >= 0f) || float.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(options), sigma, $"GaussianNoise is {sigma}; expected a finite standard deviation ≥ 0.");
        TrainingChecks.LossOptions(model, train, options, adversarial is not null);
        var validation = options.Validation;
        if (validation is not null) DataCheck.Validate(model, validation, "the validation set", options.CheckInputRange);
        if (split > 0)
        {
            int held = (int)Math.Round(split * train.Count, MidpointRounding.AwayFromZero);
            if (held == 0 || held == train.Count)
                throw new ArgumentException(
                    $"ValidationSplit {split} of {train.Count} samples holds out {held}; expected at least 1 validation and 1 training sample.", nameof(options));
            (train, validation) = train.Split(held, options.Seed ^ SplitSeedSalt);
        }

        var run = new FitRun(model, options, train, validation, batchSize, adversarial, new Rng(options.Seed ^ NoiseSeedSalt));
        if (options.ResumeFrom is { } resume) Checkpoint.Resume(resume, run);
        run.Run(sigma > 0f ? new float[batchSize * model.InputSize] : null, sigma);
        return run.History;
    }

    /// <summary>One epoch of batches for <see cref="FitRun"/>: the training loop body, shared by shuffled and class-balanced batches.</summary>
    internal static bool TrainBatch(FitRun run, StepRunner runner, in Batch clean, float[]? noisy, float sigma, int step, ref EpochTotals totals)
    {
        var model = run.Model;
        var batch = clean;
        if (noisy is not null)
        {
            var x = noisy.AsSpan(0, clean.Inputs.Length);
            model.InputConstraints.AddGaussianNoise(clean.Inputs, x, sigma, ref run.Noise);
            batch = new Batch(x, clean.Labels, clean.Targets, clean.Count);
        }
        if (run.Options.LearningRateSchedule is { } schedule)
            model.Optimizer.LearningRate = schedule.At(run.GlobalStep, run.StepsPerEpoch, (long)run.StepsPerEpoch * run.Options.Epochs);
        bool applied = runner.Step(in batch, step, run.StepsPerEpoch, out float loss, out int correct);
        run.GlobalStep++;
        if (!applied) return false;
        // Running accuracy over the batches as trained (plain steps only: an adversarial step trains on
        // a different batch than the one given, or through Forward/Backward).
        if (correct < 0) totals.Correct = -1;
        else if (totals.Correct >= 0) totals.Correct += correct;
        totals.AbsoluteError += runner.LastAbsoluteErrorSum;   // NaN (no MAE) sticks once any batch did not report it
        totals.Loss += (double)loss * batch.Count;
        totals.Seen += batch.Count;
        return true;
    }

    /// <summary>
    /// Mean loss and accuracy (or mean absolute error) of <paramref name="model"/> on <paramref name="data"/>, in batches of
    /// <see cref="IModel.MaxBatchSize"/> (<see cref="IModel.EvaluateBatch"/>, no update):
    /// <c>Loss = Σ LossSum / Count</c>, <c>Accuracy = Σ Correct / Count</c> (NaN when the model has no accuracy: a regression),
    /// <c>MeanAbsoluteError = Σ AbsoluteErrorSum / (Count·OutputSize)</c> (NaN unless every batch reported it: a regression).
    /// Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the model, or is empty.</exception>
    /// <param name="model">The model.</param>
    /// <param name="data">The samples; checked whole first (finite values, labels, and the declared input range), naming the row and column of the first offender.</param>
    /// <param name="checkInputRange">Reject inputs outside <see cref="IModel.InputMin"/>..<see cref="IModel.InputMax"/>. Default: true.</param>
    public static Evaluation Evaluate(IModel model, Dataset data, bool checkInputRange = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        DataCheck.Validate(model, data, "the dataset", checkInputRange);
        return EvaluateCore(model, data);
    }

    internal static Evaluation EvaluateCore(IModel model, Dataset data)
    {
        int size = model.MaxBatchSize, f = data.FeatureSize, t = data.TargetSize;
        var features = data.Features.AsSpan();
        var labels = data.Labels.AsSpan();
        var targets = data.Targets.AsSpan();
        bool classes = data.Labels is not null;
        double lossSum = 0, absoluteErrors = 0;
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
            absoluteErrors += r.AbsoluteErrorSum;
        }
        return new Evaluation(
            lossSum / data.Count,
            model.HasAccuracy ? (double)correct / data.Count : double.NaN,
            data.Count)
        {
            MeanAbsoluteError = absoluteErrors / ((double)data.Count * model.OutputSize),
        };
    }
}
