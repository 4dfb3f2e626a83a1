using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

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
    /// The attacks, each run at every ε of its norm. Default (null): FGSM, PGD, the standard suite
    /// (<see cref="RobustnessAttack.Standard"/>: APGD-CE, APGD-T, Square) and, for <see cref="TargetKind.ClassIndex"/> models,
    /// DeepFool (which gives <see cref="RobustnessReport.EmpiricalRobustness"/>).
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

    /// <summary>APGD iterations per run in the standard suite. Default: 100 (AutoAttack's).</summary>
    public int SuiteApgdSteps { get; init; } = 100;

    /// <summary>APGD-T target classes in the standard suite. Default: 9 (AutoAttack's).</summary>
    public int SuiteTargetClasses { get; init; } = 9;

    /// <summary>FAB-T iterations per target class in the standard suite (0: FAB-T off). Default: 100 (AutoAttack's).</summary>
    public int SuiteFabSteps { get; init; } = 100;

    /// <summary>Square queries in the standard suite. Default: 5000 (AutoAttack's).</summary>
    public int SuiteSquareQueries { get; init; } = 5000;

    /// <summary>Square's window layout (an image's <c>[C, H, W]</c>). Default: null (the row as one line of features).</summary>
    public InputLayout? SuiteLayout { get; init; }

    /// <summary>
    /// A name per input column for <see cref="RobustnessReport.MovedFeatures"/> (e.g. a tabular pipeline's output columns).
    /// Default: null (the input member's name, with <c>[i]</c> for members of several columns).
    /// </summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }
}
