using System;
using System.Collections.Generic;
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
    /// training input before each step, <c>x̃ = clip(x + σ·N(0, I), range)</c> with each column's own range, ids and immutable
    /// columns left bitwise unchanged and integer columns rounded (<see cref="InputConstraints.AddGaussianNoise"/>), fresh noise every step from <see cref="Seed"/>, so training stays
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
    /// <summary>
    /// Check before the first step that every input value lies in the model's declared range
    /// (<c>[Input(…, Min = …, Max = …)]</c>, <see cref="IModel.InputMin"/> to <see cref="IModel.InputMax"/>), for the training and
    /// the validation set. Out-of-range data (pixels 0-255 fed to a model declared for [0, 1]) then fails with the dataset row and
    /// column of the first offender, before anything is trained. Default: true. Set false to train on values outside the declared
    /// range on purpose (the declared range still bounds attacks and noise). Finite values and valid labels are always checked.
    /// </summary>
    public bool CheckInputRange { get; init; } = true;

    /// <summary>
    /// What a step whose loss or gradients are not finite does. <see cref="NonFiniteAction.Stop"/> (the default) throws
    /// <see cref="TrainingDivergedException"/> naming the epoch and step, with the model's parameters and optimizer state as they
    /// were before that step; <see cref="NonFiniteAction.SkipBatch"/> leaves the model as it was before the step and goes on with the
    /// next batch (counted in <see cref="EpochResult.SkippedBatches"/>). See docs/training.md for how it is checked and what it costs.
    /// </summary>
    public NonFiniteAction OnNonFinite { get; init; } = NonFiniteAction.Stop;

    /// <summary>
    /// Callbacks run at the start and end of training and of every epoch, in order; they can stop training
    /// (<see cref="EarlyStopping"/>), save checkpoints (<see cref="ModelCheckpoint"/>) and change the learning rate
    /// (<see cref="ReduceLROnPlateau"/>). Default: null (none).
    /// </summary>
    public IReadOnlyList<Callback>? Callbacks { get; init; }

    /// <summary>
    /// Sets the optimizer's learning rate before every step from the step number (<see cref="StepDecay"/>, <see cref="ExponentialDecay"/>,
    /// <see cref="CosineDecay"/> with warm-up, <see cref="OneCycle"/>). Default: null: the optimizer's own learning rate is left alone.
    /// Not allowed together with <see cref="ReduceLROnPlateau"/>, which also sets it.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// Per-class loss weights <c>w_c ≥ 0</c>, one per class: for softmax cross-entropy models <c>OutputSize</c> weights and the loss
    /// <c>Σᵢ w_{yᵢ}·CEᵢ / Σᵢ w_{yᵢ}</c> (PyTorch's <c>CrossEntropyLoss(weight)</c>); for a binary cross-entropy model two weights (class 0,
    /// class 1) and the loss <c>(1/n)·Σᵢ (w₀(1 − tᵢ) + w₁tᵢ)·BCEᵢ</c> (PyTorch's <c>BCEWithLogitsLoss(weight)</c>). Use
    /// <see cref="ClassWeighting.Balanced"/> for <c>n / (K·n_c)</c>. Default: null (all 1). Validation losses stay unweighted.
    /// </summary>
    public float[]? ClassWeights { get; init; }

    /// <summary>
    /// Weight <c>p &gt; 0</c> of the positive targets of a binary cross-entropy model (PyTorch's <c>pos_weight</c>):
    /// <c>ℓ = −[p·t·log σ(z) + (1 − t)·log(1 − σ(z))]</c>. <c>p = n_neg / n_pos</c> balances the classes. Default: 1 (plain BCE).
    /// </summary>
    public float PositiveClassWeight { get; init; } = 1f;

    /// <summary>
    /// Train on the focal loss (Lin et al., 2017) instead of cross-entropy: <c>FL = −α_t·(1 − p_t)^γ·log p_t</c>, which down-weights
    /// examples the model already classifies well; see <see cref="Training.FocalLoss"/>. Default: null (cross-entropy).
    /// </summary>
    public FocalLoss? FocalLoss { get; init; }

    /// <summary>
    /// Class-balanced batches: every epoch draws <c>Count</c> samples with replacement, each class with probability <c>1/K</c> and a
    /// sample uniformly within its class, so minority classes are over-sampled (for a binary cross-entropy model the classes are
    /// <c>t ≥ 0.5</c> and <c>t &lt; 0.5</c>). Default: false.
    /// </summary>
    public bool BalancedSampling { get; init; }

    /// <summary>
    /// L1 regularisation λ ≥ 0 of the kernels (<see cref="Layer.IsKernel"/>: Dense, Conv1D, Conv2D, Lstm and Gru weights; not
    /// biases, embedding tables or normalisation scales) of every layer that is not frozen: the loss gains <c>λ·Σ|w|</c> and
    /// the gradient <c>λ·sign(w)</c>, as Keras's <c>kernel_regularizer = regularizers.L1</c>. Default: 0 (off).
    /// </summary>
    public float L1 { get; init; }

    /// <summary>
    /// Clip the gradient by its global L2 norm over every layer that is not frozen, as PyTorch's <c>clip_grad_norm_</c>:
    /// <c>g ← g·min(1, c/(‖g‖₂ + 10⁻⁶))</c>. Default: null (off). Must be finite and positive.
    /// </summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>
    /// Continue a run from a checkpoint written by <see cref="ModelCheckpoint"/>: the parameters, the optimizer state, the learning
    /// rate, the epoch and step counters, the shuffles' random state and the history so far are restored, and training continues at the
    /// next epoch up to <see cref="Epochs"/> (the total, as Keras's <c>initial_epoch</c>). With the same options and data a resumed run is
    /// bitwise the run that was never stopped (see docs/training.md). Default: null.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Train with DP-SGD (Abadi et al. 2016, as Opacus): Poisson-sampled batches of expected size <see cref="BatchSize"/>, each sample's
    /// gradient clipped to <see cref="Privacy.DpSgdOptions.MaxGradientNorm"/>, Gaussian noise added to their sum, and the (ε, δ) spent reported
    /// per epoch in <see cref="EpochResult.Epsilon"/>; see <see cref="Privacy.DpSgdOptions"/>. Default: null (ordinary training). Not allowed
    /// with adversarial training, <see cref="GaussianNoise"/>, <see cref="BalancedSampling"/>, <see cref="ClassWeights"/>,
    /// <see cref="PositiveClassWeight"/>, <see cref="FocalLoss"/>, <see cref="L1"/>, <see cref="GradientClipNorm"/>, <see cref="ResumeFrom"/>,
    /// on a model that does not declare its loss, or on a model with a BatchNorm layer.
    /// </summary>
    public Privacy.DpSgdOptions? DifferentialPrivacy { get; init; }

    /// <summary>
    /// Train data-parallel with the other ranks of this group (the Axon.Distributed package's <c>MpiProcessGroup</c>): every rank calls
    /// Fit with the same model and options and its own shard of the training data (<c>Dataset.Shard</c>, equal counts); rank 0's weights
    /// and optimizer state are copied to every rank at the start; each step sums the ranks' gradients in one all-reduce, so the global
    /// batch is <c>Size·BatchSize</c> and every rank takes the same optimizer step; the epoch's figures and validation are combined over
    /// the ranks, progress is printed and checkpoints are written by rank 0 only. Needs a model that declares its loss, without
    /// adversarial training. See docs/distributed.md. Default: null (this process alone).
    /// </summary>
    public ProcessGroup? ProcessGroup { get; init; }
}
