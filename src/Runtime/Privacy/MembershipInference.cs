using System;
using System.Collections.Generic;
using Axon.Data;

namespace Axon.Privacy;

/// <summary>
/// Membership-inference attacks, to audit how much a trained model leaks about which samples it was trained on. Each attack
/// scores the model's members (training samples) and non-members (samples from the same distribution it never saw) and returns
/// a <see cref="MembershipAudit"/> (AUC, TPR at 0.1 % and 1 % FPR). Use non-members the model never touched, not its
/// validation set if validation chose the epoch.
/// </summary>
public static class MembershipInference
{
    /// <summary>
    /// The loss-threshold attack (Yeom et al. 2018, "Privacy Risk in Machine Learning"): a sample is called a member when its loss
    /// is low, <c>score_i = −L(f(x_i), y_i)</c>. One global threshold for every sample; its advantage (max TPR − FPR) is bounded by the
    /// generalisation gap, so it mostly measures overfitting, and it is weak at low FPR (easy non-members also have low loss).
    /// </summary>
    /// <param name="model">The audited model (inference mode: no dropout; parameters unchanged).</param>
    /// <param name="members">Samples the model was trained on.</param>
    /// <param name="nonMembers">Samples from the same distribution it was not trained on.</param>
    /// <returns>The audit; scores are members first, then non-members.</returns>
    /// <exception cref="NotSupportedException">The model does not declare its loss (<see cref="IModel.Loss"/>).</exception>
    public static MembershipAudit LossThreshold(IModel model, Dataset members, Dataset nonMembers)
    {
        var (scores, isMember) = Candidates(model, members, nonMembers);
        Losses(model, members, scores.AsSpan(0, members.Count));
        Losses(model, nonMembers, scores.AsSpan(members.Count));
        for (int i = 0; i < scores.Length; i++) scores[i] = -scores[i];
        return MembershipAudit.FromScores("Loss threshold (Yeom et al. 2018)", scores, isMember);
    }

    /// <summary>
    /// The offline likelihood-ratio attack, LiRA (Carlini et al. 2022, Sec. VI-C), with a global variance. Shadow models are trained
    /// by the caller like the target, on data from the same distribution that contains none of the audited samples ("OUT" models).
    /// For every audited sample the logit-scaled confidence <see cref="Confidences"/> <c>φ = log(p_y/(1 − p_y))</c> is computed under
    /// each shadow, giving its mean <c>μ_out(x)</c>; <c>σ_out</c> is pooled over all samples and shadows (the paper's fixed variance,
    /// better than per-sample variances with few shadows). The score is the one-sided test statistic
    /// <c>(φ_target(x) − μ_out(x))/σ_out</c>: how far above what models that never saw <c>x</c> produce. Per-sample calibration is what
    /// makes LiRA strong at low FPR, where the loss threshold is weak: a sample every model fits (an easy one) no longer looks like a
    /// member.
    /// </summary>
    /// <param name="target">The audited model.</param>
    /// <param name="members">Samples the target was trained on.</param>
    /// <param name="nonMembers">Samples from the same distribution the target was not trained on.</param>
    /// <param name="shadows">At least 2 models of the same architecture trained, as the target was, on data disjoint from
    /// <paramref name="members"/> and <paramref name="nonMembers"/>.</param>
    /// <returns>The audit; scores are members first, then non-members.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 shadows, or a shadow of another input/output size than the target.</exception>
    public static MembershipAudit LiraOffline(IModel target, Dataset members, Dataset nonMembers, IReadOnlyList<IModel> shadows)
    {
        ArgumentNullException.ThrowIfNull(shadows);
        if (shadows.Count < 2)
            throw new ArgumentException($"LiRA needs at least 2 shadow models to estimate how confidences vary; got {shadows.Count}.", nameof(shadows));
        var (scores, isMember) = Candidates(target, members, nonMembers);
        int n = scores.Length, k = shadows.Count;
        for (int s = 0; s < k; s++) CheckShadow(target, shadows[s], s);
        var phi = new float[k * n];
        for (int s = 0; s < k; s++)
        {
            Confidences(shadows[s], members, phi.AsSpan(s * n, members.Count));
            Confidences(shadows[s], nonMembers, phi.AsSpan(s * n + members.Count, nonMembers.Count));
        }
        var mean = new double[n];
        for (int s = 0; s < k; s++)
            for (int i = 0; i < n; i++) mean[i] += phi[s * n + i];
        for (int i = 0; i < n; i++) mean[i] /= k;
        double squares = 0;
        for (int s = 0; s < k; s++)
            for (int i = 0; i < n; i++) { double d = phi[s * n + i] - mean[i]; squares += d * d; }
        double sigma = Math.Sqrt(squares / ((double)n * (k - 1)));
        if (!(sigma > 0)) sigma = 1e-6;   // identical shadows: the statistic degenerates to the mean difference
        Confidences(target, members, scores.AsSpan(0, members.Count));
        Confidences(target, nonMembers, scores.AsSpan(members.Count));
        for (int i = 0; i < n; i++) scores[i] = (float)((scores[i] - mean[i]) / sigma);
        return MembershipAudit.FromScores($"LiRA offline, {k} shadow models (Carlini et al. 2022)", scores, isMember);
    }

    /// <summary>
    /// The online likelihood-ratio attack, LiRA (Carlini et al. 2022, "Membership Inference Attacks From First Principles",
    /// Sec. IV, with the fixed variance of Sec. VI-C): the strongest variant. Each shadow model is trained by the caller like the
    /// target on a random part of a pool that contains the audited samples (usually half of it, so each sample is "IN" about half
    /// the shadows and "OUT" of the rest), and <see cref="LiraShadow.Trained"/> says which audited samples it saw. For every
    /// audited sample <c>x</c>, the confidences <c>φ = log(p_y/(1 − p_y))</c> (<see cref="Confidences"/>) under the IN shadows give
    /// <c>μ_in(x)</c> and under the OUT shadows <c>μ_out(x)</c>; the variances are pooled over samples, one for IN and one for
    /// OUT (<c>σ²_in = Σ_x Σ_IN (φ − μ_in(x))² / Σ_x (k_in(x) − 1)</c>, likewise OUT), which the paper finds better than
    /// per-sample variances below 64 shadows. The score is the log likelihood ratio of the target's confidence,
    /// <c>log N(φ_target; μ_in, σ²_in) − log N(φ_target; μ_out, σ²_out)</c>: it asks both how far above the models that never
    /// saw <c>x</c> the target is and how close to the models that did.
    /// </summary>
    /// <param name="target">The audited model.</param>
    /// <param name="members">Samples the target was trained on.</param>
    /// <param name="nonMembers">Samples from the same distribution the target was not trained on.</param>
    /// <param name="shadows">Models of the same architecture, each with its membership over the audited samples (members first,
    /// then non-members). Every sample must be IN at least one shadow and OUT of at least one, and some sample IN two and some
    /// OUT of two (to estimate the variances): 8 or more shadows on random halves are a sensible start.</param>
    /// <returns>The audit; scores are members first, then non-members.</returns>
    /// <exception cref="ArgumentException">A shadow is null, of another input/output size or loss than the target, or its
    /// <see cref="LiraShadow.Trained"/> has another length than the audited samples; a sample is IN every shadow or OUT of every
    /// shadow (named); or no sample has two IN or two OUT shadows.</exception>
    public static MembershipAudit LiraOnline(IModel target, Dataset members, Dataset nonMembers, IReadOnlyList<LiraShadow> shadows)
    {
        ArgumentNullException.ThrowIfNull(shadows);
        var (scores, isMember) = Candidates(target, members, nonMembers);
        int n = scores.Length, k = shadows.Count;
        var trained = new bool[k * n];
        for (int s = 0; s < k; s++)
        {
            var shadow = shadows[s] ?? throw new ArgumentException($"shadows[{s}] is null.", nameof(shadows));
            CheckShadow(target, shadow.Model, s);
            if (shadow.Trained is null || shadow.Trained.Count != n)
                throw new ArgumentException(
                    $"shadows[{s}].Trained has {shadow.Trained?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} entries; " +
                    $"expected one per audited sample: {members.Count} members then {nonMembers.Count} non-members, {n} in all.", nameof(shadows));
            for (int i = 0; i < n; i++) trained[s * n + i] = shadow.Trained[i];
        }
        var phi = new float[k * n];
        for (int s = 0; s < k; s++)
        {
            Confidences(shadows[s].Model, members, phi.AsSpan(s * n, members.Count));
            Confidences(shadows[s].Model, nonMembers, phi.AsSpan(s * n + members.Count, nonMembers.Count));
        }
        Confidences(target, members, scores.AsSpan(0, members.Count));
        Confidences(target, nonMembers, scores.AsSpan(members.Count));
        OnlineScores(scores, phi, trained, k, members.Count);
        return MembershipAudit.FromScores($"LiRA online, {k} shadow models (Carlini et al. 2022)", scores, isMember);
    }

    /// <summary>
    /// The online LiRA statistic in place: <paramref name="scores"/> holds the target's confidences on entry and the log
    /// likelihood ratios on return; <paramref name="phi"/> and <paramref name="trained"/> are [shadow, sample].
    /// </summary>
    internal static void OnlineScores(Span<float> scores, ReadOnlySpan<float> phi, ReadOnlySpan<bool> trained, int shadows, int members)
    {
        int n = scores.Length;
        var meanIn = new double[n];
        var meanOut = new double[n];
        var countIn = new int[n];
        for (int s = 0; s < shadows; s++)
            for (int i = 0; i < n; i++)
            {
                if (trained[s * n + i]) { meanIn[i] += phi[s * n + i]; countIn[i]++; }
                else meanOut[i] += phi[s * n + i];
            }
        for (int i = 0; i < n; i++)
        {
            int countOut = shadows - countIn[i];
            if (countIn[i] == 0 || countOut == 0)
                throw new ArgumentException(
                    $"audited sample {i} ({(i < members ? $"member {i}" : $"non-member {i - members}")}) is {(countIn[i] == 0 ? "OUT of" : "IN")} every one of the " +
                    $"{shadows} shadows; online LiRA needs at least one shadow trained with it and one without (train each shadow on a random half of the pool).", "shadows");
            meanIn[i] /= countIn[i];
            meanOut[i] /= countOut;
        }
        double squaresIn = 0, squaresOut = 0;
        long freedomIn = 0, freedomOut = 0;
        for (int i = 0; i < n; i++) { freedomIn += countIn[i] - 1; freedomOut += shadows - countIn[i] - 1; }
        for (int s = 0; s < shadows; s++)
            for (int i = 0; i < n; i++)
            {
                if (trained[s * n + i]) { double d = phi[s * n + i] - meanIn[i]; squaresIn += d * d; }
                else { double d = phi[s * n + i] - meanOut[i]; squaresOut += d * d; }
            }
        if (freedomIn == 0 || freedomOut == 0)
            throw new ArgumentException(
                $"no audited sample is {(freedomIn == 0 ? "IN" : "OUT of")} two shadows, so the {(freedomIn == 0 ? "IN" : "OUT")} variance cannot be estimated; " +
                $"use more shadows ({shadows} given).", "shadows");
        // Identical shadows give no spread: fall back to a tiny σ, as the offline attack does (the ratio then ranks by distance).
        double sigmaIn = Math.Max(Math.Sqrt(squaresIn / freedomIn), 1e-6), sigmaOut = Math.Max(Math.Sqrt(squaresOut / freedomOut), 1e-6);
        for (int i = 0; i < n; i++)
        {
            double zIn = (scores[i] - meanIn[i]) / sigmaIn, zOut = (scores[i] - meanOut[i]) / sigmaOut;
            scores[i] = (float)(0.5 * (zOut * zOut - zIn * zIn) + Math.Log(sigmaOut / sigmaIn));
        }
    }

    private static void CheckShadow(IModel target, IModel? shadow, int index)
    {
        if (shadow is null) throw new ArgumentException($"shadows[{index}] is null.", "shadows");
        if (shadow.InputSize != target.InputSize || shadow.OutputSize != target.OutputSize || shadow.Loss != target.Loss)
            throw new ArgumentException(
                $"shadows[{index}] ({shadow.Name}: {shadow.InputSize} inputs, {shadow.OutputSize} outputs, {shadow.Loss}) does not match the target " +
                $"({target.Name}: {target.InputSize} inputs, {target.OutputSize} outputs, {target.Loss}).", "shadows");
    }

    /// <summary>
    /// Each sample's own loss under <paramref name="model"/> in inference mode, as <see cref="IModel.EvaluateBatch"/> sums them:
    /// softmax cross-entropy <c>logsumexp(z) − z_y</c>; binary cross-entropy on logits <c>max(z, 0) − z·t + log(1 + e^−|z|)</c> averaged over
    /// the outputs; mean squared error averaged over the outputs.
    /// </summary>
    /// <param name="model">The model; it must declare its loss.</param>
    /// <param name="data">The samples.</param>
    /// <param name="losses">Receives <c>data.Count</c> losses.</param>
    public static void Losses(IModel model, Dataset data, Span<float> losses) => PerSample(model, data, losses, confidence: false);

    /// <summary>
    /// The logit-scaled confidence in the true label, <c>φ = log(p_y/(1 − p_y))</c>, which LiRA models as Gaussian: for softmax
    /// cross-entropy <c>z_y − logsumexp_{j≠y} z_j</c>; for binary cross-entropy the logit of the true class, <c>z</c> when <c>t ≥ 0.5</c>
    /// else <c>−z</c> (averaged over outputs); for mean squared error, which has no probability, the negative loss.
    /// </summary>
    /// <param name="model">The model; it must declare its loss.</param>
    /// <param name="data">The samples.</param>
    /// <param name="confidences">Receives <c>data.Count</c> values.</param>
    public static void Confidences(IModel model, Dataset data, Span<float> confidences) => PerSample(model, data, confidences, confidence: true);

    private static (float[] Scores, float[] IsMember) Candidates(IModel model, Dataset members, Dataset nonMembers)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(nonMembers);
        if (members.Count == 0 || nonMembers.Count == 0)
            throw new ArgumentException($"a membership audit needs members and non-members; got {members.Count} members and {nonMembers.Count} non-members.");
        var isMember = new float[members.Count + nonMembers.Count];
        isMember.AsSpan(0, members.Count).Fill(1f);
        return (new float[isMember.Length], isMember);
    }

    private static void PerSample(IModel model, Dataset data, Span<float> result, bool confidence)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var loss = model.Loss;
        if (loss == Loss.None)
            throw new NotSupportedException($"{model.Name} does not declare its loss (IModel.Loss), so per-sample losses cannot be computed.");
        if (data.FeatureSize != model.InputSize)
            throw new ArgumentException($"the data has {data.FeatureSize} features per sample; {model.Name} expects {model.InputSize}.", nameof(data));
        if (result.Length != data.Count)
            throw new ArgumentException($"expected room for {data.Count} values (one per sample), but got {result.Length}.", nameof(result));
        bool classes = loss == Loss.SoftmaxCrossEntropy;
        if (classes != data.IsClassification || (!classes && data.TargetSize != model.OutputSize))
            throw new ArgumentException(classes
                ? $"{model.Name} is trained on class indices; the data has targets instead of labels."
                : $"{model.Name} expects {model.OutputSize} target values per sample; the data has {(data.IsClassification ? "labels" : data.TargetSize + " targets")}.", nameof(data));
        int k = model.OutputSize, batch = Math.Max(1, model.MaxBatchSize);
        var outputs = new float[Math.Min(batch, data.Count) * k];
        for (int start = 0; start < data.Count; start += batch)
        {
            int m = Math.Min(batch, data.Count - start);
            model.Predict(data.Features.AsSpan(start * data.FeatureSize, m * data.FeatureSize), outputs.AsSpan(0, m * k));
            for (int i = 0; i < m; i++)
            {
                var z = outputs.AsSpan(i * k, k);
                int row = start + i;
                result[row] = loss switch
                {
                    Loss.SoftmaxCrossEntropy => confidence ? SoftmaxConfidence(z, data.Labels![row]) : SoftmaxLoss(z, data.Labels![row]),
                    Loss.BinaryCrossEntropy => Binary(z, data.Targets.AsSpan(row * k, k), confidence),
                    _ => (confidence ? -1f : 1f) * Squared(z, data.Targets.AsSpan(row * k, k)),
                };
            }
        }
    }

    private static float SoftmaxLoss(ReadOnlySpan<float> z, int label) => (float)(LogSumExp(z, -1) - z[label]);

    private static float SoftmaxConfidence(ReadOnlySpan<float> z, int label) => (float)(z[label] - LogSumExp(z, label));

    /// <summary>log Σ_{j ≠ skip} e^{z_j}, stable.</summary>
    private static double LogSumExp(ReadOnlySpan<float> z, int skip)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < z.Length; j++) if (j != skip) max = Math.Max(max, z[j]);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int j = 0; j < z.Length; j++) if (j != skip) sum += Math.Exp(z[j] - max);
        return max + Math.Log(sum);
    }

    private static float Binary(ReadOnlySpan<float> z, ReadOnlySpan<float> t, bool confidence)
    {
        double sum = 0;
        for (int j = 0; j < z.Length; j++)
            sum += confidence
                ? (t[j] >= 0.5f ? z[j] : -z[j])
                : Math.Max(z[j], 0) - z[j] * t[j] + Math.Log(1 + Math.Exp(-Math.Abs(z[j])));
        return (float)(sum / z.Length);
    }

    private static float Squared(ReadOnlySpan<float> z, ReadOnlySpan<float> t)
    {
        double sum = 0;
        for (int j = 0; j < z.Length; j++) { double d = z[j] - t[j]; sum += d * d; }
        return (float)(sum / z.Length);
    }
}

/// <summary>A shadow model of the online LiRA (<see cref="MembershipInference.LiraOnline"/>) and which audited samples it was trained on.</summary>
/// <param name="Model">A model of the target's architecture, trained as the target was.</param>
/// <param name="Trained">Per audited sample, in the audit's order (members first, then non-members): whether this shadow's training
/// set contained it.</param>
public sealed record LiraShadow(IModel Model, IReadOnlyList<bool> Trained);
