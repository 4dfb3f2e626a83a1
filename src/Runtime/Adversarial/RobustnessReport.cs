using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

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
public sealed partial class RobustnessReport
{
    private RobustnessReport(
        string modelName, int sampleCount, int inputSize, float inputMin, float inputMax, double cleanAccuracy, double lossSensitivity,
        float[] epsilons, float[] l2Epsilons, RobustnessAttack[] attacks, RobustnessOptions options, CarliniWagnerOptions cw,
        RobustnessResult[] results, MinimalPerturbationResult[] minimal, RobustnessCheck[] checks,
        int squareOnly, MovedFeature[] moved, string movedBy, IReadOnlyList<InputSegment> segments)
    {
        SquareOnly = squareOnly;
        InputSegments = segments;
        MovedFeatures = Array.AsReadOnly(moved);
        MovedFeaturesAttack = movedBy;
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

    /// <summary>
    /// Over every ε of the standard suite (<see cref="RobustnessAttack.Standard"/>, <see cref="RobustnessAttack.StandardL2"/>):
    /// samples that only the black-box Square fooled after every white-box attack (APGD-CE, APGD-T, FAB-T) failed. More than zero fails a check: the
    /// gradients may be masked, and gradient attacks alone would overstate robustness.
    /// </summary>
    public int SquareOnly { get; }

    /// <summary>
    /// The input columns the strongest ε-ball attack run (the L2 suite, L2 PGD, the L∞ suite, PGD, MI-FGSM, FGSM: the first run) changed most at its largest ε, by
    /// mean |x'ⱼ − xⱼ| over the samples it flipped, largest first (at most 10; empty when it flipped none). On a tabular model
    /// fed standardised features the changes are in standard deviations of each column.
    /// </summary>
    public IReadOnlyList<MovedFeature> MovedFeatures { get; }

    /// <summary>The attack and ε <see cref="MovedFeatures"/> come from, e.g. <c>Suite at ε = 0.1</c>; empty when none ran.</summary>
    public string MovedFeaturesAttack { get; }

    /// <summary>The model's input members with their own ranges and kinds (<see cref="IModel.InputConstraints"/>), which every attack respected.</summary>
    public IReadOnlyList<InputSegment> InputSegments { get; }

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
        attack is RobustnessAttack.PgdL2 or RobustnessAttack.DeepFool or RobustnessAttack.CarliniWagnerL2 or RobustnessAttack.StandardL2 ? AttackNorm.L2 : AttackNorm.LInf;

    private static bool IsSuite(RobustnessAttack attack) => attack is RobustnessAttack.Standard or RobustnessAttack.StandardL2;

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
            throw new ArgumentException($"{model.Name} has no accuracy (a regression), so robust accuracy is undefined.", nameof(model));
        DataCheck.Validate(model, data, "the dataset", checkRange: false);
        var epsilons = CheckEpsilons(options.Epsilons, "Epsilons");
        var l2Epsilons = CheckEpsilons(options.L2Epsilons, "L2Epsilons");
        bool classes = model.TargetKind == TargetKind.ClassIndex;
        bool suiteFits = classes || (model.OutputSize == 1 && model.Loss is Loss.BinaryCrossEntropy or Loss.MeanSquaredError);
        var attacks = (options.Attacks ?? (classes
            ? [RobustnessAttack.Fgsm, RobustnessAttack.Pgd, RobustnessAttack.Standard, RobustnessAttack.DeepFool]
            : suiteFits ? [RobustnessAttack.Fgsm, RobustnessAttack.Pgd, RobustnessAttack.Standard]
            : [RobustnessAttack.Fgsm, RobustnessAttack.Pgd])).Distinct().ToArray();
        if (attacks.Length == 0) throw new ArgumentException("Attacks is empty; expected at least one attack.", nameof(options));
        foreach (var a in attacks)
        {
            if (!Enum.IsDefined(a))
                throw new ArgumentOutOfRangeException(nameof(options), a, $"unknown attack {a}.");
            if (IsMinimal(a) && !classes)
                throw new NotSupportedException(
                    $"{a} needs class logits (TargetKind.ClassIndex); {model.Name} is trained on target values. Remove it from Attacks.");
            if (IsSuite(a) && !suiteFits)
                throw new NotSupportedException(
                    $"{a} needs a classifier (class logits, or one output trained with binary cross-entropy or squared error); {model.Name} has {model.OutputSize} outputs and Loss.{model.Loss}. Remove it from Attacks.");
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
        if (options.SuiteApgdSteps < 1 || options.SuiteTargetClasses < 1 || options.SuiteSquareQueries < 1)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"SuiteApgdSteps {options.SuiteApgdSteps}, SuiteTargetClasses {options.SuiteTargetClasses}, SuiteSquareQueries {options.SuiteSquareQueries}; expected each at least 1.");
        if (options.SuiteFabSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.SuiteFabSteps, $"SuiteFabSteps is {options.SuiteFabSteps}; expected 0 (FAB-T off) or more.");
        if (options.FeatureNames is { } names && names.Count != model.InputSize)
            throw new ArgumentException($"FeatureNames has {names.Count} names; {model.Name} has {model.InputSize} input columns.", nameof(options));
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
        var suite = attacks.Any(IsSuite)
            ? new StandardAttackSuite(model, size)
            {
                ApgdSteps = options.SuiteApgdSteps, TargetClasses = options.SuiteTargetClasses, SquareQueries = options.SuiteSquareQueries,
                FabSteps = Math.Max(options.SuiteFabSteps, 1), RunFab = options.SuiteFabSteps > 0,
                Layout = options.SuiteLayout, Seed = options.Seed,
            }
            : null;
        int squareOnly = 0;
        // The columns the strongest ε-ball attack moves at its largest ε: sum of |δⱼ| over the samples it flips. L2 first: an L2
        // attack spends its budget where the gradient is large, where an L∞ one moves nearly every column by ε.
        int movedAttack = -1;
        foreach (var preferred in new[] { RobustnessAttack.StandardL2, RobustnessAttack.PgdL2, RobustnessAttack.Standard, RobustnessAttack.Pgd, RobustnessAttack.MiFgsm, RobustnessAttack.Fgsm })
            if (movedAttack < 0) movedAttack = Array.IndexOf(attacks, preferred);
        var movedList = movedAttack < 0 ? epsilons : NormOf(attacks[movedAttack]) == AttackNorm.L2 ? l2Epsilons : epsilons;
        int movedCell = movedAttack < 0 || movedList[^1] == 0f ? -1 : cellStart[movedAttack] + movedList.Length - 1;
        var moved = new double[f];
        int movedSamples = 0;
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
                        case RobustnessAttack.Standard or RobustnessAttack.StandardL2:
                            if (eps == 0f) { x.CopyTo(adv); break; }   // nothing to search; Square would spend every query
                            squareOnly += suite!.Run(model, batch, NormOf(attack), eps, adv).SquareOnly;
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
                        if (cell == movedCell && !ok && clean[i])
                        {
                            movedSamples++;
                            for (int j = 0; j < f; j++) moved[j] += Math.Abs(adv[i * f + j] - x[i * f + j]);
                        }
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
        var checks = SanityChecks(attacks, results, cleanCorrect, count, options).ToList();
        if (attacks.Any(IsSuite))
        {
            checks.Add(new RobustnessCheck(
                "gradient masking: the black-box Square fooled no sample that APGD-CE, APGD-T and FAB-T all missed",
                squareOnly == 0, $"{squareOnly} sample(s) fooled by Square alone"));
            foreach (var a in attacks.Where(IsSuite))
            {
                var last = results.Where(r => r.Attack == a).Last();
                if (last.Epsilon == 0f || cleanCorrect == 0) continue;
                checks.Add(new RobustnessCheck(
                    $"gradient masking: {LabelOf(a, options.PgdSteps, options.PgdRestarts, options.MiFgsmSteps)} lowers accuracy by the largest ε",
                    last.RobustCorrect < cleanCorrect, $"{last.RobustCorrect} correct at ε = {Format(last.Epsilon)} vs {cleanCorrect} clean"));
            }
        }
        var box = model.InputConstraints;
        var movedFeatures = movedSamples == 0 ? [] : Enumerable.Range(0, f)
            .Where(j => moved[j] > 0)
            .OrderByDescending(j => moved[j]).ThenBy(j => j).Take(10)
            .Select(j => new MovedFeature(options.FeatureNames?[j] ?? box.FeatureName(j), j, moved[j] / movedSamples))
            .ToArray();
        string movedBy = movedCell < 0 ? "" : $"{LabelOf(attacks[movedAttack], options.PgdSteps, options.PgdRestarts, options.MiFgsmSteps)} at ε = {Format(movedList[^1])}, {movedSamples} flipped samples";
        return new RobustnessReport(
            model.Name, count, f, model.InputMin, model.InputMax, (double)cleanCorrect / count, gradientNormSum / count,
            epsilons, l2Epsilons, attacks, options, cw, results, minimalResults, checks.ToArray(), squareOnly, movedFeatures, movedBy, box.Segments);
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
            RobustnessAttack.Standard => "Suite",
            RobustnessAttack.StandardL2 => "Suite-L2",
            _ => attack.ToString(),
        };
    }

    private static string SegmentText(InputSegment s) => s.Kind switch
    {
        InputFeatureKind.Ids => $"{s.Name}: ids, never perturbed",
        InputFeatureKind.Immutable => $"{s.Name}: immutable",
        _ => $"{s.Name}: [{Format(s.Min)}, {Format(s.Max)}]{(s.Kind == InputFeatureKind.Integer ? " integers" : "")}",
    };

    private static string Format(float value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value, string format) =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private string RangeText =>
        InputSegments.Count > 1
            ? "each input member's own range (" + string.Join(", ", InputSegments.Select(SegmentText)) + ")"
        : float.IsFinite(InputMin) && float.IsFinite(InputMax)
            ? $"[{Format(InputMin)}, {Format(InputMax)}]"
            : "an unbounded range";
}
