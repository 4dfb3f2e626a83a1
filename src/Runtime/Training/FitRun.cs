using System;
using System.Collections.Generic;
using System.Diagnostics;
using Axon.Adversarial;
using Axon.Data;

namespace Axon.Training;

/// <summary>Running sums of one epoch.</summary>
internal struct EpochTotals
{
    public double Loss;
    public long Correct;   // -1 once any batch did not report its correct count
    public double AbsoluteError;   // NaN once any batch did not report its absolute errors (not a regression, or the model's own step)
    public int Seen;
}

/// <summary>
/// The state of one <see cref="Trainer.Fit"/> call after its checks: the model, the batches, the counters and random state that a
/// checkpoint saves, and the epoch loop.
/// </summary>
internal sealed class FitRun
{
    public FitRun(IModel model, FitOptions options, Dataset train, Dataset? validation, int batchSize, AdversarialStep? adversarial, Rng noise)
    {
        Model = model;
        Options = options;
        Train = train;
        Validation = validation;
        BatchSize = batchSize;
        Adversarial = adversarial;
        Noise = noise;
        if (options.DifferentialPrivacy is not null)
        {
            Poisson = new PoissonSampler(train, batchSize, options.Seed);
            StepsPerEpoch = Poisson.StepsPerEpoch;
        }
        else if (options.BalancedSampling)
        {
            int classes = model.TargetKind == TargetKind.ClassIndex ? model.OutputSize : 2;
            Sampler = new BalancedSampler(train, batchSize, classes, options.Seed);
            StepsPerEpoch = Sampler.BatchCount;
        }
        else
        {
            Batches = new BatchIterator(train, batchSize, options.Shuffle, options.Seed);
            StepsPerEpoch = Batches.BatchCount;
        }
        History = new History(options.Epochs);
    }

    public IModel Model { get; }
    public FitOptions Options { get; }
    public Dataset Train { get; }
    public Dataset? Validation { get; }
    public bool HasValidation => Validation is not null;
    public int BatchSize { get; }
    public AdversarialStep? Adversarial { get; }
    public BatchIterator? Batches { get; }
    public BalancedSampler? Sampler { get; }
    public PoissonSampler? Poisson { get; }
    public int StepsPerEpoch { get; }
    public History History { get; }

    /// <summary>The Gaussian-noise generator (a field: the noise kernel advances it by reference).</summary>
    public Rng Noise;

    /// <summary>The current epoch (the last completed one between epochs).</summary>
    public int Epoch { get; set; }

    /// <summary>Steps attempted since the run began: the learning-rate schedule's <c>t</c>.</summary>
    public long GlobalStep { get; set; }

    public string? StopReason { get; set; }

    /// <summary>Whether this process writes the run's files: always, except on ranks other than 0 of a <see cref="FitOptions.ProcessGroup"/>.</summary>
    public bool WritesFiles => Options.ProcessGroup is not { IsRoot: false };

    /// <summary>Replays the batch order of <paramref name="epochs"/> finished epochs (a resumed run then shuffles as the original did).</summary>
    public void SkipEpochs(int epochs)
    {
        for (int e = 0; e < epochs; e++)
        {
            if (Batches is not null) Batches.GetEnumerator();
            else Sampler!.BeginEpoch();
        }
    }

    public void Run(float[]? noisy, float sigma)
    {
        var model = Model;
        var options = Options;
        var runner = new StepRunner(model, options, Adversarial, BatchSize);
        var parallel = runner.Parallel;
        parallel?.Begin(this);
        // Data-parallel: rank 0 speaks for the group (the figures it prints are the group's, reduced below).
        var printer = parallel is { Group.IsRoot: false } ? null : ProgressPrinter.Create(options, StepsPerEpoch);
        var context = new TrainingContext(this);
        // Indexed loops: foreach over the interface would allocate an enumerator every epoch.
        IReadOnlyList<Callback> callbacks = options.Callbacks ?? [];
        for (int i = 0; i < callbacks.Count; i++) callbacks[i].OnTrainBegin(context);

        for (int epoch = Epoch + 1; epoch <= options.Epochs; epoch++)
        {
            Epoch = epoch;
            options.Unfreezing?.Apply(model, epoch);
            for (int i = 0; i < callbacks.Count; i++) callbacks[i].OnEpochBegin(context);
            printer?.BeginEpoch(epoch);
            runner.BeginEpoch(epoch);
            float learningRate = model.Optimizer.LearningRate;
            long start = Stopwatch.GetTimestamp();
            var totals = new EpochTotals();
            int step = 0;
            if (Batches is not null)
            {
                foreach (var batch in Batches)
                    if (Trainer.TrainBatch(this, runner, in batch, noisy, sigma, ++step, ref totals))
                        printer?.Batch(step, totals.Seen, totals.Loss / totals.Seen, start);
            }
            else if (Poisson is not null)
            {
                for (int b = 0; b < StepsPerEpoch; b++)
                {
                    var batch = Poisson.Next();
                    if (Trainer.TrainBatch(this, runner, in batch, noisy, sigma, ++step, ref totals))
                        printer?.Batch(step, totals.Seen, totals.Loss / totals.Seen, start);
                }
            }
            else
            {
                Sampler!.BeginEpoch();
                for (int b = 0; b < StepsPerEpoch; b++)
                {
                    var batch = Sampler.Get(b);
                    if (Trainer.TrainBatch(this, runner, in batch, noisy, sigma, ++step, ref totals))
                        printer?.Batch(step, totals.Seen, totals.Loss / totals.Seen, start);
                }
            }
            runner.EndEpoch(StepsPerEpoch);
            if (parallel is not null)
            {
                parallel.Reduce(ref totals);
                parallel.CheckInSync(epoch);
            }
            if (totals.Seen == 0)
                throw new TrainingDivergedException(
                    $"{model.Name}: every one of the {StepsPerEpoch} batches of epoch {epoch} had a non-finite loss or gradient and was skipped; " +
                    "the model is as it was at the start of the epoch. Lower the learning rate or check the data.", epoch, StepsPerEpoch, $"the start of epoch {epoch}");
            long trained = Stopwatch.GetTimestamp();

            double trainLoss = totals.Loss / totals.Seen, trainAccuracy = totals.Correct >= 0 ? (double)totals.Correct / totals.Seen : double.NaN;
            double trainMae = totals.AbsoluteError / ((double)totals.Seen * model.OutputSize);
            if (options.EvaluateTrainingSet)
            {
                var e = Trainer.EvaluateCore(model, Train);
                if (parallel is not null) e = parallel.Reduce(e);
                trainLoss = e.Loss;
                trainAccuracy = e.Accuracy;
                trainMae = e.MeanAbsoluteError;
            }
            double validationLoss = double.NaN, validationAccuracy = double.NaN, validationMae = double.NaN;
            if (Validation is not null)
            {
                var e = Trainer.EvaluateCore(model, Validation);
                if (parallel is not null) e = parallel.Reduce(e);
                validationLoss = e.Loss;
                validationAccuracy = e.Accuracy;
                validationMae = e.MeanAbsoluteError;
            }
            long end = Stopwatch.GetTimestamp();

            double trainSeconds = Stopwatch.GetElapsedTime(start, trained).TotalSeconds;
            var result = new EpochResult(
                epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy,
                Stopwatch.GetElapsedTime(start, end).TotalSeconds,
                trainSeconds > 0 ? totals.Seen / trainSeconds : double.PositiveInfinity)
            {
                LearningRate = options.LearningRateSchedule is null ? learningRate : model.Optimizer.LearningRate,
                SkippedBatches = runner.Skipped,
                Epsilon = options.DifferentialPrivacy is { } dp ? dp.Epsilon(Poisson!.SampleRate, GlobalStep) : double.NaN,
                TrainMeanAbsoluteError = trainMae,
                ValidationMeanAbsoluteError = validationMae,
            };
            History.Add(result);
            printer?.EndEpoch(result);
            options.OnEpochEnd?.Invoke(result);
            for (int i = 0; i < callbacks.Count; i++) callbacks[i].OnEpochEnd(context, result);
            if (StopReason is not null) break;
        }
        for (int i = 0; i < callbacks.Count; i++) callbacks[i].OnTrainEnd(context);
    }
}
