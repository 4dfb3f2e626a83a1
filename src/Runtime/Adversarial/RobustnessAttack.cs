using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

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

    /// <summary>
    /// The standard suite in L∞ (<see cref="StandardAttackSuite"/>: APGD-CE, APGD-T, FAB-T, Square; per sample the worst case) at
    /// <see cref="RobustnessOptions.Epsilons"/>. The report's default L∞ evaluation; a sample that only the black-box Square
    /// fools is counted in <see cref="RobustnessReport.SquareOnly"/> and fails the gradient-masking check.
    /// </summary>
    Standard = 6,

    /// <summary>The standard suite in L2, at <see cref="RobustnessOptions.L2Epsilons"/>.</summary>
    StandardL2 = 7,
}
