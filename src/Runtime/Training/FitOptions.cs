using System;
using System.IO;
using Axon.Adversarial;
using Axon.Data;

namespace Axon.Training;

/// <summary>How <see cref="Trainer.Fit"/> reports progress.</summary>
public enum ProgressMode
{
    /// <summary>
    /// <see cref="Lines"/> when the output is redirected (<see cref="Console.IsOutputRedirected"/>, as in CI)
    /// or is not the console; otherwise <see cref="Bar"/>. The default.
    /// </summary>
    Auto = 0,

    /// <summary>A live progress bar, rewritten in place with <c>\r</c> (batches done/total, running loss, samples/s), then one line per epoch.</summary>
    Bar = 1,

    /// <summary>One line per epoch, nothing in between: what a log file wants.</summary>
    Lines = 2,

    /// <summary>No output.</summary>
    None = 3,
}

/// <summary>Settings of <see cref="Trainer.Fit"/>; every property has a default, so <c>new FitOptions()</c> trains one epoch.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training set; at least 1. Default: 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// Samples per training step, at most the model's <see cref="IModel.MaxBatchSize"/>; the last batch
    /// of an epoch holds the remainder. Default (null): <c>min(32, MaxBatchSize)</c>.
    /// </summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// Fraction of the training set held out for validation, in [0, 1): <c>round(fraction·Count)</c>
    /// samples chosen at random from <see cref="Seed"/>, the same ones every epoch, never trained on.
    /// Default: 0 (no split). Not allowed together with <see cref="Validation"/>.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>A separate validation set, evaluated after every epoch. Default: null. Not allowed together with <see cref="ValidationSplit"/>.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Reshuffle the training samples every epoch. Default: true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Seed of the validation split and the shuffles: the same seed gives the same split and the
    /// same batch order on every run and machine. Default: 0.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>
    /// After every epoch, evaluate the whole training set to report its loss and accuracy at the
    /// end of the epoch (costs one forward pass over the training set). Default: false, when
    /// <see cref="EpochResult.TrainLoss"/> and <see cref="EpochResult.TrainAccuracy"/> are running figures over
    /// the epoch's batches as they were trained.
    /// </summary>
    public bool EvaluateTrainingSet { get; init; }

    /// <summary>Called after every epoch with its result (after the progress line is printed). Default: null.</summary>
    public Action<EpochResult>? OnEpochEnd { get; init; }

    /// <summary>How progress is printed. Default: <see cref="ProgressMode.Auto"/>.</summary>
    public ProgressMode Progress { get; init; }

    /// <summary>Where progress is printed. Default (null): <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>
    /// Adversarial training, FGSM (Goodfellow et al., 2015) or PGD (Madry et al., 2018), whose steps minimise
    /// <c>α·J(x) + (1 − α)·J(x_adv)</c>, or TRADES (Zhang et al., 2019), whose steps minimise
    /// <c>CE(f(x), y) + β·KL(p(x) ‖ p(x'))</c>; see <see cref="AdversarialTrainingOptions"/> for
    /// how, and for the batch size it needs (<c>2·BatchSize ≤ MaxBatchSize</c> for the default α = ½ and for TRADES).
    /// Default: null: the model's declared <c>[AdversarialTraining]</c> (<see cref="IModel.AdversarialTraining"/>) if it
    /// has one, else plain training. When both are set, this one wins.
    /// </summary>
    public AdversarialTrainingOptions? Adversarial { get; init; }

    /// <summary>
    /// Gaussian data augmentation: the standard deviation σ ≥ 0 (raw input units) of the noise added to every
    /// training input before each step, <c>x̃ = clip(x + σ·N(0, I), InputMin, InputMax)</c>
    /// (<see cref="Defenses.AddGaussianNoise"/>), fresh noise every step from <see cref="Seed"/>, so training stays
    /// deterministic. With <see cref="Adversarial"/> the attack starts from the noisy batch. Validation uses
    /// clean inputs. Default: 0 (off). It improves robustness to random noise, and only a little to worst-case
    /// perturbations; it is also how models for randomized smoothing (Cohen et al., 2019) are trained.
    /// </summary>
    public float GaussianNoise { get; init; }

    /// <summary>
    /// Gradual unfreezing: applied at the start of every epoch, it decides which layer groups train
    /// (the top one first, one more each epoch by default); see <see cref="GradualUnfreezing"/>.
    /// Default: null (the layers' own <see cref="Layer.IsFrozen"/> states are left alone).
    /// </summary>
    public GradualUnfreezing? Unfreezing { get; init; }
}
