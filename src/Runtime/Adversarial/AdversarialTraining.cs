using System;

namespace Axon.Adversarial;

/// <summary>
/// Adversarial training with the fast gradient sign method (Goodfellow, Shlens and Szegedy, 2015,
/// "Explaining and harnessing adversarial examples"), set with <see cref="Training.FitOptions.Adversarial"/>.
/// Every training step minimises
/// <c>J̃(θ, x, y) = α·J(θ, x, y) + (1 − α)·J(θ, x + ε·sign(∇ₓJ(θ, x, y)), y)</c>,
/// where <c>J</c> is the model's mean loss over the batch and the FGSM examples are computed
/// (<see cref="Attacks.Fgsm"/>, clipped to the declared input range) from the parameters of that step.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="IModel.TrainStep"/> has no per-sample weights and every call is one optimizer update,
/// so the objective is realised exactly by the batch that is given to one <c>TrainStep</c>: its mean
/// loss is the objective when the batch holds <c>p</c> copies of the clean samples and <c>q − p</c>
/// copies of their FGSM examples, with <c>α = p/q</c>. For the default <c>α = ½</c> that is the clean
/// batch followed by its FGSM examples (<c>2·BatchSize ≤ MaxBatchSize</c> is needed); <c>α = 1</c>
/// is plain training and <c>α = 0</c> trains on the FGSM examples only (<c>q = 1</c>). Other
/// values are accepted only when they are a fraction <c>p/q</c> with <c>q·BatchSize ≤ MaxBatchSize</c>
/// (for example ⅓ or ¼ with small batches); anything else is rejected, because it cannot be done
/// exactly through <see cref="IModel"/>. This relies on each sample's loss depending on that sample
/// only, which holds for every Axon layer (no batch statistics, no dropout).
/// </para>
/// <para>
/// The reported training loss (<see cref="Training.EpochResult.TrainLoss"/>) is then the mean of
/// <c>J̃</c>, not of the clean loss. Validation and <see cref="Training.FitOptions.EvaluateTrainingSet"/>
/// use clean inputs.
/// </para>
/// </remarks>
public sealed class AdversarialTrainingOptions
{
    /// <summary>The FGSM budget ε (L∞, in raw input units), finite and ≥ 0. Goodfellow et al. used 0.25 on MNIST in [0, 1]; 0.1 is a common choice on Fashion-MNIST.</summary>
    public required float Epsilon { get; init; }

    /// <summary>Weight α ∈ [0, 1] of the clean loss; <c>1 − α</c> weighs the FGSM loss. Default: 0.5, as in Goodfellow et al.</summary>
    public double Alpha { get; init; } = 0.5;
}

/// <summary>
/// One <see cref="AdversarialTrainingOptions"/> training step per batch, with buffers allocated
/// once per <see cref="Training.Trainer.Fit"/>: no allocation per batch.
/// </summary>
internal sealed class AdversarialStep
{
    private readonly float _epsilon;
    private readonly int _clean, _copies; // α = _clean / _copies
    private readonly float[] _adversarial, _gradient, _inputs;
    private readonly int[]? _labels;
    private readonly float[]? _targets;

    private AdversarialStep(float epsilon, int clean, int copies, int batchSize, int inputSize, int targetSize, bool labels)
    {
        _epsilon = epsilon;
        _clean = clean;
        _copies = copies;
        _adversarial = new float[batchSize * inputSize];
        _gradient = new float[batchSize * inputSize];
        _inputs = new float[copies * batchSize * inputSize];
        if (labels) _labels = new int[copies * batchSize];
        else _targets = new float[copies * batchSize * targetSize];
    }

    /// <summary>Checks the options against the model and batch size (before anything is trained) and allocates the buffers.</summary>
    public static AdversarialStep Create(IModel model, int batchSize, AdversarialTrainingOptions options)
    {
        float epsilon = options.Epsilon;
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(options), epsilon, $"Adversarial.Epsilon is {epsilon}; expected a finite value ≥ 0.");
        double alpha = options.Alpha;
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), alpha, $"Adversarial.Alpha is {alpha}; expected a weight in [0, 1].");

        int maxCopies = model.MaxBatchSize / batchSize;
        for (int q = 1; q <= maxCopies; q++)
        {
            double p = Math.Round(alpha * q);
            if (Math.Abs(alpha * q - p) <= 1e-9)
                return new AdversarialStep(epsilon, (int)p, q, batchSize, model.InputSize, model.OutputSize, model.TargetKind == TargetKind.ClassIndex);
        }
        if (alpha == 0.5)
            throw new ArgumentException(
                $"adversarial training with Alpha 0.5 trains on each batch followed by its FGSM examples, so it needs 2·BatchSize ≤ MaxBatchSize; " +
                $"BatchSize is {batchSize} and {model.Name} was constructed for batches of at most {model.MaxBatchSize}. " +
                $"Use BatchSize ≤ {model.MaxBatchSize / 2} or construct the model with maxBatchSize: {2 * batchSize}.", nameof(options));
        throw new ArgumentException(
            $"Adversarial.Alpha {alpha} cannot be applied exactly: IModel.TrainStep has no sample weights, so the objective " +
            "α·J(x) + (1−α)·J(x_FGSM) is trained as one batch of p clean copies and q−p FGSM copies of each sample (α = p/q), " +
            $"which needs q·BatchSize ≤ MaxBatchSize, and no fraction equal to {alpha} has q ≤ {maxCopies} (MaxBatchSize {model.MaxBatchSize} / BatchSize {batchSize}). " +
            "Use Alpha 0.5 (the default, needs 2·BatchSize ≤ MaxBatchSize), 0, 1, or a simple fraction with a smaller BatchSize.", nameof(options));
    }

    /// <summary>One optimizer step on the objective for <paramref name="batch"/>; returns the objective's mean loss.</summary>
    public float TrainStep(IModel model, in Batch batch)
    {
        int n = batch.Count, f = model.InputSize;
        int rows = n * f;
        var inputs = _inputs.AsSpan(0, _copies * rows);
        if (_clean < _copies)
        {
            var adversarial = _adversarial.AsSpan(0, rows);
            Attacks.Fgsm(model, batch, _epsilon, adversarial, _gradient.AsSpan(0, rows));
            for (int c = _clean; c < _copies; c++) adversarial.CopyTo(inputs.Slice(c * rows, rows));
        }
        for (int c = 0; c < _clean; c++) batch.Inputs.CopyTo(inputs.Slice(c * rows, rows));

        if (_labels is not null)
        {
            var labels = _labels.AsSpan(0, _copies * n);
            for (int c = 0; c < _copies; c++) batch.Labels.CopyTo(labels.Slice(c * n, n));
            return model.TrainStep(new Batch(inputs, labels, default, _copies * n));
        }
        int t = batch.Targets.Length;
        var targets = _targets.AsSpan(0, _copies * t);
        for (int c = 0; c < _copies; c++) batch.Targets.CopyTo(targets.Slice(c * t, t));
        return model.TrainStep(new Batch(inputs, default, targets, _copies * n));
    }
}
