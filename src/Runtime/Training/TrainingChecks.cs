using System;
using Axon.Data;

namespace Axon.Training;

/// <summary>Checks of the options that change the objective, before anything is trained.</summary>
internal static class TrainingChecks
{
    public static void LossOptions(IModel model, Dataset train, FitOptions options, bool adversarial)
    {
        var loss = model.Loss;
        bool changesLoss = options.ClassWeights is not null || options.PositiveClassWeight != 1f || options.FocalLoss is not null
            || options.L1 != 0f || options.GradientClipNorm is not null;
        if (changesLoss && (adversarial || loss == Loss.None))
            throw new NotSupportedException(adversarial
                ? "ClassWeights, PositiveClassWeight, FocalLoss, L1 and GradientClipNorm are not supported with adversarial training (its steps are the model's own)."
                : $"ClassWeights, PositiveClassWeight, FocalLoss, L1 and GradientClipNorm need a model that declares its loss (IModel.Loss); {model.Name} does not.");

        if (options.ClassWeights is { } weights)
        {
            int expected = loss switch
            {
                Loss.SoftmaxCrossEntropy => model.OutputSize,
                Loss.BinaryCrossEntropy => 2,
                _ => throw new ArgumentException($"ClassWeights need a cross-entropy model; {model.Name} trains with {loss}.", nameof(options)),
            };
            if (weights.Length != expected)
                throw new ArgumentException(loss == Loss.SoftmaxCrossEntropy
                    ? $"ClassWeights has {weights.Length} weights; {model.Name} has {expected} classes, so expected {expected}."
                    : $"ClassWeights has {weights.Length} weights; a binary cross-entropy model takes 2 (class 0, class 1).", nameof(options));
            bool positive = false;
            for (int c = 0; c < weights.Length; c++)
            {
                if (!(weights[c] >= 0f) || float.IsInfinity(weights[c]))
                    throw new ArgumentOutOfRangeException(nameof(options), weights[c], $"ClassWeights[{c}] is {weights[c]}; expected a finite weight ≥ 0.");
                positive |= weights[c] > 0f;
            }
            if (!positive) throw new ArgumentException("every ClassWeights entry is 0; expected at least one positive weight.", nameof(options));
        }
        float p = options.PositiveClassWeight;
        if (!(p > 0f) || float.IsInfinity(p))
            throw new ArgumentOutOfRangeException(nameof(options), p, $"PositiveClassWeight is {p}; expected a finite weight > 0.");
        if (p != 1f && loss != Loss.BinaryCrossEntropy)
            throw new ArgumentException($"PositiveClassWeight applies to binary cross-entropy; {model.Name} trains with {loss}. Use ClassWeights.", nameof(options));
        if (options.FocalLoss is not null && loss is not (Loss.SoftmaxCrossEntropy or Loss.BinaryCrossEntropy))
            throw new ArgumentException($"FocalLoss needs a cross-entropy model; {model.Name} trains with {loss}.", nameof(options));
        if (options.FocalLoss is not null && p != 1f)
            throw new ArgumentException("FocalLoss and PositiveClassWeight both weight the positive class; use FocalLoss's alpha.", nameof(options));
        if (options.FocalLoss is { Alpha: not null } && loss != Loss.BinaryCrossEntropy)
            throw new ArgumentException("FocalLoss alpha applies to binary cross-entropy models; for softmax models weight classes with ClassWeights.", nameof(options));
        if (!(options.L1 >= 0f) || float.IsInfinity(options.L1))
            throw new ArgumentOutOfRangeException(nameof(options), options.L1, $"L1 is {options.L1}; expected a finite value ≥ 0.");
        if (options.GradientClipNorm is float c2 && (!(c2 > 0f) || float.IsInfinity(c2)))
            throw new ArgumentOutOfRangeException(nameof(options), c2, $"GradientClipNorm is {c2}; expected a finite norm > 0.");
        if (!Enum.IsDefined(options.OnNonFinite))
            throw new ArgumentOutOfRangeException(nameof(options), options.OnNonFinite, $"OnNonFinite is {options.OnNonFinite}; expected Stop or SkipBatch.");
        if (options.BalancedSampling && model.TargetKind != TargetKind.ClassIndex && !(loss == Loss.BinaryCrossEntropy && train.TargetSize == 1))
            throw new ArgumentException(
                $"BalancedSampling needs classes: a class-index model or a binary cross-entropy model with one target; {model.Name} is neither.", nameof(options));
        if (options.DifferentialPrivacy is { } dp) DifferentialPrivacy(model, options, dp, adversarial);
        if (options.Callbacks is { } callbacks)
            for (int i = 0; i < callbacks.Count; i++)
                if (callbacks[i] is null) throw new ArgumentException($"Callbacks[{i}] is null.", nameof(options));
    }

    private static void DifferentialPrivacy(IModel model, FitOptions options, Privacy.DpSgdOptions dp, bool adversarial)
    {
        dp.Validate();
        string? clash = adversarial ? "adversarial training"
            : options.GaussianNoise != 0f ? "GaussianNoise"
            : options.BalancedSampling ? "BalancedSampling"
            : options.ClassWeights is not null ? "ClassWeights"
            : options.PositiveClassWeight != 1f ? "PositiveClassWeight"
            : options.FocalLoss is not null ? "FocalLoss"
            : options.L1 != 0f ? "L1"
            : options.GradientClipNorm is not null ? "GradientClipNorm (DP-SGD clips each sample's gradient to DifferentialPrivacy.MaxGradientNorm)"
            : options.ResumeFrom is not null ? "ResumeFrom (a checkpoint does not hold the DP sampler's and noise's random state)"
            : options.ProcessGroup is not null ? "ProcessGroup (data-parallel steps would sum several ranks' noise and batches)"
            : null;
        if (clash is not null)
            throw new NotSupportedException($"DifferentialPrivacy (DP-SGD) cannot be combined with {clash}; its privacy accounting covers plain DP-SGD steps only.");
        if (model.Loss == Loss.None)
            throw new NotSupportedException($"DifferentialPrivacy needs a model that declares its loss (IModel.Loss) to compute per-sample gradients; {model.Name} does not.");
        foreach (var layer in model.Layers)
            if (layer.MixesSamples)
                throw new NotSupportedException(
                    $"DifferentialPrivacy is not supported for {model.Name}: layer {layer.Name} is a {layer.Kind}, whose batch statistics mix samples, so a " +
                    "sample's gradient depends on the others and cannot be clipped alone (Opacus rejects it too). Use [LayerNorm] instead.");
    }
}
