using System;
using System.Collections.Generic;
using System.IO;
using Axon.Data;

namespace Axon.Training;

/// <summary>Settings of <see cref="FineTune.Run"/>. Only <see cref="Head"/> is required.</summary>
public sealed class FineTuneOptions
{
    /// <summary>
    /// The first layer of the new head (<c>model.Logits</c>): it and every layer after it are the
    /// head, every layer before it is the body. Required; a layer of the model being tuned, with at
    /// least one layer with parameters before it.
    /// </summary>
    public required Layer Head { get; init; }

    /// <summary>Epochs of stage 1, which trains the head with the body frozen; at least 0. Default: 1 (fastai's <c>freeze_epochs</c>).</summary>
    public int HeadEpochs { get; init; } = 1;

    /// <summary>Epochs of stage 2, which trains every layer with discriminative rates; at least 0. Default: 3.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>
    /// Learning rate of the lowest body group in stage 2, relative to the head's stage-2 rate; in
    /// (0, 1]. Default: 0.1, one decade from the bottom of the body to the head (ULMFiT's factor
    /// 2.6 per layer over three or four groups). fastai's <c>fine_tune</c> uses 0.01 for deep
    /// ImageNet models; on the small CNN of examples/TransferLearning, 0.01 leaves the body
    /// nearly frozen and fine-tunes worse than 0.1.
    /// </summary>
    public float BodyRateFactor { get; init; } = 0.1f;

    /// <summary>
    /// The head's learning rate in stage 2 relative to stage 1 (the optimizer's rate <c>η</c>);
    /// finite and positive. Default: 0.5 (fastai halves the base rate when it unfreezes).
    /// </summary>
    public float UnfrozenRateFactor { get; init; } = 0.5f;

    /// <summary>Samples per step, at most the model's <see cref="IModel.MaxBatchSize"/>. Default (null): <c>min(32, MaxBatchSize)</c>.</summary>
    public int? BatchSize { get; init; }

    /// <summary>A validation set, evaluated after every epoch of both stages. Default: null.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Seed of the shuffles: stage 1 uses <c>Seed</c>, stage 2 <c>Seed + 1</c>. Default: 0.</summary>
    public long Seed { get; init; }

    /// <summary>How progress is printed. Default: <see cref="ProgressMode.Auto"/>.</summary>
    public ProgressMode Progress { get; init; }

    /// <summary>Where progress is printed. Default (null): <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Called after every epoch of both stages (epochs are numbered from 1 in each stage). Default: null.</summary>
    public Action<EpochResult>? OnEpochEnd { get; init; }
}

/// <summary>What <see cref="FineTune.Run"/> trained.</summary>
/// <param name="Head">Stage 1: the head alone, body frozen (empty when <see cref="FineTuneOptions.HeadEpochs"/> is 0).</param>
/// <param name="All">Stage 2: every layer, discriminative rates (empty when <see cref="FineTuneOptions.Epochs"/> is 0).</param>
public sealed record FineTuneResult(History Head, History All)
{
    /// <summary>Training seconds of both stages.</summary>
    public double TotalSeconds => Head.TotalSeconds + All.TotalSeconds;
}

/// <summary>
/// The standard fine-tuning recipe for a model whose body was copied from a pretrained one
/// (<c>CopyFrom</c> of a <c>[TransferFrom]</c> model), after fastai's <c>fine_tune</c>.
/// </summary>
public static class FineTune
{
    /// <summary>
    /// Fine-tunes <paramref name="model"/> in two stages. Stage 1 freezes the body (every layer
    /// before <see cref="FineTuneOptions.Head"/>) and trains the head for
    /// <see cref="FineTuneOptions.HeadEpochs"/> epochs at the optimizer's rate <c>η</c>, so the random
    /// head learns to read the pretrained features before any gradient from it reaches them. Stage 2
    /// unfreezes everything, resets the optimizer's state and trains every layer for
    /// <see cref="FineTuneOptions.Epochs"/> epochs with discriminative rates.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Stage 2's rates, with <c>u</c> = <see cref="FineTuneOptions.UnfrozenRateFactor"/> and
    /// <c>b</c> = <see cref="FineTuneOptions.BodyRateFactor"/>: the body's default layer groups
    /// (<see cref="TransferExtensions.LayerGroups"/>) plus the head as one group, <c>m</c> groups
    /// in all, get <c>η_k = η·u·b^(1 − k/(m − 1))</c> for <c>k = 0 … m − 1</c>
    /// (<see cref="TransferExtensions.SetDiscriminativeLearningRates"/> from <c>η·u·b</c> to <c>η·u</c>):
    /// the lowest body group <c>η·u·b</c>, the head <c>η·u</c>.
    /// </para>
    /// <para>
    /// The optimizer is reset between the stages (moments and step count, as a new optimizer)
    /// because Adam's bias correction counts the model's steps, not each layer's: body layers
    /// joining with zero moments after many steps would take their first steps at up to 6.5× their rate.
    /// Unlike fastai, the rate is constant within a stage (Axon has no one-cycle schedule).
    /// </para>
    /// <para>
    /// The data, the batch size and the settings are checked before the model changes. Afterwards
    /// every layer is unfrozen and keeps its stage-2 <see cref="Layer.LearningRateScale"/>
    /// (<see cref="TransferExtensions.ResetLearningRates"/> restores 1).
    /// </para>
    /// </remarks>
    /// <param name="model">The model, its body already pretrained (e.g. by <c>CopyFrom</c>); updated in place.</param>
    /// <param name="train">The training set.</param>
    /// <param name="options">The settings; <see cref="FineTuneOptions.Head"/> is required.</param>
    /// <returns>The histories of both stages.</returns>
    /// <exception cref="ArgumentException">The data does not fit the model, or a setting is out of range.</exception>
    public static FineTuneResult Run(IModel model, Dataset train, FineTuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var bodyStarts = Check(model, train, options);

        var head = options.Head;
        var layers = model.Layers;
        float rate = model.Optimizer.LearningRate;

        // Stage 1: the head alone, at the optimizer's own rate.
        model.UnfreezeAll();
        model.ResetLearningRates();
        model.FreezeUpTo(layers[head.Index - 1]);
        var headHistory = options.HeadEpochs > 0 ? model.Fit(train, Stage(options, options.HeadEpochs, options.Seed)) : new History(0);

        // Stage 2: everything, lower groups slower, with a fresh optimizer state.
        model.UnfreezeAll();
        model.Optimizer.Reset();
        var groupStarts = new List<Layer>(bodyStarts) { head };
        float highest = rate * options.UnfrozenRateFactor;
        model.SetDiscriminativeLearningRates(highest * options.BodyRateFactor, highest, groupStarts);
        var allHistory = options.Epochs > 0 ? model.Fit(train, Stage(options, options.Epochs, options.Seed + 1)) : new History(0);
        return new FineTuneResult(headHistory, allHistory);
    }

    private static FitOptions Stage(FineTuneOptions options, int epochs, long seed) => new()
    {
        Epochs = epochs,
        BatchSize = options.BatchSize,
        Validation = options.Validation,
        Seed = seed,
        Progress = options.Progress,
        Output = options.Output,
        OnEpochEnd = options.OnEpochEnd,
    };

    /// <summary>Checks everything before the model changes; returns the first layer of each body group.</summary>
    private static List<Layer> Check(IModel model, Dataset train, FineTuneOptions options)
    {
        if (options.Head is null)
            throw new ArgumentException("FineTuneOptions.Head is null; expected the first layer of the head (model.Logits).", nameof(options));
        int head = TransferExtensions.IndexOf(model, options.Head, nameof(options));
        if (options.HeadEpochs < 0 || options.Epochs < 0 || options.HeadEpochs + (long)options.Epochs == 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"HeadEpochs is {options.HeadEpochs} and Epochs {options.Epochs}; expected both ≥ 0 and at least one positive.");
        if (!(options.BodyRateFactor > 0f && options.BodyRateFactor <= 1f))
            throw new ArgumentOutOfRangeException(nameof(options), options.BodyRateFactor, $"BodyRateFactor is {options.BodyRateFactor}; expected a factor in (0, 1].");
        if (!(options.UnfrozenRateFactor > 0f) || float.IsInfinity(options.UnfrozenRateFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.UnfrozenRateFactor, $"UnfrozenRateFactor is {options.UnfrozenRateFactor}; expected a finite positive factor.");
        float rate = model.Optimizer.LearningRate;
        if (!(rate > 0f) || float.IsInfinity(rate))
            throw new ArgumentException($"{model.Name}'s optimizer has learning rate {rate}; expected a finite positive rate.", nameof(model));
        int batchSize = options.BatchSize ?? Math.Min(Trainer.DefaultBatchSize, model.MaxBatchSize);
        if (batchSize < 1 || batchSize > model.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(options), batchSize, $"BatchSize is {batchSize}; expected 1 to {model.Name}'s MaxBatchSize, {model.MaxBatchSize}.");
        DataCheck.Validate(model, train, "the training set", checkRange: true);
        if (options.Validation is not null) DataCheck.Validate(model, options.Validation, "the validation set", checkRange: true);

        var starts = new List<Layer>();
        foreach (var group in model.LayerGroups())
            if (group[0].Index < head) starts.Add(group[0]);
        bool bodyHasParameters = false;
        for (int i = 0; i < head; i++) bodyHasParameters |= model.Layers[i].ParameterCount > 0;
        if (!bodyHasParameters)
            throw new ArgumentException(
                $"{options.Head.Name} is {model.Name}'s first layer with parameters, so there is no body to freeze; expected the first layer of the head.", nameof(options));
        return starts;
    }
}
