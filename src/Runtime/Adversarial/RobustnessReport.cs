using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;
using Axon.Training;

namespace Axon.Adversarial;

/// <summary>An attack that <see cref="RobustnessReport"/> runs.</summary>
public enum RobustnessAttack
{
    /// <summary>Fast gradient sign method, one step of size ε (<see cref="Attacks.Fgsm"/>). L∞.</summary>
    Fgsm = 0,

    /// <summary>
    /// L∞ projected gradient descent (<see cref="Attacks.Pgd"/>) with <see cref="RobustnessOptions.PgdSteps"/> steps of
    /// size <c>PgdStepFactor·ε/steps</c>, from a random start in the ε-ball, best of <see cref="RobustnessOptions.PgdRestarts"/> runs.
    /// </summary>
    Pgd = 1,

    /// <summary>Momentum iterative FGSM (<see cref="Attacks.MiFgsm"/>): <see cref="RobustnessOptions.MiFgsmSteps"/> steps of ε/steps, decay <see cref="RobustnessOptions.MiFgsmDecay"/>. L∞.</summary>
    MiFgsm = 2,

    /// <summary>
    /// L2 projected gradient descent (<see cref="Attacks.PgdL2"/>) with the PGD settings (steps, step factor, random start,
    /// restarts), at the budgets <see cref="RobustnessOptions.L2Epsilons"/>.
    /// </summary>
    PgdL2 = 3,

    /// <summary>
    /// DeepFool (<see cref="Attacks.DeepFool"/>), a minimal L2 perturbation per sample, run once; at an L2 budget ε a sample
    /// counts as broken when DeepFool crossed with <c>‖δ‖₂ ≤ ε</c>. Class-index models only.
    /// </summary>
    DeepFool = 4,

    /// <summary>
    /// Carlini-Wagner L2 (<see cref="Attacks.CarliniWagnerL2"/>), minimal L2 perturbations run once and read at every L2
    /// budget as for <see cref="DeepFool"/>. The most expensive attack here. Class-index models only.
    /// </summary>
    CarliniWagnerL2 = 5,
}

/// <summary>Settings of <see cref="RobustnessReport.Run"/>; every property has a default.</summary>
public sealed class RobustnessOptions
{
    /// <summary>The default <see cref="Epsilons"/>: 0, 0.01, 0.03, 0.05, 0.1 (for inputs in [0, 1]).</summary>
    public static IReadOnlyList<float> DefaultEpsilons { get; } = Array.AsReadOnly(new[] { 0f, 0.01f, 0.03f, 0.05f, 0.1f });

    /// <summary>The default <see cref="L2Epsilons"/>: 0, 0.25, 0.5, 1, 2 (for 784 inputs in [0, 1]: 2 is the length of a change of 0.071 in every value).</summary>
    public static IReadOnlyList<float> DefaultL2Epsilons { get; } = Array.AsReadOnly(new[] { 0f, 0.25f, 0.5f, 1f, 2f });

    /// <summary>Every attack, cheapest first: FGSM, PGD, MI-FGSM, L2 PGD, DeepFool, Carlini-Wagner L2.</summary>
    public static IReadOnlyList<RobustnessAttack> AllAttacks { get; } = Array.AsReadOnly(new[]
    {
        RobustnessAttack.Fgsm, RobustnessAttack.Pgd, RobustnessAttack.MiFgsm, RobustnessAttack.PgdL2,
        RobustnessAttack.DeepFool, RobustnessAttack.CarliniWagnerL2,
    });

    /// <summary>
    /// The L∞ budgets ε of the L∞ attacks (FGSM, PGD, MI-FGSM), in raw input units: finite, ≥ 0, and including 0
    /// (the ε = 0 row is a sanity check: it must reproduce the clean accuracy). They are sorted and duplicates dropped.
    /// Default: <see cref="DefaultEpsilons"/>.
    /// </summary>
    public IReadOnlyList<float> Epsilons { get; init; } = DefaultEpsilons;

    /// <summary>The L2 budgets ε of the L2 attacks (L2 PGD, DeepFool, Carlini-Wagner), with the same rules as <see cref="Epsilons"/>. Default: <see cref="DefaultL2Epsilons"/>.</summary>
    public IReadOnlyList<float> L2Epsilons { get; init; } = DefaultL2Epsilons;

    /// <summary>
    /// The attacks, each run at every ε of its norm. Default (null): FGSM, PGD and, for
    /// <see cref="TargetKind.ClassIndex"/> models, DeepFool (which gives <see cref="RobustnessReport.EmpiricalRobustness"/>).
    /// DeepFool and Carlini-Wagner need class indices. See <see cref="AllAttacks"/>.
    /// </summary>
    public IReadOnlyList<RobustnessAttack>? Attacks { get; init; }

    /// <summary>PGD iterations (L∞ and L2), at least 1. Default: 10.</summary>
    public int PgdSteps { get; init; } = 10;

    /// <summary>PGD step size as a multiple of <c>ε/steps</c>: <c>α = factor·ε/steps</c> (L∞ and L2). Default: 2.5 (Madry et al., 2018).</summary>
    public float PgdStepFactor { get; init; } = 2.5f;

    /// <summary>Start PGD from a uniform random point of the ε-ball. Default: true.</summary>
    public bool PgdRandomStart { get; init; } = true;

    /// <summary>PGD runs per sample, at least 1; the best is kept (<see cref="Attacks.PgdWithRestarts"/>). Default: 1.</summary>
    public int PgdRestarts { get; init; } = 1;

    /// <summary>MI-FGSM iterations, at least 1, of step ε/steps. Default: 10 (Dong et al., 2018).</summary>
    public int MiFgsmSteps { get; init; } = 10;

    /// <summary>MI-FGSM momentum decay μ ≥ 0. Default: 1.0 (Dong et al., 2018).</summary>
    public float MiFgsmDecay { get; init; } = 1f;

    /// <summary>DeepFool overshoot η ≥ 0. Default: 0.02.</summary>
    public float DeepFoolOvershoot { get; init; } = 0.02f;

    /// <summary>DeepFool's largest number of iterations, at least 1. Default: 50.</summary>
    public int DeepFoolMaxIterations { get; init; } = 50;

    /// <summary>Carlini-Wagner settings (untargeted only). Default (null): <see cref="CarliniWagnerOptions.Default"/>.</summary>
    public CarliniWagnerOptions? CarliniWagner { get; init; }

    /// <summary>Seed of PGD's random starts (each batch derives its own stream from it). Default: 0.</summary>
    public long Seed { get; init; }

    /// <summary>Use only the first <c>MaxSamples</c> samples of the data set. Default: null (all of them).</summary>
    public int? MaxSamples { get; init; }
}

/// <summary>One (attack, ε) cell of a <see cref="RobustnessReport"/>.</summary>
/// <param name="Attack">The attack.</param>
/// <param name="Epsilon">The budget ε, in the attack's norm (<see cref="Norm"/>).</param>
/// <param name="RobustAccuracy">Fraction of all samples still classified correctly after the attack.</param>
/// <param name="AttackSuccessRate">
/// Fraction of the originally correct samples that the attack makes wrong:
/// <c>|{i : correct(xᵢ) ∧ ¬correct(x'ᵢ)}| / |{i : correct(xᵢ)}|</c>; NaN when no sample was correct.
/// </param>
/// <param name="MeanLinf">Mean over all samples of <c>‖x'ᵢ − xᵢ‖∞</c> (for L∞ attacks at most ε; less where the input range clips).</param>
/// <param name="MeanL2">Mean over all samples of <c>‖x'ᵢ − xᵢ‖₂</c> (at most ε for L2 attacks, <c>ε·√InputSize</c> for L∞ ones).</param>
/// <param name="RobustCorrect">Number of samples classified correctly after the attack.</param>
/// <param name="Flipped">Number of originally correct samples made wrong.</param>
/// <remarks>
/// For the minimal-perturbation attacks (DeepFool, Carlini-Wagner) <c>x'ᵢ</c> at budget ε is the attack's
/// example when it succeeded with <c>‖δᵢ‖₂ ≤ ε</c>, else <c>xᵢ</c>; so their robust accuracy is
/// the fraction of samples that are correct and whose minimal perturbation found is longer than ε.
/// </remarks>
public readonly record struct RobustnessResult(
    RobustnessAttack Attack, float Epsilon, double RobustAccuracy, double AttackSuccessRate,
    double MeanLinf, double MeanL2, int RobustCorrect, int Flipped)
{
    /// <summary>The norm ε is measured in: L2 for L2 PGD, DeepFool and Carlini-Wagner, L∞ otherwise.</summary>
    public AttackNorm Norm => RobustnessReport.NormOf(Attack);
}

/// <summary>What a minimal-perturbation attack (DeepFool, Carlini-Wagner) found, over the samples it was run on.</summary>
/// <param name="Attack">The attack.</param>
/// <param name="Attempted">
/// Samples counted: for DeepFool all samples (it moves each off the model's own prediction, as in the paper);
/// for Carlini-Wagner the correctly classified ones (for the others the minimal perturbation is 0).
/// </param>
/// <param name="Found">Of those, how many the attack moved across the decision boundary.</param>
/// <param name="MeanL2">Mean of <c>‖δᵢ‖₂</c> over the samples found.</param>
/// <param name="MedianL2">Median of <c>‖δᵢ‖₂</c> over the samples found.</param>
/// <param name="MeanLinf">Mean of <c>‖δᵢ‖∞</c> over the samples found.</param>
/// <param name="MeanRelativeL2">
/// Mean of <c>‖δᵢ‖₂/‖xᵢ‖₂</c> over the samples found with <c>xᵢ ≠ 0</c>: for DeepFool this is the
/// empirical robustness ρ̂_adv of Moosavi-Dezfooli et al. (2016). NaN when none was found.
/// </param>
public readonly record struct MinimalPerturbationResult(
    RobustnessAttack Attack, int Attempted, int Found, double MeanL2, double MedianL2, double MeanLinf, double MeanRelativeL2);

/// <summary>A self-test of a <see cref="RobustnessReport"/>: if one fails, the numbers should not be trusted.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The numbers compared.</param>
public readonly record struct RobustnessCheck(string Name, bool Passed, string Detail);

/// <summary>
/// How much a classifier's accuracy survives small worst-case input changes: clean accuracy, robust accuracy
/// and attack success rate under L∞ attacks (FGSM, PGD, MI-FGSM) at several budgets ε and L2 attacks (L2 PGD,
/// DeepFool, Carlini-Wagner) at their own budgets, the size of the perturbations, the minimal perturbations
/// (DeepFool's empirical robustness) and the loss sensitivity; with sanity checks, and Markdown, JSON and SVG output.
/// </summary>
/// <remarks>
/// <para>
/// For samples <c>(xᵢ, yᵢ)</c>, <c>i = 1…N</c>, and an attack <c>A</c> with budget ε producing
/// <c>x'ᵢ = A(xᵢ, yᵢ, ε)</c> with <c>‖x'ᵢ − xᵢ‖ ≤ ε</c> (in the attack's norm) inside the model's declared input range:
/// clean accuracy <c>= (1/N)·Σ correct(xᵢ)</c>; robust accuracy <c>= (1/N)·Σ correct(x'ᵢ)</c>; attack success
/// rate <c>= Σ correct(xᵢ)·(1 − correct(x'ᵢ)) / Σ correct(xᵢ)</c>; mean norms <c>(1/N)·Σ ‖x'ᵢ − xᵢ‖∞</c> and
/// <c>(1/N)·Σ ‖x'ᵢ − xᵢ‖₂</c>; loss sensitivity <c>= (1/N)·Σ ‖∇ₓL(xᵢ, yᵢ)‖₂</c>, the gradient of each
/// sample's own loss (<see cref="IModel.InputGradient"/>) at the clean input: the first-order change
/// of the loss per unit of L2 input change; empirical robustness (DeepFool) <c>= mean ‖δᵢ‖₂/‖xᵢ‖₂</c>
/// over the samples DeepFool moved across the boundary (<see cref="MinimalPerturbationResult"/>).
/// <c>correct</c> is the model's own notion of accuracy (<see cref="IModel.EvaluateBatch"/> on the sample alone:
/// arg-max for class indices).
/// </para>
/// <para>
/// Sanity checks (<see cref="Checks"/>): for every attack, the ε = 0 robust accuracy equals the clean
/// accuracy exactly; and robust accuracy does not rise as ε grows. FGSM is deterministic and the
/// minimal-perturbation attacks are read at growing ε from one run, so there is no tolerance; PGD (random
/// start) and MI-FGSM (its step is ε/steps, so runs at different ε are not nested) may rise by at most
/// one sample between consecutive ε.
/// </para>
/// <para>
/// Memory: the adversarial and gradient buffers and an <see cref="AttackWorkspace"/> (one batch of
/// <see cref="IModel.MaxBatchSize"/> samples each) are allocated once per report; the attacks and evaluations
/// then allocate nothing.
/// </para>
/// </remarks>
public sealed class RobustnessReport
{
    private RobustnessReport(
        string modelName, int sampleCount, int inputSize, float inputMin, float inputMax, double cleanAccuracy, double lossSensitivity,
        float[] epsilons, float[] l2Epsilons, RobustnessAttack[] attacks, RobustnessOptions options, CarliniWagnerOptions cw,
        RobustnessResult[] results, MinimalPerturbationResult[] minimal, RobustnessCheck[] checks)
    {
        ModelName = modelName;
        SampleCount = sampleCount;
        InputSize = inputSize;
        InputMin = inputMin;
        InputMax = inputMax;
        CleanAccuracy = cleanAccuracy;
        LossSensitivity = lossSensitivity;
        Epsilons = Array.AsReadOnly(epsilons);
        L2Epsilons = Array.AsReadOnly(l2Epsilons);
        Attacks = Array.AsReadOnly(attacks);
        PgdSteps = options.PgdSteps;
        PgdStepFactor = options.PgdStepFactor;
        PgdRandomStart = options.PgdRandomStart;
        PgdRestarts = options.PgdRestarts;
        MiFgsmSteps = options.MiFgsmSteps;
        MiFgsmDecay = options.MiFgsmDecay;
        DeepFoolOvershoot = options.DeepFoolOvershoot;
        DeepFoolMaxIterations = options.DeepFoolMaxIterations;
        CarliniWagner = cw;
        Seed = options.Seed;
        Results = Array.AsReadOnly(results);
        MinimalPerturbations = Array.AsReadOnly(minimal);
        Checks = Array.AsReadOnly(checks);
    }

    /// <summary>The model's <see cref="IModel.Name"/>.</summary>
    public string ModelName { get; }

    /// <summary>Number of samples evaluated, N.</summary>
    public int SampleCount { get; }

    /// <summary>The model's input size.</summary>
    public int InputSize { get; }

    /// <summary>The model's declared smallest input value.</summary>
    public float InputMin { get; }

    /// <summary>The model's declared largest input value.</summary>
    public float InputMax { get; }

    /// <summary>Fraction of the samples classified correctly without attack.</summary>
    public double CleanAccuracy { get; }

    /// <summary>Mean over the samples of <c>‖∇ₓL(xᵢ, yᵢ)‖₂</c> at the clean inputs.</summary>
    public double LossSensitivity { get; }

    /// <summary>
    /// DeepFool's empirical robustness ρ̂_adv (Moosavi-Dezfooli et al., 2016): the mean of <c>‖δᵢ‖₂/‖xᵢ‖₂</c> over
    /// the samples DeepFool moved across the boundary. NaN when DeepFool was not run.
    /// </summary>
    public double EmpiricalRobustness =>
        MinimalPerturbations.FirstOrDefault(m => m.Attack == RobustnessAttack.DeepFool) is { Attempted: > 0 } d ? d.MeanRelativeL2 : double.NaN;

    /// <summary>The L∞ budgets ε, ascending, starting with 0.</summary>
    public IReadOnlyList<float> Epsilons { get; }

    /// <summary>The L2 budgets ε, ascending, starting with 0.</summary>
    public IReadOnlyList<float> L2Epsilons { get; }

    /// <summary>The attacks run.</summary>
    public IReadOnlyList<RobustnessAttack> Attacks { get; }

    /// <summary>PGD iterations used.</summary>
    public int PgdSteps { get; }

    /// <summary>PGD step size factor: step = factor·ε/steps.</summary>
    public float PgdStepFactor { get; }

    /// <summary>Whether PGD started at a random point of the ball.</summary>
    public bool PgdRandomStart { get; }

    /// <summary>PGD runs per sample (the best kept).</summary>
    public int PgdRestarts { get; }

    /// <summary>MI-FGSM iterations.</summary>
    public int MiFgsmSteps { get; }

    /// <summary>MI-FGSM momentum decay μ.</summary>
    public float MiFgsmDecay { get; }

    /// <summary>DeepFool overshoot η.</summary>
    public float DeepFoolOvershoot { get; }

    /// <summary>DeepFool's largest number of iterations.</summary>
    public int DeepFoolMaxIterations { get; }

    /// <summary>The Carlini-Wagner settings used.</summary>
    public CarliniWagnerOptions CarliniWagner { get; }

    /// <summary>Seed of PGD's random starts.</summary>
    public long Seed { get; }

    /// <summary>One result per attack and ε of its norm, attack-major (all ε of the first attack, then the next).</summary>
    public IReadOnlyList<RobustnessResult> Results { get; }

    /// <summary>One summary per minimal-perturbation attack run (DeepFool, Carlini-Wagner), in <see cref="Attacks"/> order.</summary>
    public IReadOnlyList<MinimalPerturbationResult> MinimalPerturbations { get; }

    /// <summary>The sanity checks and whether they passed.</summary>
    public IReadOnlyList<RobustnessCheck> Checks { get; }

    /// <summary>Whether every sanity check passed.</summary>
    public bool AllChecksPassed => Checks.All(c => c.Passed);

    /// <summary>The norm an attack's budget is measured in.</summary>
    public static AttackNorm NormOf(RobustnessAttack attack) =>
        attack is RobustnessAttack.PgdL2 or RobustnessAttack.DeepFool or RobustnessAttack.CarliniWagnerL2 ? AttackNorm.L2 : AttackNorm.LInf;

    private static bool IsMinimal(RobustnessAttack attack) => attack is RobustnessAttack.DeepFool or RobustnessAttack.CarliniWagnerL2;

    /// <summary>The budgets <paramref name="attack"/> was run at: <see cref="L2Epsilons"/> for L2 attacks, <see cref="Epsilons"/> otherwise.</summary>
    public IReadOnlyList<float> EpsilonsOf(RobustnessAttack attack) => NormOf(attack) == AttackNorm.L2 ? L2Epsilons : Epsilons;

    /// <summary>The result of <paramref name="attack"/> at <paramref name="epsilon"/> (which must be one of its budgets, <see cref="EpsilonsOf"/>).</summary>
    /// <exception cref="ArgumentException">No such result.</exception>
    public RobustnessResult Get(RobustnessAttack attack, float epsilon)
    {
        foreach (var r in Results)
            if (r.Attack == attack && r.Epsilon == epsilon) return r;
        throw new ArgumentException($"the report has no {Label(attack)} result at ε = {Format(epsilon)}.", nameof(epsilon));
    }

    /// <summary>
    /// Attacks <paramref name="model"/> on <paramref name="data"/> (in batches of <see cref="IModel.MaxBatchSize"/>)
    /// and measures what <see cref="RobustnessReport"/> describes. The model's parameters do not change.
    /// </summary>
    /// <param name="model">A model with an accuracy (<see cref="IModel.HasAccuracy"/>).</param>
    /// <param name="data">Held-out samples that fit the model.</param>
    /// <param name="options">Settings; null means <c>new RobustnessOptions()</c> (FGSM and PGD-10 at ε ∈ {0, 0.01, 0.03, 0.05, 0.1}, DeepFool at L2 ε ∈ {0, 0.25, 0.5, 1, 2}).</param>
    /// <exception cref="ArgumentException">The data does not fit the model, the model has no accuracy, or an option is out of range.</exception>
    /// <exception cref="NotSupportedException">DeepFool or Carlini-Wagner was asked for on a model whose targets are not class indices.</exception>
    public static RobustnessReport Run(IModel model, Dataset data, RobustnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new RobustnessOptions();
        if (!model.HasAccuracy)
            throw new ArgumentException($"{model.Name} has no accuracy (multi-output regression), so robust accuracy is undefined.", nameof(model));
        Trainer.CheckData(model, data, "the dataset");
        var epsilons = CheckEpsilons(options.Epsilons, "Epsilons");
        var l2Epsilons = CheckEpsilons(options.L2Epsilons, "L2Epsilons");
        bool classes = model.TargetKind == TargetKind.ClassIndex;
        var attacks = (options.Attacks ?? (classes
            ? [RobustnessAttack.Fgsm, RobustnessAttack.Pgd, RobustnessAttack.DeepFool]
            : [RobustnessAttack.Fgsm, RobustnessAttack.Pgd])).Distinct().ToArray();
        if (attacks.Length == 0) throw new ArgumentException("Attacks is empty; expected at least one attack.", nameof(options));
        foreach (var a in attacks)
        {
            if (!Enum.IsDefined(a))
                throw new ArgumentOutOfRangeException(nameof(options), a, $"unknown attack {a}.");
            if (IsMinimal(a) && !classes)
                throw new NotSupportedException(
                    $"{a} needs class logits (TargetKind.ClassIndex); {model.Name} is trained on target values. Remove it from Attacks.");
        }
        if (options.PgdSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.PgdSteps, $"PgdSteps is {options.PgdSteps}; expected at least 1.");
        if (!(options.PgdStepFactor >= 0f) || float.IsInfinity(options.PgdStepFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.PgdStepFactor, $"PgdStepFactor is {options.PgdStepFactor}; expected a finite value ≥ 0.");
        if (options.PgdRestarts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.PgdRestarts, $"PgdRestarts is {options.PgdRestarts}; expected at least 1.");
        if (options.MiFgsmSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MiFgsmSteps, $"MiFgsmSteps is {options.MiFgsmSteps}; expected at least 1.");
        if (!(options.MiFgsmDecay >= 0f) || float.IsInfinity(options.MiFgsmDecay))
            throw new ArgumentOutOfRangeException(nameof(options), options.MiFgsmDecay, $"MiFgsmDecay is {options.MiFgsmDecay}; expected a finite value ≥ 0.");
        if (!(options.DeepFoolOvershoot >= 0f) || float.IsInfinity(options.DeepFoolOvershoot))
            throw new ArgumentOutOfRangeException(nameof(options), options.DeepFoolOvershoot, $"DeepFoolOvershoot is {options.DeepFoolOvershoot}; expected a finite value ≥ 0.");
        if (options.DeepFoolMaxIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.DeepFoolMaxIterations, $"DeepFoolMaxIterations is {options.DeepFoolMaxIterations}; expected at least 1.");
        var cw = options.CarliniWagner ?? CarliniWagnerOptions.Default;
        if (cw.Targeted)
            throw new ArgumentException("CarliniWagner.Targeted is true; the report measures untargeted robustness.", nameof(options));
        int count = data.Count;
        if (options.MaxSamples is int max)
        {
            if (max < 1) throw new ArgumentOutOfRangeException(nameof(options), max, $"MaxSamples is {max}; expected at least 1.");
            count = Math.Min(count, max);
        }

        int f = model.InputSize, t = data.TargetSize, size = model.MaxBatchSize;
        bool labelled = data.Labels is not null;
        var features = data.Features.AsSpan(0, count * f);
        var labels = labelled ? data.Labels.AsSpan(0, count) : default;
        var targets = labelled ? default : data.Targets.AsSpan(0, count * t);

        // Cells: one per attack and ε of its norm.
        var cellStart = new int[attacks.Length + 1];
        for (int a = 0; a < attacks.Length; a++)
            cellStart[a + 1] = cellStart[a] + (NormOf(attacks[a]) == AttackNorm.L2 ? l2Epsilons.Length : epsilons.Length);
        int cells = cellStart[^1];

        // Buffers: once per report.
        var adversarial = new float[size * f];
        var gradient = new float[size * f];
        var workspace = new AttackWorkspace(model, size);
        var clean = new bool[size];
        var found = new bool[size];
        var robust = new int[cells];
        var flipped = new int[cells];
        var linf = new double[cells];
        var l2 = new double[cells];
        var minimal = attacks.Where(IsMinimal).Select(_ => new MinimalAccumulator(count)).ToArray();
        int cleanCorrect = 0;
        double gradientNormSum = 0;

        for (int start = 0, batchIndex = 0; start < count; start += size, batchIndex++)
        {
            int n = Math.Min(size, count - start);
            var x = features.Slice(start * f, n * f);
            var batch = labelled
                ? new Batch(x, labels.Slice(start, n), default, n)
                : new Batch(x, default, targets.Slice(start * t, n * t), n);
            var adv = adversarial.AsSpan(0, n * f);
            var grad = gradient.AsSpan(0, n * f);

            cleanCorrect += Classify(model, batch, x, clean);
            model.InputGradient(batch, grad);
            for (int i = 0; i < n; i++) gradientNormSum += L2(grad.Slice(i * f, f));

            long batchSeed = options.Seed ^ unchecked((batchIndex + 1) * (long)0x9E3779B97F4A7C15UL);
            for (int a = 0, minimalIndex = 0; a < attacks.Length; a++)
            {
                var attack = attacks[a];
                if (IsMinimal(attack))
                {
                    var found1 = found.AsSpan(0, n);
                    if (attack == RobustnessAttack.DeepFool)
                        global::Axon.Adversarial.Attacks.DeepFool(model, x, adv, found1, workspace, options.DeepFoolOvershoot, options.DeepFoolMaxIterations);
                    else
                        global::Axon.Adversarial.Attacks.CarliniWagnerL2(model, batch, adv, found1, workspace, cw);
                    var acc = minimal[minimalIndex++];
                    for (int i = 0; i < n; i++)
                    {
                        var (inf, two) = Distances(adv, x, i, f);
                        // A sample counts as broken at budget ε when it was correct and the attack crossed within ε.
                        bool broken = clean[i] && found1[i];
                        for (int e = 0; e < l2Epsilons.Length; e++)
                        {
                            int cell = cellStart[a] + e;
                            if (broken && two <= l2Epsilons[e])
                            {
                                flipped[cell]++;
                                linf[cell] += inf;
                                l2[cell] += two;
                            }
                            else if (clean[i]) robust[cell]++;
                        }
                        if (attack == RobustnessAttack.DeepFool || clean[i])
                            acc.Add(found1[i], inf, two, L2(x.Slice(i * f, f)));
                    }
                    continue;
                }

                var list = NormOf(attack) == AttackNorm.L2 ? l2Epsilons : epsilons;
                for (int e = 0; e < list.Length; e++)
                {
                    float eps = list[e];
                    float step = options.PgdStepFactor * eps / options.PgdSteps;
                    switch (attack)
                    {
                        case RobustnessAttack.Fgsm:
                            global::Axon.Adversarial.Attacks.Fgsm(model, batch, eps, adv, grad);
                            break;
                        case RobustnessAttack.MiFgsm:
                            global::Axon.Adversarial.Attacks.MiFgsm(model, batch, eps, eps / options.MiFgsmSteps, options.MiFgsmSteps, adv, workspace, options.MiFgsmDecay);
                            break;
                        case RobustnessAttack.Pgd when options.PgdRestarts == 1:
                            global::Axon.Adversarial.Attacks.Pgd(model, batch, eps, step, options.PgdSteps, adv, grad, options.PgdRandomStart, batchSeed);
                            break;
                        case RobustnessAttack.PgdL2 when options.PgdRestarts == 1:
                            global::Axon.Adversarial.Attacks.PgdL2(model, batch, eps, step, options.PgdSteps, adv, grad, options.PgdRandomStart, batchSeed);
                            break;
                        default:
                            global::Axon.Adversarial.Attacks.PgdWithRestarts(model, batch, NormOf(attack), eps, step, options.PgdSteps, options.PgdRestarts,
                                adv, workspace, options.PgdRandomStart, batchSeed);
                            break;
                    }
                    int cell = cellStart[a] + e;
                    for (int i = 0; i < n; i++)
                    {
                        bool ok = SampleCorrect(model, batch, adv, i);
                        if (ok) robust[cell]++;
                        else if (clean[i]) flipped[cell]++;
                        var (inf, two) = Distances(adv, x, i, f);
                        linf[cell] += inf;
                        l2[cell] += two;
                    }
                }
            }
        }

        var results = new RobustnessResult[cells];
        for (int a = 0; a < attacks.Length; a++)
        {
            var list = NormOf(attacks[a]) == AttackNorm.L2 ? l2Epsilons : epsilons;
            for (int e = 0; e < list.Length; e++)
            {
                int cell = cellStart[a] + e;
                results[cell] = new RobustnessResult(
                    attacks[a], list[e], (double)robust[cell] / count,
                    cleanCorrect > 0 ? (double)flipped[cell] / cleanCorrect : double.NaN,
                    linf[cell] / count, l2[cell] / count, robust[cell], flipped[cell]);
            }
        }
        var minimalResults = attacks.Where(IsMinimal).Select((a, k) => minimal[k].Result(a)).ToArray();
        var checks = SanityChecks(attacks, results, cleanCorrect, count, options);
        return new RobustnessReport(
            model.Name, count, f, model.InputMin, model.InputMax, (double)cleanCorrect / count, gradientNormSum / count,
            epsilons, l2Epsilons, attacks, options, cw, results, minimalResults, checks);
    }

    private static RobustnessCheck[] SanityChecks(
        RobustnessAttack[] attacks, RobustnessResult[] results, int cleanCorrect, int count, RobustnessOptions options)
    {
        var checks = new List<RobustnessCheck>();
        foreach (var attack in attacks)
        {
            string name = LabelOf(attack, options.PgdSteps, options.PgdRestarts, options.MiFgsmSteps);
            var rows = results.Where(r => r.Attack == attack).ToArray();
            var zero = rows[0];
            checks.Add(new RobustnessCheck(
                $"{name}: ε = 0 robust accuracy equals clean accuracy",
                zero.RobustCorrect == cleanCorrect,
                $"{zero.RobustCorrect}/{count} vs {cleanCorrect}/{count} correct"));

            int tolerance = attack is RobustnessAttack.Pgd or RobustnessAttack.PgdL2 or RobustnessAttack.MiFgsm ? 1 : 0;
            var rises = new List<string>();
            for (int e = 1; e < rows.Length; e++)
                if (rows[e].RobustCorrect > rows[e - 1].RobustCorrect + tolerance)
                    rises.Add($"{rows[e - 1].RobustCorrect} → {rows[e].RobustCorrect} correct from ε = {Format(rows[e - 1].Epsilon)} to {Format(rows[e].Epsilon)}");
            string why = attack == RobustnessAttack.MiFgsm ? "its step is ε/steps, so runs at different ε are not nested" : "for the random start";
            checks.Add(new RobustnessCheck(
                $"{name}: robust accuracy does not rise with ε" + (tolerance > 0 ? $" (tolerance: 1 sample, {why})" : ""),
                rises.Count == 0,
                rises.Count == 0
                    ? string.Join(" ≥ ", rows.Select(r => r.RobustCorrect.ToString(CultureInfo.InvariantCulture))) + " correct"
                    : string.Join("; ", rises)));
        }
        return checks.ToArray();
    }

    private sealed class MinimalAccumulator(int capacity)
    {
        private readonly double[] _l2 = new double[capacity];
        private int _attempted, _found, _relativeCount;
        private double _linf, _relative;

        public void Add(bool found, double inf, double two, double inputNorm)
        {
            _attempted++;
            if (!found) return;
            _l2[_found++] = two;
            _linf += inf;
            if (inputNorm > 0) { _relative += two / inputNorm; _relativeCount++; }
        }

        public MinimalPerturbationResult Result(RobustnessAttack attack)
        {
            var sorted = _l2.AsSpan(0, _found).ToArray();
            Array.Sort(sorted);
            double median = _found == 0 ? double.NaN
                : _found % 2 == 1 ? sorted[_found / 2] : 0.5 * (sorted[_found / 2 - 1] + sorted[_found / 2]);
            return new MinimalPerturbationResult(attack, _attempted, _found,
                _found > 0 ? sorted.Sum() / _found : double.NaN, median,
                _found > 0 ? _linf / _found : double.NaN,
                _relativeCount > 0 ? _relative / _relativeCount : double.NaN);
        }
    }

    private static (double Linf, double L2) Distances(ReadOnlySpan<float> adversarial, ReadOnlySpan<float> x, int i, int f)
    {
        double inf = 0, sq = 0;
        for (int j = i * f, end = j + f; j < end; j++)
        {
            double d = adversarial[j] - x[j];
            inf = Math.Max(inf, Math.Abs(d));
            sq += d * d;
        }
        return (inf, Math.Sqrt(sq));
    }

    private static float[] CheckEpsilons(IReadOnlyList<float>? epsilons, string name)
    {
        if (epsilons is null || epsilons.Count == 0)
            throw new ArgumentException($"{name} is empty; expected a list of budgets that includes 0.", nameof(epsilons));
        foreach (float e in epsilons)
            if (!(e >= 0f) || float.IsInfinity(e))
                throw new ArgumentOutOfRangeException(nameof(epsilons), e, $"{name}: epsilon {e} is not a finite value ≥ 0.");
        var sorted = epsilons.Distinct().Order().ToArray();
        if (sorted[0] != 0f)
            throw new ArgumentException(
                $"{name} ({string.Join(", ", sorted.Select(Format))}) does not include 0; the ε = 0 row is the check that the attacks reproduce the clean accuracy.",
                nameof(epsilons));
        return sorted;
    }

    /// <summary>Per-sample correctness of the clean batch into <paramref name="correct"/>; returns the count.</summary>
    private static int Classify(IModel model, in Batch batch, ReadOnlySpan<float> x, Span<bool> correct)
    {
        int total = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            correct[i] = SampleCorrect(model, batch, x, i);
            if (correct[i]) total++;
        }
        return total;
    }

    private static bool SampleCorrect(IModel model, in Batch batch, ReadOnlySpan<float> inputs, int i)
    {
        int f = model.InputSize;
        var x = inputs.Slice(i * f, f);
        var one = batch.Labels.IsEmpty
            ? new Batch(x, default, batch.Targets.Slice(i * model.OutputSize, model.OutputSize), 1)
            : new Batch(x, batch.Labels.Slice(i, 1), default, 1);
        return model.EvaluateBatch(one).Correct == 1;
    }

    private static double L2(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float g in v) sum += (double)g * g;
        return Math.Sqrt(sum);
    }

    // ------------------------------------------------------------------ output

    /// <summary>The attack's name with its settings, as in the tables: <c>FGSM</c>, <c>PGD-10</c>, <c>PGD-10×4</c> (restarts), <c>MI-FGSM-10</c>, <c>PGD-L2-10</c>, <c>DeepFool</c>, <c>CW-L2</c>.</summary>
    public string Label(RobustnessAttack attack) => LabelOf(attack, PgdSteps, PgdRestarts, MiFgsmSteps);

    private static string LabelOf(RobustnessAttack attack, int pgdSteps, int pgdRestarts, int miFgsmSteps)
    {
        string steps = pgdSteps.ToString(CultureInfo.InvariantCulture);
        string restarts = pgdRestarts > 1 ? "×" + pgdRestarts.ToString(CultureInfo.InvariantCulture) : "";
        return attack switch
        {
            RobustnessAttack.Fgsm => "FGSM",
            RobustnessAttack.Pgd => $"PGD-{steps}{restarts}",
            RobustnessAttack.MiFgsm => $"MI-FGSM-{miFgsmSteps.ToString(CultureInfo.InvariantCulture)}",
            RobustnessAttack.PgdL2 => $"PGD-L2-{steps}{restarts}",
            RobustnessAttack.DeepFool => "DeepFool",
            RobustnessAttack.CarliniWagnerL2 => "CW-L2",
            _ => attack.ToString(),
        };
    }

    private static string Format(float value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value, string format) =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private string RangeText =>
        float.IsFinite(InputMin) && float.IsFinite(InputMax)
            ? $"[{Format(InputMin)}, {Format(InputMax)}]"
            : "an unbounded range";

    /// <summary>
    /// A Markdown section: a heading, one table per norm with a row per attack and ε (robust accuracy, accuracy lost,
    /// attack success rate, mean L∞ and L2 perturbation), the minimal perturbations (DeepFool, Carlini-Wagner), the
    /// sanity checks, and a plain-language summary.
    /// </summary>
    /// <param name="title">Names the model in the heading. Default (null): <see cref="ModelName"/>.</param>
    public string ToMarkdown(string? title = null)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"### Adversarial robustness of {title ?? ModelName}\n\n");
        s.Append(CultureInfo.InvariantCulture,
            $"{SampleCount:N0} held-out samples, inputs in {RangeText}. Clean accuracy **{Percent(CleanAccuracy)}**. " +
            $"Loss sensitivity (mean ‖∇ₓL‖₂): {Number(LossSensitivity, "0.###")}.");
        if (!double.IsNaN(EmpiricalRobustness))
            s.Append(CultureInfo.InvariantCulture, $" Empirical robustness (DeepFool, mean ‖δ‖₂/‖x‖₂): {Number(EmpiricalRobustness, "0.0000")}.");
        s.Append("\n\n");
        foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
        {
            if (!Attacks.Any(a => NormOf(a) == norm)) continue;
            s.Append(norm == AttackNorm.LInf
                ? "L∞ attacks (ε: largest change of any input value):\n\n"
                : "L2 attacks (ε: Euclidean length of the change; DeepFool and CW-L2 rows read their minimal perturbations at each ε):\n\n");
            s.Append("| Attack | ε | Robust accuracy | Accuracy lost | Attack success rate | Mean L∞ | Mean L2 |\n");
            s.Append("|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in Results)
                if (r.Norm == norm)
                    s.Append(CultureInfo.InvariantCulture,
                        $"| {Label(r.Attack)} | {Format(r.Epsilon)} | {Percent(r.RobustAccuracy)} | {Percent(CleanAccuracy - r.RobustAccuracy)} | " +
                        $"{Percent(r.AttackSuccessRate)} | {Number(r.MeanLinf, "0.0000")} | {Number(r.MeanL2, "0.000")} |\n");
            s.Append('\n');
        }
        if (MinimalPerturbations.Count > 0)
        {
            s.Append("Minimal perturbations (over the samples each attack moved across the decision boundary; DeepFool: all samples, CW-L2: the correctly classified ones):\n\n");
            s.Append("| Attack | Found | Mean ‖δ‖₂ | Median ‖δ‖₂ | Mean ‖δ‖∞ | Mean ‖δ‖₂/‖x‖₂ |\n");
            s.Append("|---|---:|---:|---:|---:|---:|\n");
            foreach (var m in MinimalPerturbations)
                s.Append(CultureInfo.InvariantCulture,
                    $"| {Label(m.Attack)} | {m.Found}/{m.Attempted} | {Number(m.MeanL2, "0.000")} | {Number(m.MedianL2, "0.000")} | " +
                    $"{Number(m.MeanLinf, "0.0000")} | {Number(m.MeanRelativeL2, "0.0000")} |\n");
            s.Append('\n');
        }
        s.Append(CultureInfo.InvariantCulture, $"Sanity checks ({Checks.Count(c => c.Passed)}/{Checks.Count} passed):\n\n");
        foreach (var c in Checks)
            s.Append(CultureInfo.InvariantCulture, $"- {(c.Passed ? "PASS" : "**FAIL**")}: {c.Name} ({c.Detail})\n");
        s.Append('\n');
        s.Append(Summary());
        s.Append('\n');
        return s.ToString();
    }

    /// <summary>The plain-language paragraph that ends <see cref="ToMarkdown"/>.</summary>
    public string Summary()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"**Summary.** On {SampleCount:N0} samples it has not been trained on, the model is right {Percent(CleanAccuracy)} of the time. ");
        var linfRows = Results.Where(r => r.Norm == AttackNorm.LInf).ToArray();
        float top = Epsilons[^1];
        if (linfRows.Length > 0 && top > 0f)
        {
            var worst = linfRows.Where(r => r.Epsilon == top).MinBy(r => r.RobustAccuracy);
            string share = float.IsFinite(InputMin) && float.IsFinite(InputMax) && InputMax > InputMin
                ? $" ({Number(top / (InputMax - InputMin) * 100, "0.#")} % of the input range)"
                : "";
            s.Append(CultureInfo.InvariantCulture,
                $"An attacker who knows the model and may change every input value by at most {Format(top)}{share} — " +
                $"changes this small are usually hard for a person to notice — brings that down to {Percent(worst.RobustAccuracy)} " +
                $"with the strongest attack tested ({Label(worst.Attack)}), turning {Percent(worst.AttackSuccessRate)} of the correct answers into wrong ones. ");
            float? halved = null;
            foreach (float e in Epsilons)
                if (e > 0f && linfRows.Any(r => r.Epsilon == e && r.RobustAccuracy <= CleanAccuracy / 2)) { halved = e; break; }
            s.Append(halved is float h
                ? $"Accuracy falls to half of the clean accuracy or less from a budget of {Format(h)}. "
                : "Accuracy does not halve at any budget tested. ");
        }
        var l2Rows = Results.Where(r => r.Norm == AttackNorm.L2).ToArray();
        float topL2 = L2Epsilons[^1];
        if (l2Rows.Length > 0 && topL2 > 0f)
        {
            var worst = l2Rows.Where(r => r.Epsilon == topL2).MinBy(r => r.RobustAccuracy);
            s.Append(CultureInfo.InvariantCulture,
                $"If instead the total length of the change (L2) may be {Format(topL2)}, accuracy falls to {Percent(worst.RobustAccuracy)} ({Label(worst.Attack)}). ");
        }
        if (!double.IsNaN(EmpiricalRobustness))
            s.Append(CultureInfo.InvariantCulture,
                $"DeepFool changes the model's answer with a perturbation whose length is on average {Number(EmpiricalRobustness * 100, "0.0")} % of the input's. ");
        s.Append(AllChecksPassed
            ? "All sanity checks of the measurement passed."
            : $"{Checks.Count(c => !c.Passed)} sanity check(s) failed, so these numbers should not be relied on until the cause is found.");
        s.Append(" The figures are empirical: they show what these attacks achieved, not a guarantee against stronger ones.");
        return s.ToString();
    }

    /// <summary>
    /// The report as indented JSON (<see cref="Utf8JsonWriter"/>, culture-independent numbers): model,
    /// samples, input range, clean accuracy, loss sensitivity, empirical robustness, settings, one object per result
    /// (<c>attack, norm, epsilon, robustAccuracy, attackSuccessRate, meanLinf, meanL2, robustCorrect, flipped</c>),
    /// one per minimal-perturbation attack (<c>attack, attempted, found, meanL2, medianL2, meanLinf, meanRelativeL2</c>),
    /// the checks and <c>allChecksPassed</c>. NaN is written as null.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            WriteJson(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the object that <see cref="ToJson"/> returns to <paramref name="writer"/>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var w = writer;
        w.WriteStartObject();
        w.WriteString("model", ModelName);
        w.WriteNumber("samples", SampleCount);
        w.WriteNumber("inputSize", InputSize);
        WriteNumber(w, "inputMin", InputMin);
        WriteNumber(w, "inputMax", InputMax);
        w.WriteNumber("cleanAccuracy", CleanAccuracy);
        w.WriteNumber("lossSensitivity", LossSensitivity);
        WriteNumber(w, "empiricalRobustness", EmpiricalRobustness);
        w.WriteStartObject("settings");
        w.WriteStartArray("epsilons");
        foreach (float e in Epsilons) w.WriteNumberValue(e);
        w.WriteEndArray();
        w.WriteStartArray("l2Epsilons");
        foreach (float e in L2Epsilons) w.WriteNumberValue(e);
        w.WriteEndArray();
        w.WriteStartArray("attacks");
        foreach (var a in Attacks) w.WriteStringValue(Label(a));
        w.WriteEndArray();
        w.WriteNumber("pgdSteps", PgdSteps);
        w.WriteNumber("pgdStepFactor", PgdStepFactor);
        w.WriteBoolean("pgdRandomStart", PgdRandomStart);
        w.WriteNumber("pgdRestarts", PgdRestarts);
        w.WriteNumber("miFgsmSteps", MiFgsmSteps);
        w.WriteNumber("miFgsmDecay", MiFgsmDecay);
        w.WriteNumber("deepFoolOvershoot", DeepFoolOvershoot);
        w.WriteNumber("deepFoolMaxIterations", DeepFoolMaxIterations);
        w.WriteStartObject("carliniWagner");
        w.WriteNumber("initialC", CarliniWagner.InitialC);
        w.WriteNumber("binarySearchSteps", CarliniWagner.BinarySearchSteps);
        w.WriteNumber("steps", CarliniWagner.Steps);
        w.WriteNumber("learningRate", CarliniWagner.LearningRate);
        w.WriteNumber("kappa", CarliniWagner.Kappa);
        w.WriteEndObject();
        w.WriteNumber("seed", Seed);
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in Results)
        {
            w.WriteStartObject();
            w.WriteString("attack", Label(r.Attack));
            w.WriteString("norm", r.Norm == AttackNorm.L2 ? "L2" : "Linf");
            w.WriteNumber("epsilon", r.Epsilon);
            w.WriteNumber("robustAccuracy", r.RobustAccuracy);
            WriteNumber(w, "attackSuccessRate", r.AttackSuccessRate);
            w.WriteNumber("meanLinf", r.MeanLinf);
            w.WriteNumber("meanL2", r.MeanL2);
            w.WriteNumber("robustCorrect", r.RobustCorrect);
            w.WriteNumber("flipped", r.Flipped);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("minimalPerturbations");
        foreach (var m in MinimalPerturbations)
        {
            w.WriteStartObject();
            w.WriteString("attack", Label(m.Attack));
            w.WriteNumber("attempted", m.Attempted);
            w.WriteNumber("found", m.Found);
            WriteNumber(w, "meanL2", m.MeanL2);
            WriteNumber(w, "medianL2", m.MedianL2);
            WriteNumber(w, "meanLinf", m.MeanLinf);
            WriteNumber(w, "meanRelativeL2", m.MeanRelativeL2);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("checks");
        foreach (var c in Checks)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteBoolean("passed", c.Passed);
            w.WriteString("detail", c.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("allChecksPassed", AllChecksPassed);
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>
    /// A stand-alone SVG line chart of robust accuracy (y, 0–100 %) against ε (x), one
    /// <c>&lt;polyline&gt;</c> per attack with a marker per ε, a dashed line at the clean accuracy, axes,
    /// ticks and a legend. L∞ and L2 attacks get a panel each, side by side, with their own ε axis.
    /// </summary>
    public string ToSvg() => ToSvg([(null, this)]);

    /// <summary>
    /// As <see cref="ToSvg()"/>, several reports in one chart (for example a model before and after
    /// adversarial training): one <c>&lt;polyline&gt;</c> per report and attack, labelled
    /// <c>"label · attack"</c>, and one dashed clean-accuracy line per report and panel.
    /// </summary>
    /// <param name="reports">The reports and their legend labels.</param>
    public static string ToSvg(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) throw new ArgumentException("expected at least one report.", nameof(reports));
        return Svg.Chart(reports);
    }

    private static class Svg
    {
        private const double PanelWidth = 400, Gap = 70, Height = 420, Left = 70, Right = 250, Top = 40, Bottom = 60;
        private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
        private static readonly string[] Dashes = ["", "6 3", "2 3"];

        public static string Chart(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
        {
            var norms = new[] { AttackNorm.LInf, AttackNorm.L2 }
                .Where(norm => reports.Any(r => r.Report.Attacks.Any(a => NormOf(a) == norm))).ToArray();
            double width = Left + norms.Length * PanelWidth + (norms.Length - 1) * Gap + Right;
            double plotH = Height - Top - Bottom;
            double Y(double a) => Top + (1 - a) * plotH;

            var s = new StringBuilder();
            s.Append(CultureInfo.InvariantCulture,
                $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(width)} {N(Height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
            string title = reports.Count == 1 ? $"Robust accuracy of {reports[0].Report.ModelName} vs attack budget ε" : "Robust accuracy vs attack budget ε";
            s.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(title)}</title>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <rect width=\"{N(width)}\" height=\"{N(Height)}\" fill=\"white\"/>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N((width - Right + Left) / 2)}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"18\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {N(Top + plotH / 2)})\">robust accuracy</text>\n");

            var legend = new StringBuilder();
            double legendY = Top + 8;
            var colors = new Dictionary<(int, RobustnessAttack), string>();
            int color = 0;
            for (int p = 0; p < norms.Length; p++)
            {
                var norm = norms[p];
                double left = Left + p * (PanelWidth + Gap);
                double xMax = reports.Max(r => (double)(norm == AttackNorm.L2 ? r.Report.L2Epsilons[^1] : r.Report.Epsilons[^1]));
                double xStep = NiceStep(xMax > 0 ? xMax : 1, 5);
                xMax = xMax > 0 ? Math.Ceiling(xMax / xStep - 1e-6) * xStep : 1;
                double X(double e) => left + e / xMax * PanelWidth;

                s.Append(CultureInfo.InvariantCulture, $"  <g class=\"panel\" data-norm=\"{(norm == AttackNorm.L2 ? "L2" : "Linf")}\">\n");
                // Grid, ticks and tick labels.
                s.Append("  <g class=\"y-ticks\" stroke=\"#ddd\">\n");
                for (int k = 0; k <= 5; k++)
                {
                    double a = k / 5.0, y = Y(a);
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(left)}\" y1=\"{N(y)}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(y)}\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(left - 5)}\" y1=\"{N(y)}\" x2=\"{N(left)}\" y2=\"{N(y)}\" stroke=\"black\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(left - 8)}\" y=\"{N(y + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"black\">{k * 20} %</text>\n");
                }
                s.Append("  </g>\n  <g class=\"x-ticks\" stroke=\"#ddd\">\n");
                for (int k = 0; k * xStep <= xMax + 1e-12; k++)
                {
                    double e = k * xStep, x = X(e);
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH)}\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH + 5)}\" stroke=\"black\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(x)}\" y=\"{N(Top + plotH + 19)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"black\">{Math.Round(e, 10).ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
                }
                s.Append("  </g>\n");

                // Axes and the x label.
                s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(left)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(left)}\" y1=\"{N(Top)}\" x2=\"{N(left)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
                string axis = norm == AttackNorm.L2 ? "L2 budget ε (length of the change)" : "attack budget ε (largest change per input value, L∞)";
                s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N(left + PanelWidth / 2)}\" y=\"{N(Height - 18)}\" text-anchor=\"middle\">{axis}</text>\n");

                // Series.
                for (int r = 0; r < reports.Count; r++)
                {
                    var (label, report) = reports[r];
                    string dash = Dashes[r % Dashes.Length];
                    string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
                    foreach (var attack in report.Attacks)
                    {
                        if (NormOf(attack) != norm) continue;
                        string c = colors[(r, attack)] = Colors[color++ % Colors.Length];
                        string name = (label is null ? "" : label + " · ") + report.Label(attack);
                        var points = new StringBuilder();
                        var markers = new StringBuilder();
                        foreach (var res in report.Results)
                        {
                            if (res.Attack != attack) continue;
                            double x = X(res.Epsilon), y = Y(res.RobustAccuracy);
                            points.Append(CultureInfo.InvariantCulture, $"{N(x)},{N(y)} ");
                            markers.Append(CultureInfo.InvariantCulture,
                                $"    <circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"3\" fill=\"{c}\"><title>{Escape(name)}, ε = {Format(res.Epsilon)}: {Percent(res.RobustAccuracy)}</title></circle>\n");
                        }
                        s.Append(CultureInfo.InvariantCulture, $"  <g class=\"series\">\n    <polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"{dashAttr} points=\"{points.ToString().TrimEnd()}\"><title>{Escape(name)}</title></polyline>\n");
                        s.Append(markers);
                        s.Append("  </g>\n");
                    }
                    s.Append(CultureInfo.InvariantCulture,
                        $"  <line class=\"clean\" x1=\"{N(left)}\" y1=\"{N(Y(report.CleanAccuracy))}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(Y(report.CleanAccuracy))}\" stroke=\"#888\"{(dash.Length > 0 ? dashAttr : " stroke-dasharray=\"4 4\"")}/>\n");
                }
                s.Append("  </g>\n");
            }

            // Legend: per report, its attacks then its clean accuracy.
            double legendX = width - Right + 15;
            for (int r = 0; r < reports.Count; r++)
            {
                var (label, report) = reports[r];
                string dash = Dashes[r % Dashes.Length];
                string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
                foreach (var attack in report.Attacks)
                {
                    string name = (label is null ? "" : label + " · ") + report.Label(attack);
                    legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(legendX)}\" y1=\"{N(legendY)}\" x2=\"{N(legendX + 25)}\" y2=\"{N(legendY)}\" stroke=\"{colors[(r, attack)]}\" stroke-width=\"2\"{dashAttr}/>\n");
                    legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(legendX + 31)}\" y=\"{N(legendY + 4)}\">{Escape(name)}</text>\n");
                    legendY += 20;
                }
                string cleanName = (label is null ? "" : label + " · ") + "clean " + Percent(report.CleanAccuracy);
                legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(legendX)}\" y1=\"{N(legendY)}\" x2=\"{N(legendX + 25)}\" y2=\"{N(legendY)}\" stroke=\"#888\"{(dash.Length > 0 ? dashAttr : " stroke-dasharray=\"4 4\"")}/>\n");
                legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(legendX + 31)}\" y=\"{N(legendY + 4)}\">{Escape(cleanName)}</text>\n");
                legendY += 26;
            }
            s.Append("  <g class=\"legend\">\n").Append(legend).Append("  </g>\n</svg>\n");
            return s.ToString();
        }

        /// <summary>A step of 1, 2 or 5 × 10ᵏ giving about <paramref name="ticks"/> intervals over <paramref name="range"/>.</summary>
        private static double NiceStep(double range, int ticks)
        {
            double raw = range / ticks, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw))), m = raw / magnitude;
            return (m <= 1 + 1e-6 ? 1 : m <= 2 + 1e-6 ? 2 : m <= 5 + 1e-6 ? 5 : 10) * magnitude;
        }

        private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

        private static string Escape(string text) =>
            text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }
}
