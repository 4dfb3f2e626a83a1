using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

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

/// <summary>One input column an attack changed, with the mean size of the change over the samples it flipped.</summary>
/// <param name="Name">The column's name (<see cref="RobustnessOptions.FeatureNames"/>, else from <see cref="IModel.InputConstraints"/>).</param>
/// <param name="Column">Its index in the input row.</param>
/// <param name="MeanChange">Mean of <c>|x'ⱼ − xⱼ|</c> over the flipped samples, in raw input units.</param>
public readonly record struct MovedFeature(string Name, int Column, double MeanChange);
