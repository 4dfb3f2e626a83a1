using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

// The report as Markdown: a table per norm and a plain-language summary.
public sealed partial class RobustnessReport
{
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
        if (Attacks.Any(IsSuite))
            s.Append(CultureInfo.InvariantCulture,
                $"Suite: APGD-CE, APGD-T (class models with 4 or more classes), FAB-T (class models) and the black-box Square attack, per sample the worst case (StandardAttackSuite); its mean norms count only the samples it fooled. Samples fooled by Square alone: {SquareOnly}.\n\n");
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
        if (MovedFeatures.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"Input columns that moved most ({MovedFeaturesAttack}; mean |x′ − x| over the flipped samples):\n\n");
            s.Append("| Column | Mean change |\n|---|---:|\n");
            foreach (var m in MovedFeatures)
                s.Append(CultureInfo.InvariantCulture, $"| {m.Name} | {Number(m.MeanChange, "0.0000")} |\n");
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
}
