using System;

namespace Axon.Adversarial;

/// <summary>
/// Adversarial training, set with <see cref="Training.FitOptions.Adversarial"/> or declared on the model class with
/// <c>[AdversarialTraining]</c> (<see cref="IModel.AdversarialTraining"/>; the fit option wins when both are set).
/// Three objectives:
/// <list type="bullet">
/// <item><see cref="AdversarialMethod.Fgsm"/> (Goodfellow, Shlens and Szegedy, 2015, "Explaining and harnessing
/// adversarial examples") and <see cref="AdversarialMethod.Pgd"/> (Madry et al., 2018) minimise
/// <c>J̃(θ, x, y) = α·J(θ, x, y) + (1 − α)·J(θ, x_adv, y)</c>, where <c>J</c> is the model's mean loss over the batch and
/// the adversarial examples <c>x_adv</c> are computed from the parameters of that step: <c>x + ε·sign(∇ₓJ(θ, x, y))</c>
/// for FGSM, L∞ PGD for PGD (both clipped to the declared input range). Madry et al.'s objective is PGD with
/// <c>α = 0</c> (adversarial examples only); the default <c>α = ½</c> keeps Goodfellow's mixing, which usually costs
/// less clean accuracy.</item>
/// <item><see cref="AdversarialMethod.Trades"/> (Zhang et al., 2019, "Theoretically principled trade-off between
/// robustness and accuracy") minimises <c>(1/n)·Σ CE(f(x), y) + (β/n)·Σ KL(p(x) ‖ p(x'))</c> with <c>p = softmax(f)</c>,
/// where <c>x'</c> approximately maximises the KL term in the L∞ ε-ball: it starts at <c>x + 0.001·N(0, I)</c> and takes
/// <see cref="Steps"/> steps <c>x' ← clip(x' + StepSize·sign(∇_{x'} KL(p(x) ‖ p(x'))))</c>, clipped to the ball and the declared
/// input range, with the model in inference mode. The gradient of the objective flows through both <c>p(x)</c> and
/// <c>p(x')</c>, as in the authors' code (<see cref="Losses.Trades"/>). Softmax cross-entropy (class-index) models only:
/// the KL term compares class distributions. <see cref="Alpha"/> is not used; <see cref="Beta"/> trades clean accuracy
/// for robustness.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// FGSM and PGD go through <see cref="IModel.TrainStep"/>, which has no per-sample weights, and every call is one
/// optimizer update, so the objective is realised exactly by the batch that is given to one <c>TrainStep</c>: its mean
/// loss is the objective when the batch holds <c>p</c> copies of the clean samples and <c>q − p</c>
/// copies of their adversarial examples, with <c>α = p/q</c>. For the default <c>α = ½</c> that is the clean
/// batch followed by its adversarial examples (<c>2·BatchSize ≤ MaxBatchSize</c> is needed); <c>α = 1</c>
/// is plain training and <c>α = 0</c> trains on the adversarial examples only (<c>q = 1</c>). Other
/// values are accepted only when they are a fraction <c>p/q</c> with <c>q·BatchSize ≤ MaxBatchSize</c>
/// (for example ⅓ or ¼ with small batches); anything else is rejected, because it cannot be done
/// exactly through <see cref="IModel.TrainStep"/>.
/// </para>
/// <para>
/// TRADES needs the gradient of a loss between two predictions, so it goes through <see cref="IModel.Forward"/>,
/// <see cref="IModel.Backward"/> and <see cref="IModel.ApplyGradients"/>: one training-mode forward pass on the joint
/// batch <c>[x; x']</c> (<c>2·BatchSize ≤ MaxBatchSize</c> is needed), the gradient of the objective with respect to all
/// <c>2n</c> logits, one backward pass and one optimizer update.
/// </para>
/// <para>
/// Joint batches: where a model has BatchNorm, its training-mode statistics are taken over the whole joint batch
/// (clean and adversarial rows together, and the copies for other α), not over each half as two separate forward
/// passes (as in the TRADES authors' code) would; dropout draws a mask per row of the joint batch.
/// </para>
/// <para>
/// The reported training loss (<see cref="Training.EpochResult.TrainLoss"/>) is then the mean of the objective
/// (<c>J̃</c>, or the TRADES loss), not of the clean loss. Validation and <see cref="Training.FitOptions.EvaluateTrainingSet"/>
/// use clean inputs.
/// </para>
/// <para>
/// Cost: FGSM adds one input-gradient pass per step, PGD <see cref="Steps"/> passes, and with <c>α = ½</c>
/// the update runs on twice the batch. TRADES adds one inference forward pass and <see cref="Steps"/> forward and
/// input-gradient passes, and its update runs on twice the batch.
/// </para>
/// </remarks>
public sealed class AdversarialTrainingOptions
{
    /// <summary>The attack budget ε (L∞, in raw input units), finite and ≥ 0. Goodfellow et al. used 0.25 on MNIST in [0, 1]; 0.1 is a common choice on Fashion-MNIST.</summary>
    public required float Epsilon { get; init; }

    /// <summary>Weight α ∈ [0, 1] of the clean loss; <c>1 − α</c> weighs the adversarial loss (FGSM and PGD; TRADES does not use it). Default: 0.5, as in Goodfellow et al. (Madry et al.: 0).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>How the adversarial examples are made. Default: <see cref="AdversarialMethod.Fgsm"/>.</summary>
    public AdversarialMethod Method { get; init; } = AdversarialMethod.Fgsm;

    /// <summary>Attack steps per training step, at least 1 (<see cref="AdversarialMethod.Pgd"/> and <see cref="AdversarialMethod.Trades"/>). Default: 7 (Madry et al. on CIFAR-10; they used 40 on MNIST; the TRADES authors 10 on CIFAR-10).</summary>
    public int Steps { get; init; } = 7;

    /// <summary>Attack step size (L∞, raw input units), finite and ≥ 0 (PGD and TRADES). Default (null): <c>2.5·ε/Steps</c>.</summary>
    public float? StepSize { get; init; }

    /// <summary>
    /// Start PGD at a uniform random point of the ε-ball, and TRADES at <c>x + 0.001·N(0, I)</c> (clipped to the ball and
    /// the input range). Default: true, as in Madry et al. and Zhang et al. The starts come from
    /// <see cref="Training.FitOptions.Seed"/> and the step number, so training stays deterministic. TRADES rejects
    /// false: at <c>x' = x</c> the gradient of <c>KL(p(x) ‖ p(x'))</c> is exactly zero, so <c>x'</c> would never move.
    /// </summary>
    public bool RandomStart { get; init; } = true;

    /// <summary>
    /// TRADES' weight β ≥ 0 of the robust term <c>KL(p(x) ‖ p(x'))</c> (<see cref="AdversarialMethod.Trades"/> only): larger
    /// β buys robustness with clean accuracy; β = 0 is plain training. Default: 6, as in Zhang et al. (2019).
    /// </summary>
    public double Beta { get; init; } = 6.0;
}

/// <summary>
/// One <see cref="AdversarialTrainingOptions"/> training step per batch, with buffers allocated
/// once per <see cref="Training.Trainer.Fit"/>: no allocation per batch.
/// </summary>
internal sealed class AdversarialStep
{
    /// <summary>TRADES' random start, <c>x + 0.001·N(0, I)</c>, as in the authors' code.</summary>
    private const float TradesStartScale = 0.001f;

    private readonly float _epsilon, _stepSize, _beta;
    private readonly AdversarialMethod _method;
    private readonly int _steps;
    private readonly bool _randomStart;
    private readonly long _seed;
    private long _step;
    private readonly int _clean, _copies; // α = _clean / _copies; TRADES: the joint batch [x; x'] is 2 copies
    private readonly float[] _adversarial, _gradient, _inputs;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    // TRADES only: logits of the joint batch and their gradient; the clean probabilities and the adversarial
    // logits' gradient of the inner maximisation.
    private readonly float[]? _logits, _logitGradient, _cleanProbabilities;

    private AdversarialStep(AdversarialTrainingOptions options, long seed, int clean, int copies, int batchSize, int inputSize, int outputSize, bool labels)
    {
        _epsilon = options.Epsilon;
        _method = options.Method;
        _steps = options.Steps;
        _stepSize = options.StepSize ?? 2.5f * options.Epsilon / options.Steps;
        _randomStart = options.RandomStart;
        _beta = (float)options.Beta;
        _seed = seed;
        _clean = clean;
        _copies = copies;
        _adversarial = new float[batchSize * inputSize];
        _gradient = new float[batchSize * inputSize];
        _inputs = new float[copies * batchSize * inputSize];
        if (_method == AdversarialMethod.Trades)
        {
            _logits = new float[copies * batchSize * outputSize];
            _logitGradient = new float[copies * batchSize * outputSize];
            _cleanProbabilities = new float[batchSize * outputSize];
        }
        else if (labels) _labels = new int[copies * batchSize];
        else _targets = new float[copies * batchSize * outputSize];
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
        if (options.Method is not (AdversarialMethod.Fgsm or AdversarialMethod.Pgd or AdversarialMethod.Trades))
            throw new ArgumentOutOfRangeException(nameof(options), options.Method, $"Adversarial.Method {options.Method} is not a method; expected Fgsm, Pgd or Trades.");
        if (options.Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"Adversarial.Steps is {options.Steps}; expected at least 1.");
        if (options.StepSize is float step && (!(step >= 0f) || float.IsInfinity(step)))
            throw new ArgumentOutOfRangeException(nameof(options), step, $"Adversarial.StepSize is {step}; expected a finite value ≥ 0.");
        double beta = options.Beta;
        if (!(beta >= 0) || double.IsInfinity(beta) || (float)beta > float.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(options), beta, $"Adversarial.Beta is {beta}; expected a finite value ≥ 0.");

        if (options.Method == AdversarialMethod.Trades)
        {
            if (model.TargetKind != TargetKind.ClassIndex)
                throw new NotSupportedException(
                    $"TRADES needs a softmax cross-entropy model with class-index labels: its robust term KL(p(x) ‖ p(x')) compares " +
                    $"class distributions, and {model.Name} is trained against target values. Use Method = Fgsm or Pgd.");
            if (!options.RandomStart)
                throw new ArgumentException(
                    "TRADES needs RandomStart: at x' = x the gradient of KL(p(x) ‖ p(x')) is exactly zero, so the inner maximisation " +
                    "would never move x' and TRADES would be plain training.", nameof(options));
            if (2 * batchSize > model.MaxBatchSize)
                throw new ArgumentException(
                    $"TRADES trains on each batch followed by its adversarial examples in one forward pass, so it needs 2·BatchSize ≤ MaxBatchSize; " +
                    $"BatchSize is {batchSize} and {model.Name} was constructed for batches of at most {model.MaxBatchSize}. " +
                    $"Use BatchSize ≤ {model.MaxBatchSize / 2} or construct the model with maxBatchSize: {2 * batchSize}.", nameof(options));
            return new AdversarialStep(options, seed, 1, 2, batchSize, model.InputSize, model.OutputSize, labels: true);
        }

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
        if (_method == AdversarialMethod.Trades) return TradesStep(model, batch);
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
                    _randomStart, NextSeed());
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

    /// <summary>Attack seeds drawn so far (a checkpoint saves it, so a resumed run draws the same starts).</summary>
    internal long Steps { get => _step; set => _step = value; }

    private long NextSeed() => _seed ^ unchecked(++_step * (long)0x9E3779B97F4A7C15UL);

    /// <summary>
    /// TRADES: the inner maximisation of <c>KL(p(x) ‖ p(x'))</c> in inference mode, then one training-mode forward and
    /// backward pass on <c>[x; x']</c> with the gradient of the TRADES objective, and one optimizer update.
    /// </summary>
    private float TradesStep(IModel model, in Batch batch)
    {
        int n = batch.Count, f = model.InputSize, k = model.OutputSize;
        var x = batch.Inputs;
        var joint = _inputs.AsSpan(0, 2 * n * f);
        var adversarial = joint.Slice(n * f, n * f);
        var p = _cleanProbabilities.AsSpan(0, n * k);
        var logits = _logits.AsSpan(0, 2 * n * k);
        var logitGradient = _logitGradient.AsSpan(0, 2 * n * k);
        var adversarialLogits = logits.Slice(n * k, n * k);
        var klGradient = logitGradient.Slice(n * k, n * k);
        var inputGradient = _gradient.AsSpan(0, n * f);
        var box = model.InputConstraints;

        // p(x) in inference mode, as the authors' attack runs the model in eval mode; it is a constant of the maximisation.
        model.Forward(x, p, training: false);
        for (int r = 0; r < n; r++) Kernels.Softmax.Row(p.Slice(r * k, k), p.Slice(r * k, k));

        var rng = new Rng(NextSeed());
        for (int i = 0; i < adversarial.Length; i++) adversarial[i] = x[i] + TradesStartScale * rng.NextGaussian();
        box.Project(x, adversarial, _epsilon);
        for (int s = 0; s < _steps; s++)
        {
            // ∂KL(p ‖ softmax(z'))/∂z' = softmax(z') − p per row; only its sign reaches x', so no 1/n.
            model.Forward(adversarial, adversarialLogits, training: false);
            for (int r = 0; r < n; r++)
            {
                var g = klGradient.Slice(r * k, k);
                Kernels.Softmax.Row(adversarialLogits.Slice(r * k, k), g);
                System.Numerics.Tensors.TensorPrimitives.Subtract(g, p.Slice(r * k, k), g);
            }
            model.Backward(adversarial, klGradient, inputGradient, parameterGradients: false);
            box.SignStepProject(x, inputGradient, adversarial, _stepSize, _epsilon);
        }

        x.CopyTo(joint);
        model.Forward(joint, logits, training: true);
        float loss = Losses.Trades.ForwardBackward(logits.Slice(0, n * k), adversarialLogits, batch.Labels, _beta,
            logitGradient.Slice(0, n * k), klGradient, n, k);
        model.Backward(joint, logitGradient, default, parameterGradients: true);
        model.ApplyGradients();
        return loss;
    }
}
