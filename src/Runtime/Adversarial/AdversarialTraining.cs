using System;

namespace Axon.Adversarial;

/// <summary>How <see cref="AdversarialTrainingOptions"/> makes the adversarial examples it trains on.</summary>
public enum AdversarialMethod
{
    /// <summary>One FGSM step, <c>x + ε·sign(∇ₓJ)</c> (<see cref="Attacks.Fgsm"/>; Goodfellow et al., 2015).</summary>
    Fgsm = 0,

    /// <summary>
    /// L∞ PGD from a random start (<see cref="Attacks.Pgd"/>; Madry et al., 2018, "Towards deep learning
    /// models resistant to adversarial attacks"), with <see cref="AdversarialTrainingOptions.Steps"/> steps
    /// of <see cref="AdversarialTrainingOptions.StepSize"/>.
    /// </summary>
    Pgd = 1,
}

/// <summary>
/// Adversarial training, set with <see cref="Training.FitOptions.Adversarial"/>: FGSM (Goodfellow, Shlens and
/// Szegedy, 2015, "Explaining and harnessing adversarial examples") or PGD (Madry et al., 2018) examples.
/// Every training step minimises
/// <c>J̃(θ, x, y) = α·J(θ, x, y) + (1 − α)·J(θ, x_adv, y)</c>,
/// where <c>J</c> is the model's mean loss over the batch and the adversarial examples <c>x_adv</c> are
/// computed from the parameters of that step: <c>x + ε·sign(∇ₓJ(θ, x, y))</c> for
/// <see cref="AdversarialMethod.Fgsm"/>, L∞ PGD for <see cref="AdversarialMethod.Pgd"/> (both clipped to the
/// declared input range). Madry et al.'s objective is PGD with <c>α = 0</c> (adversarial examples only);
/// the default <c>α = ½</c> keeps Goodfellow's mixing, which usually costs less clean accuracy.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="IModel.TrainStep"/> has no per-sample weights and every call is one optimizer update,
/// so the objective is realised exactly by the batch that is given to one <c>TrainStep</c>: its mean
/// loss is the objective when the batch holds <c>p</c> copies of the clean samples and <c>q − p</c>
/// copies of their adversarial examples, with <c>α = p/q</c>. For the default <c>α = ½</c> that is the clean
/// batch followed by its adversarial examples (<c>2·BatchSize ≤ MaxBatchSize</c> is needed); <c>α = 1</c>
/// is plain training and <c>α = 0</c> trains on the adversarial examples only (<c>q = 1</c>). Other
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
/// <para>
/// Cost: FGSM adds one input-gradient pass per step, PGD <see cref="Steps"/> passes, and with <c>α = ½</c>
/// the update runs on twice the batch. TRADES (Zhang et al., 2019) is not offered: its regulariser
/// <c>KL(p(x) ‖ p(x'))</c> needs a parameter gradient of a loss between two predictions, and
/// <see cref="IModel"/> only trains against labels or targets, so it could not be done exactly.
/// </para>
/// </remarks>
public sealed class AdversarialTrainingOptions
{
    /// <summary>The attack budget ε (L∞, in raw input units), finite and ≥ 0. Goodfellow et al. used 0.25 on MNIST in [0, 1]; 0.1 is a common choice on Fashion-MNIST.</summary>
    public required float Epsilon { get; init; }

    /// <summary>Weight α ∈ [0, 1] of the clean loss; <c>1 − α</c> weighs the adversarial loss. Default: 0.5, as in Goodfellow et al. (Madry et al.: 0).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>How the adversarial examples are made. Default: <see cref="AdversarialMethod.Fgsm"/>.</summary>
    public AdversarialMethod Method { get; init; } = AdversarialMethod.Fgsm;

    /// <summary>PGD steps per training step, at least 1 (<see cref="AdversarialMethod.Pgd"/> only). Default: 7 (Madry et al. on CIFAR-10; they used 40 on MNIST).</summary>
    public int Steps { get; init; } = 7;

    /// <summary>PGD step size α (L∞, raw input units). Default (null): <c>2.5·ε/Steps</c>.</summary>
    public float? StepSize { get; init; }

    /// <summary>
    /// Start PGD at a uniform random point of the ε-ball. Default: true, as in Madry et al. The starts come
    /// from <see cref="Training.FitOptions.Seed"/> and the step number, so training stays deterministic.
    /// </summary>
    public bool RandomStart { get; init; } = true;
}

/// <summary>
/// One <see cref="AdversarialTrainingOptions"/> training step per batch, with buffers allocated
/// once per <see cref="Training.Trainer.Fit"/>: no allocation per batch.
/// </summary>
internal sealed class AdversarialStep
{
    private readonly float _epsilon, _stepSize;
    private readonly AdversarialMethod _method;
    private readonly int _steps;
    private readonly bool _randomStart;
    private readonly long _seed;
    private long _step;
    private readonly int _clean, _copies; // α = _clean / _copies
    private readonly float[] _adversarial, _gradient, _inputs;
    private readonly int[]? _labels;
    private readonly float[]? _targets;

    private AdversarialStep(AdversarialTrainingOptions options, long seed, int clean, int copies, int batchSize, int inputSize, int targetSize, bool labels)
    {
        _epsilon = options.Epsilon;
        _method = options.Method;
        _steps = options.Steps;
        _stepSize = options.StepSize ?? 2.5f * options.Epsilon / options.Steps;
        _randomStart = options.RandomStart;
        _seed = seed;
        _clean = clean;
        _copies = copies;
        _adversarial = new float[batchSize * inputSize];
        _gradient = new float[batchSize * inputSize];
        _inputs = new float[copies * batchSize * inputSize];
        if (labels) _labels = new int[copies * batchSize];
        else _targets = new float[copies * batchSize * targetSize];
    }

    /// <summary>Checks the options against the model and batch size (before anything is trained) and allocates the buffers.</summary>
    public static AdversarialStep Create(IModel model, int batchSize, AdversarialTrainingOptions options, long seed)
    {
        float epsilon = options.Epsilon;
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(options), epsilon, $"Adversarial.Epsilon is {epsilon}; expected a finite value ≥ 0.");
        double alpha = options.Alpha;
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), alpha, $"Adversarial.Alpha is {alpha}; expected a weight in [0, 1].");
        if (options.Method is not (AdversarialMethod.Fgsm or AdversarialMethod.Pgd))
            throw new ArgumentOutOfRangeException(nameof(options), options.Method, $"Adversarial.Method {options.Method} is not a method; expected Fgsm or Pgd.");
        if (options.Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"Adversarial.Steps is {options.Steps}; expected at least 1.");
        if (options.StepSize is float step && (!(step >= 0f) || float.IsInfinity(step)))
            throw new ArgumentOutOfRangeException(nameof(options), step, $"Adversarial.StepSize is {step}; expected a finite value ≥ 0.");

        int maxCopies = model.MaxBatchSize / batchSize;
        for (int q = 1; q <= maxCopies; q++)
        {
            double p = Math.Round(alpha * q);
            if (Math.Abs(alpha * q - p) <= 1e-9)
                return new AdversarialStep(options, seed, (int)p, q, batchSize, model.InputSize, model.OutputSize, model.TargetKind == TargetKind.ClassIndex);
        }
        if (alpha == 0.5)
            throw new ArgumentException(
                $"adversarial training with Alpha 0.5 trains on each batch followed by its adversarial examples, so it needs 2·BatchSize ≤ MaxBatchSize; " +
                $"BatchSize is {batchSize} and {model.Name} was constructed for batches of at most {model.MaxBatchSize}. " +
                $"Use BatchSize ≤ {model.MaxBatchSize / 2} or construct the model with maxBatchSize: {2 * batchSize}.", nameof(options));
        throw new ArgumentException(
            $"Adversarial.Alpha {alpha} cannot be applied exactly: IModel.TrainStep has no sample weights, so the objective " +
            "α·J(x) + (1−α)·J(x_adv) is trained as one batch of p clean copies and q−p adversarial copies of each sample (α = p/q), " +
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
            if (_method == AdversarialMethod.Fgsm)
                Attacks.Fgsm(model, batch, _epsilon, adversarial, _gradient.AsSpan(0, rows));
            else
                Attacks.Pgd(model, batch, _epsilon, _stepSize, _steps, adversarial, _gradient.AsSpan(0, rows),
                    _randomStart, _seed ^ unchecked(++_step * (long)0x9E3779B97F4A7C15UL));
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
