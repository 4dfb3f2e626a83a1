using System;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

/// <summary>Settings of <see cref="Attacks.CarliniWagnerL2"/>; every property has a default.</summary>
public sealed class CarliniWagnerOptions
{
    /// <summary>The defaults: c₀ = 1, 5 binary-search steps of 100 Adam steps at learning rate 0.1, κ = 0, untargeted.</summary>
    public static CarliniWagnerOptions Default { get; } = new();

    /// <summary>The first trade-off constant c &gt; 0 of <c>‖δ‖₂² + c·f(x + δ)</c>. Default: 1.</summary>
    public float InitialC { get; init; } = 1f;

    /// <summary>
    /// Number of values of c tried, at least 1 (1: a fixed c). Per sample, after a success
    /// <c>c ← (c_lo + c_hi)/2</c> with <c>c_hi = c</c>; after a failure <c>c_lo = c</c> and c is multiplied by 10
    /// until some c succeeds, then bisected. Default: 5 (Carlini and Wagner used 9 with 10,000 steps each).
    /// </summary>
    public int BinarySearchSteps { get; init; } = 5;

    /// <summary>Adam steps per value of c, at least 1. Default: 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>
    /// Adam learning rate on w (β₁ = 0.9, β₂ = 0.999, ε̂ = 1e-8). Default: 0.1. The paper used 0.01 with
    /// 10,000 steps per c; with 100 steps 0.01 often stops far from the minimum (on a Fashion-MNIST MLP
    /// some samples ended with twice the L2 found with 0.1, and 2 of 64 were not attacked at all).
    /// </summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Confidence κ ≥ 0: success needs a logit margin of at least κ. Default: 0.</summary>
    public float Kappa { get; init; }

    /// <summary>Move each sample to the class in the batch's labels instead of away from it. Default: false.</summary>
    public bool Targeted { get; init; }
}

public static partial class Attacks
{
    /// <summary>Added to DeepFool's step length, as in the authors' implementation, so that a step lands past the boundary.</summary>
    private const float DeepFoolStepSlack = 1e-4f;

    /// <summary>Carlini-Wagner's start <c>atanh(u)</c> clamps <c>u</c> to ±this (see <see cref="CarliniWagnerL2"/>).</summary>
    private const float TanhLimit = 1f - 1e-4f;

    /// <summary>
    /// Targeted DeepFool, L2: a small perturbation that makes the model predict <paramref name="targets"/>[i] for
    /// each sample (the linearised step of DeepFool towards one chosen class). From <c>x₀ = x</c> and <c>r = 0</c>,
    /// while the prediction <c>ĉ = argmax z(xᵢ)</c> is not the target <c>t</c> and at most
    /// <paramref name="maxIterations"/> times: <c>w = ∇ₓ(z_t − z_ĉ)(xᵢ)</c>, <c>f = z_ĉ − z_t ≥ 0</c>,
    /// <c>r ← r + (f/‖w‖₂ + 10⁻⁴)·w/‖w‖₂</c>, <c>xᵢ₊₁ = clip(x + (1 + η)·r, min, max)</c>. Each step crosses the
    /// linearised boundary between the current class and the target, so on a linear model a sample whose
    /// runner-up is the target reaches it in one step of length <c>(1 + η)·(f/‖w‖₂ + 10⁻⁴)</c>.
    /// </summary>
    /// <remarks>
    /// As for <see cref="DeepFool"/>, <c>w</c> is the difference of two <see cref="IModel.InputGradient"/> calls
    /// (labels ĉ and t), so one iteration costs one <c>Predict</c> and two gradient passes over the samples that
    /// have not reached their target. Samples already predicted as their target are left unchanged and count as
    /// reached. Uses four feature buffers of <paramref name="workspace"/>.
    /// </remarks>
    /// <param name="model">A <see cref="TargetKind.ClassIndex"/> (softmax cross-entropy) model.</param>
    /// <param name="inputs">Clean inputs, <c>[n, InputSize]</c>, n ≤ the workspace's MaxCount.</param>
    /// <param name="targets">The class each sample should be moved to, <c>[n]</c>, each in <c>[0, OutputSize)</c>.</param>
    /// <param name="adversarial">Receives <c>x + δ</c>, <c>[n, InputSize]</c>.</param>
    /// <param name="reached">Receives, per sample, whether the prediction at <c>x + δ</c> is the target.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="overshoot">η ≥ 0. Default: 0.02, as in the paper.</param>
    /// <param name="maxIterations">Largest number of steps, ≥ 0. Default: 50.</param>
    /// <returns>Number of samples that reached their target.</returns>
    /// <exception cref="NotSupportedException">The model's targets are not class indices.</exception>
    public static int DeepFoolTargeted(IModel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets, Span<float> adversarial,
        Span<bool> reached, AttackWorkspace workspace, float overshoot = 0.02f, int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(workspace);
        RequireClasses(model, "targeted DeepFool");
        int f = model.InputSize, c = model.OutputSize;
        int n = Guard.Rows(inputs.Length, f, "inputs", model.Name);
        Guard.Length(targets.Length, n, "targets", model.Name);
        Guard.Labels(targets, c, model.Name);
        Guard.Length(adversarial.Length, inputs.Length, "adversarial", model.Name);
        Guard.Length(reached.Length, n, "reached", model.Name);
        if (!(overshoot >= 0f) || float.IsInfinity(overshoot))
            throw new ArgumentOutOfRangeException(nameof(overshoot), overshoot, "overshoot must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        workspace.Check(model, n);

        float min = model.InputMin, max = model.InputMax;
        var box = model.InputConstraints;
        var gradCurrent = workspace.Features(0, n);
        var gradTarget = workspace.Features(1, n);
        var total = workspace.Features(3, n);
        var active = workspace.Features(4, n); // rows of the samples still running, compacted
        var logits = workspace.Logits(n);
        var current = workspace.Labels(0, n);
        var rowTargets = workspace.Labels(1, n);
        var index = workspace.Labels(2, n);

        TensorPrimitives.Clamp(inputs, min, max, adversarial);
        adversarial.CopyTo(active);
        total.Clear();
        reached.Clear();
        for (int i = 0; i < n; i++) index[i] = i;

        int m = n;
        for (int iteration = 0; ; iteration++)
        {
            model.Predict(active.Slice(0, m * f), logits.Slice(0, m * c));
            int kept = 0;
            for (int j = 0; j < m; j++)
            {
                int i = index[j];
                int predicted = TensorPrimitives.IndexOfMax(logits.Slice(j * c, c));
                if (predicted == targets[i])
                {
                    reached[i] = true;
                    continue;
                }
                if (kept != j)
                {
                    active.Slice(j * f, f).CopyTo(active.Slice(kept * f, f));
                    logits.Slice(j * c, c).CopyTo(logits.Slice(kept * c, c));
                    index[kept] = i;
                }
                current[kept] = predicted;
                rowTargets[kept] = targets[i];
                kept++;
            }
            m = kept;
            if (m == 0 || iteration == maxIterations) break;

            var x = active.Slice(0, m * f);
            // ∇L(x, ĉ) − ∇L(x, t) = ∇(z_t − z_ĉ) for softmax cross-entropy.
            model.InputGradient(new Batch(x, current.Slice(0, m), default, m), gradCurrent.Slice(0, m * f));
            model.InputGradient(new Batch(x, rowTargets.Slice(0, m), default, m), gradTarget.Slice(0, m * f));
            for (int j = 0; j < m; j++)
            {
                var w = gradCurrent.Slice(j * f, f);
                TensorPrimitives.Subtract(w, gradTarget.Slice(j * f, f), w);
                box.MaskFixed(w);
                float norm = TensorPrimitives.Norm(w);
                if (!(norm > 0)) continue; // flat: no direction, stays and is reported
                float gap = logits[j * c + current[j]] - logits[j * c + rowTargets[j]];
                float scale = (gap / norm + DeepFoolStepSlack) / norm;
                int i = index[j];
                var r = total.Slice(i * f, f);
                var clean = inputs.Slice(i * f, f);
                var row = adversarial.Slice(i * f, f);
                for (int t = 0; t < f; t++)
                {
                    r[t] += scale * w[t];
                    row[t] = Math.Clamp(clean[t] + (1f + overshoot) * r[t], min, max);
                }
                if (!box.IsUniform) box.Project(clean, row, float.PositiveInfinity);
                row.CopyTo(active.Slice(j * f, f));
            }
        }
        int count = 0;
        foreach (bool b in reached) if (b) count++;
        return count;
    }

    /// <summary>
    /// DeepFool (Moosavi-Dezfooli, Fawzi and Frossard, 2016), multi-class, L2: a small perturbation that
    /// moves each sample off the model's own prediction <c>k̂ = argmax z(x)</c> (the labels are not needed:
    /// a sample the model gets wrong is moved off its wrong class). From <c>x₀ = x</c> and <c>r = 0</c>, while
    /// <c>argmax z(xᵢ) = k̂</c> and at most <paramref name="maxIterations"/> times: for every <c>k ≠ k̂</c>,
    /// <c>w_k = ∇ₓ(z_k − z_k̂)(xᵢ)</c> and <c>f_k = z_k − z_k̂</c>; <c>l = argmin_k |f_k|/‖w_k‖₂</c>;
    /// <c>r ← r + (|f_l|/‖w_l‖₂ + 10⁻⁴)·w_l/‖w_l‖₂</c>; <c>xᵢ₊₁ = clip(x + (1 + η)·r, min, max)</c>.
    /// The perturbation is <c>adversarial − x</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// There is no Jacobian API: for softmax cross-entropy <c>L(x, y) = logsumexp(z) − z_y</c>, so
    /// <c>∇ₓL(x, k̂) − ∇ₓL(x, k) = ∇ₓ(z_k − z_k̂)</c>; each <c>w_k</c> is the difference of two
    /// <see cref="IModel.InputGradient"/> calls with different labels, and <c>f_k</c> comes from the logits of
    /// <see cref="IModel.Predict"/>. One iteration costs one <c>Predict</c> and <c>OutputSize</c> gradient
    /// passes over the samples that have not crossed yet (crossed samples leave the batch).
    /// </para>
    /// <para>
    /// On a linear model the first step reaches the nearest boundary exactly (times 1 + η); clipping to the
    /// input range can stop a sample from crossing, which is then reported in <paramref name="crossed"/>.
    /// Uses five feature buffers of <paramref name="workspace"/>.
    /// </para>
    /// </remarks>
    /// <param name="model">A <see cref="TargetKind.ClassIndex"/> (softmax cross-entropy) model.</param>
    /// <param name="inputs">Clean inputs, <c>[n, InputSize]</c>, n ≤ the workspace's MaxCount.</param>
    /// <param name="adversarial">Receives <c>x + δ</c>, <c>[n, InputSize]</c>.</param>
    /// <param name="crossed">Receives, per sample, whether the prediction at <c>x + δ</c> differs from <c>k̂</c>; where false, DeepFool failed within <paramref name="maxIterations"/>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="overshoot">η ≥ 0. Default: 0.02, as in the paper.</param>
    /// <param name="maxIterations">Largest number of steps, ≥ 0. Default: 50, as in the authors' implementation.</param>
    /// <returns>Number of samples that crossed.</returns>
    /// <exception cref="NotSupportedException">The model's targets are not class indices.</exception>
    public static int DeepFool(IModel model, ReadOnlySpan<float> inputs, Span<float> adversarial, Span<bool> crossed,
        AttackWorkspace workspace, float overshoot = 0.02f, int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(workspace);
        RequireClasses(model, "DeepFool");
        int f = model.InputSize, c = model.OutputSize;
        int n = Guard.Rows(inputs.Length, f, "inputs", model.Name);
        Guard.Length(adversarial.Length, inputs.Length, "adversarial", model.Name);
        Guard.Length(crossed.Length, n, "crossed", model.Name);
        if (!(overshoot >= 0f) || float.IsInfinity(overshoot))
            throw new ArgumentOutOfRangeException(nameof(overshoot), overshoot, "overshoot must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        workspace.Check(model, n);

        float min = model.InputMin, max = model.InputMax;
        var box = model.InputConstraints;
        var gradY = workspace.Features(0, n);
        var gradK = workspace.Features(1, n);
        var best = workspace.Features(2, n);
        var total = workspace.Features(3, n);
        var active = workspace.Features(4, n); // rows of the samples still running, compacted
        var logits = workspace.Logits(n);
        var original = workspace.Labels(0, n);
        var labels = workspace.Labels(1, n);
        var index = workspace.Labels(2, n);
        var bestRatio = workspace.Scalars(0, n);

        TensorPrimitives.Clamp(inputs, min, max, adversarial);
        adversarial.CopyTo(active);
        total.Clear();
        crossed.Clear();
        model.Predict(adversarial, logits);
        for (int i = 0; i < n; i++)
        {
            original[i] = TensorPrimitives.IndexOfMax(logits.Slice(i * c, c));
            index[i] = i;
        }

        int m = n;
        for (int iteration = 0; ; iteration++)
        {
            if (iteration > 0)
            {
                model.Predict(active.Slice(0, m * f), logits.Slice(0, m * c));
                int kept = 0;
                for (int j = 0; j < m; j++)
                {
                    int i = index[j];
                    if (TensorPrimitives.IndexOfMax(logits.Slice(j * c, c)) != original[i])
                    {
                        crossed[i] = true;
                        continue;
                    }
                    if (kept != j)
                    {
                        active.Slice(j * f, f).CopyTo(active.Slice(kept * f, f));
                        logits.Slice(j * c, c).CopyTo(logits.Slice(kept * c, c));
                        index[kept] = i;
                    }
                    kept++;
                }
                m = kept;
            }
            if (m == 0 || iteration == maxIterations) break;

            var x = active.Slice(0, m * f);
            var rowLabels = labels.Slice(0, m);
            for (int j = 0; j < m; j++) rowLabels[j] = original[index[j]];
            model.InputGradient(new Batch(x, rowLabels, default, m), gradY.Slice(0, m * f));
            box.MaskFixed(gradY.Slice(0, m * f));   // only the columns that may move count in the linearisation
            bestRatio.Slice(0, m).Fill(float.PositiveInfinity);
            for (int k = 0; k < c; k++)
            {
                bool any = false;
                for (int j = 0; j < m && !any; j++) any = original[index[j]] != k;
                if (!any) continue;
                rowLabels.Fill(k);
                model.InputGradient(new Batch(x, rowLabels, default, m), gradK.Slice(0, m * f));
                box.MaskFixed(gradK.Slice(0, m * f));   // only the columns that may move count in the linearisation
                for (int j = 0; j < m; j++)
                {
                    int y = original[index[j]];
                    if (y == k) continue;
                    var gy = gradY.Slice(j * f, f);
                    var gk = gradK.Slice(j * f, f);
                    double sq = 0;
                    for (int t = 0; t < f; t++) { double d = gy[t] - gk[t]; sq += d * d; }
                    if (!(sq > 0)) continue;
                    float ratio = (float)(Math.Abs((double)logits[j * c + k] - logits[j * c + y]) / Math.Sqrt(sq));
                    if (ratio < bestRatio[j])
                    {
                        bestRatio[j] = ratio;
                        TensorPrimitives.Subtract(gy, gk, best.Slice(j * f, f)); // ∇(z_k − z_k̂)
                    }
                }
            }
            for (int j = 0; j < m; j++)
            {
                if (float.IsPositiveInfinity(bestRatio[j])) continue; // flat: no direction, stays and is reported
                int i = index[j];
                var w = best.Slice(j * f, f);
                float scale = (bestRatio[j] + DeepFoolStepSlack) / TensorPrimitives.Norm(w);
                var r = total.Slice(i * f, f);
                var clean = inputs.Slice(i * f, f);
                var row = adversarial.Slice(i * f, f);
                for (int t = 0; t < f; t++)
                {
                    r[t] += scale * w[t];
                    row[t] = Math.Clamp(clean[t] + (1f + overshoot) * r[t], min, max);
                }
                if (!box.IsUniform) box.Project(clean, row, float.PositiveInfinity);
                row.CopyTo(active.Slice(j * f, f));
            }
        }
        int count = 0;
        foreach (bool b in crossed) if (b) count++;
        return count;
    }

    /// <summary>
    /// Carlini-Wagner L2 attack (Carlini and Wagner, 2017): per sample, minimise
    /// <c>‖x' − x‖₂² + c·f(x')</c> over <c>x' = lo + (hi − lo)·(tanh(w) + 1)/2</c>, which keeps <c>x'</c> inside the
    /// declared range <c>[lo, hi] = [InputMin, InputMax]</c> without clipping (when the range is not finite,
    /// <c>x' = w</c>, clipped to the finite side). Untargeted <c>f = max(z_y − max_{j≠y} z_j, −κ)</c>, targeted
    /// (label t) <c>f = max(max_{j≠t} z_j − z_t, −κ)</c>; Adam on w from <c>w = atanh(u)</c>, <c>u = 2(x − lo)/(hi − lo) − 1</c>
    /// clamped to <c>±(1 − 10⁻⁴)</c>, restarted for every c of a short binary search (<see cref="CarliniWagnerOptions"/>). Per sample the
    /// successful <c>x'</c> (arg-max ≠ y, or = t, with margin ≥ κ) with the smallest <c>‖x' − x‖₂</c> over all
    /// steps and all c is kept; samples never successful are returned unchanged.
    /// </summary>
    /// <remarks>
    /// <c>∇ₓ(z_y − z_j) = ∇ₓL(x, j) − ∇ₓL(x, y)</c> for softmax cross-entropy, so each Adam step costs one
    /// <see cref="IModel.Predict"/> (logits, <c>j = argmax_{j≠y}</c>, success) and two
    /// <see cref="IModel.InputGradient"/> calls (labels y and j). Uses six feature buffers of <paramref name="workspace"/>.
    /// The clamp moves values at the ends of the range by at most <c>5·10⁻⁵·(hi − lo)</c> at the start; the paper's
    /// <c>1 − 10⁻⁶</c> starts them at <c>|w| ≈ 7.3</c>, where they barely move in a few hundred Adam steps (on a
    /// Fashion-MNIST MLP, 4 × 50 steps found a 28 % larger mean L2 with it, 100 × 5 steps the same).
    /// </remarks>
    /// <param name="model">A <see cref="TargetKind.ClassIndex"/> model with at least two classes.</param>
    /// <param name="batch">Clean inputs and their labels (target labels when <see cref="CarliniWagnerOptions.Targeted"/>).</param>
    /// <param name="adversarial">Receives the best adversarial example per sample (the clean input where none was found).</param>
    /// <param name="succeeded">Receives, per sample, whether an adversarial example was found.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="options">Settings. Default (null): <see cref="CarliniWagnerOptions.Default"/>.</param>
    /// <returns>Number of samples with an adversarial example.</returns>
    /// <exception cref="NotSupportedException">The model's targets are not class indices.</exception>
    public static int CarliniWagnerL2(IModel model, in Batch batch, Span<float> adversarial, Span<bool> succeeded,
        AttackWorkspace workspace, CarliniWagnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(workspace);
        RequireClasses(model, "Carlini-Wagner");
        var o = options ?? CarliniWagnerOptions.Default;
        CheckOptions(o);
        int n = batch.Count, f = model.InputSize, c = model.OutputSize;
        if (c < 2)
            throw new NotSupportedException($"Carlini-Wagner needs at least two classes; {model.Name} has {c}.");
        Guard.Length(batch.Inputs.Length, n * f, "inputs", model.Name);
        Guard.Length(batch.Labels.Length, n, "labels", model.Name);
        Guard.Labels(batch.Labels, c, model.Name);
        Guard.Length(adversarial.Length, n * f, "adversarial", model.Name);
        Guard.Length(succeeded.Length, n, "succeeded", model.Name);
        workspace.Check(model, n);

        float lo = model.InputMin, hi = model.InputMax;
        var constraints = model.InputConstraints;
        bool box = float.IsFinite(lo) && float.IsFinite(hi) && hi > lo;
        float half = box ? (hi - lo) / 2 : 1f, mid = box ? lo + half : 0f;
        var gradY = workspace.Features(0, n);
        var gradJ = workspace.Features(1, n);
        var w = workspace.Features(2, n);
        var m1 = workspace.Features(3, n);
        var m2 = workspace.Features(4, n);
        var current = workspace.Features(5, n);
        var logits = workspace.Logits(n);
        var cs = workspace.Scalars(0, n);
        var cLow = workspace.Scalars(1, n);
        var cHigh = workspace.Scalars(2, n);
        var bestL2 = workspace.Scalars(3, n);
        var other = workspace.Labels(0, n);
        var roundSuccess = workspace.Flags(0, n);
        var pushing = workspace.Flags(1, n);
        var x = batch.Inputs;
        var labels = batch.Labels;
        const float Unset = 1e10f, Beta1 = 0.9f, Beta2 = 0.999f, AdamEpsilon = 1e-8f;

        TensorPrimitives.Clamp(x, lo, hi, adversarial);
        succeeded.Clear();
        bestL2.Fill(float.PositiveInfinity);
        cs.Fill(o.InitialC);
        cLow.Clear();
        cHigh.Fill(Unset);
        var currentBatch = new Batch(current, labels, default, n);
        var otherBatch = new Batch(current, other, default, n);

        for (int search = 0; search < o.BinarySearchSteps; search++)
        {
            for (int t = 0; t < w.Length; t++)
            {
                float v = Math.Clamp(x[t], lo, hi);
                w[t] = box ? MathF.Atanh(Math.Clamp((v - mid) / half, -TanhLimit, TanhLimit)) : v;
            }
            m1.Clear();
            m2.Clear();
            roundSuccess.Clear();
            float beta1Power = 1f, beta2Power = 1f;
            for (int step = 0; ; step++)
            {
                for (int t = 0; t < w.Length; t++)
                    current[t] = Math.Clamp(box ? mid + half * MathF.Tanh(w[t]) : w[t], lo, hi);
                if (!constraints.IsUniform) constraints.Project(x, current, float.PositiveInfinity);   // each column's own range; ids and immutables stay
                model.Predict(current, logits);
                for (int i = 0; i < n; i++)
                {
                    var z = logits.Slice(i * c, c);
                    int y = labels[i], j = y == 0 ? 1 : 0;
                    for (int k = 0; k < c; k++)
                        if (k != y && z[k] > z[j]) j = k;
                    other[i] = j;
                    float margin = o.Targeted ? z[j] - z[y] : z[y] - z[j];
                    pushing[i] = margin > -o.Kappa;
                    int top = TensorPrimitives.IndexOfMax(z);
                    bool success = (o.Targeted ? top == y : top != y) && -margin >= o.Kappa;
                    if (!success) continue;
                    roundSuccess[i] = true;
                    var row = current.Slice(i * f, f);
                    var clean = x.Slice(i * f, f);
                    double sq = 0;
                    for (int t = 0; t < f; t++) { double d = row[t] - clean[t]; sq += d * d; }
                    float l2 = (float)Math.Sqrt(sq);
                    if (l2 < bestL2[i])
                    {
                        bestL2[i] = l2;
                        row.CopyTo(adversarial.Slice(i * f, f));
                        succeeded[i] = true;
                    }
                }
                if (step == o.Steps) break;

                model.InputGradient(currentBatch, gradY);
                model.InputGradient(otherBatch, gradJ);
                beta1Power *= Beta1;
                beta2Power *= Beta2;
                float rate = o.LearningRate * MathF.Sqrt(1f - beta2Power) / (1f - beta1Power);
                for (int i = 0; i < n; i++)
                {
                    float weight = pushing[i] ? (o.Targeted ? cs[i] : -cs[i]) : 0f; // ∇f = ±(∇L(y) − ∇L(j))
                    for (int t = i * f, end = t + f; t < end; t++)
                    {
                        float g = 2f * (current[t] - x[t]) + weight * (gradY[t] - gradJ[t]);
                        if (box)
                        {
                            float th = (current[t] - mid) / half;
                            g *= half * (1f - th * th);
                        }
                        m1[t] = Beta1 * m1[t] + (1f - Beta1) * g;
                        m2[t] = Beta2 * m2[t] + (1f - Beta2) * g * g;
                        w[t] -= rate * m1[t] / (MathF.Sqrt(m2[t]) + AdamEpsilon);
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                if (roundSuccess[i])
                {
                    cHigh[i] = Math.Min(cHigh[i], cs[i]);
                    cs[i] = (cLow[i] + cHigh[i]) / 2;
                }
                else
                {
                    cLow[i] = Math.Max(cLow[i], cs[i]);
                    cs[i] = cHigh[i] < Unset ? (cLow[i] + cHigh[i]) / 2 : cs[i] * 10f;
                }
            }
        }
        int count = 0;
        foreach (bool b in succeeded) if (b) count++;
        return count;
    }

    private static void CheckOptions(CarliniWagnerOptions o)
    {
        if (!(o.InitialC > 0f) || float.IsInfinity(o.InitialC))
            throw new ArgumentOutOfRangeException(nameof(o.InitialC), o.InitialC, "InitialC must be finite and positive.");
        if (o.BinarySearchSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(o.BinarySearchSteps), o.BinarySearchSteps, "BinarySearchSteps must be at least 1.");
        if (o.Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(o.Steps), o.Steps, "Steps must be at least 1.");
        if (!(o.LearningRate > 0f) || float.IsInfinity(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "LearningRate must be finite and positive.");
        if (!(o.Kappa >= 0f) || float.IsInfinity(o.Kappa))
            throw new ArgumentOutOfRangeException(nameof(o.Kappa), o.Kappa, "Kappa must be finite and non-negative.");
    }

    private static void RequireClasses(IModel model, string attack)
    {
        if (model.TargetKind != TargetKind.ClassIndex)
            throw new NotSupportedException(
                $"{attack} needs class logits and works on softmax cross-entropy models (TargetKind.ClassIndex); " +
                $"{model.Name} is trained on {model.OutputSize} target value(s) per sample (TargetKind.{model.TargetKind}). " +
                "Use the ε-ball attacks (Fgsm, Pgd, PgdL2, MiFgsm), which work on any loss.");
    }
}
