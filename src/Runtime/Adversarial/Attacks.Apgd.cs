using System;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

/// <summary>The loss an <see cref="Attacks.Apgd"/> run ascends.</summary>
public enum ApgdLoss
{
    /// <summary>The model's own per-sample loss: softmax cross-entropy, or binary cross-entropy / squared error for one output (APGD-CE).</summary>
    CrossEntropy = 0,

    /// <summary>
    /// Difference of logits ratio (Croce and Hein, 2020): <c>−(z_y − max_{i≠y} z_i)/(z_π1 − z_π3 + 10⁻¹²)</c>, z sorted
    /// descending as π; invariant to shifting and scaling the logits. Needs at least 3 classes.
    /// </summary>
    Dlr = 1,
}

public static partial class Attacks
{
    /// <summary>Momentum of APGD's update (the paper's α).</summary>
    private const float ApgdMomentum = 0.75f;

    /// <summary>Share of increasing steps below which APGD halves its step size at a checkpoint (the paper's ρ).</summary>
    private const float ApgdRho = 0.75f;

    /// <summary>
    /// Auto-PGD (Croce and Hein, 2020, "Reliable evaluation of adversarial robustness with an ensemble of diverse parameter-free
    /// attacks"), untargeted: from a random point of the ε-ball (L∞: <c>x + ε·t/‖t‖∞</c>, <c>t ~ U(−1, 1)</c>; L2: <c>x + ε·t/‖t‖₂</c>,
    /// <c>t ~ N(0, I)</c>), step size <c>η = 2ε</c>, <paramref name="steps"/> times
    /// <c>z = Π(x' + η·s(∇L))</c>, <c>x'ₖ₊₁ = Π(x'ₖ + 0.75·(z − x'ₖ) + 0.25·(x'ₖ − x'ₖ₋₁))</c> (no momentum on the first step;
    /// s = sign for L∞, g/‖g‖₂ for L2). At checkpoints <c>w_j = ⌈p_j·N⌉</c> (p₀ = 0, p₁ = 0.22,
    /// <c>p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)</c>) a sample's η is halved and its iterate restarts from its best point
    /// when fewer than 75 % of the steps since the last checkpoint increased its loss, or when η was not halved at the last
    /// checkpoint and the best loss has not improved since. Per sample the first point that misclassifies is kept, else the
    /// highest-loss point; <paramref name="restarts"/> runs from seeds <c>seed ^ (r·0x9E3779B97F4A7C15)</c> attack the samples
    /// no earlier run fooled.
    /// </summary>
    /// <remarks>
    /// APGD-CE is <see cref="ApgdLoss.CrossEntropy"/>, APGD-DLR <see cref="ApgdLoss.Dlr"/>; the targeted version is
    /// <see cref="ApgdTargeted"/>. Every iterate is projected onto <see cref="IModel.InputConstraints"/> (each column's range;
    /// ids and immutable columns unchanged). Success: arg-max ≠ label for class-index models; for one output, the side of
    /// the decision threshold (logit 0 for binary cross-entropy, 0.5 otherwise) differs from the target's. Needs
    /// <see cref="IModel.Forward"/>/<see cref="IModel.Backward"/> (every generated model). Allocation-free after warm-up.
    /// </remarks>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their labels (targets for a one-output model).</param>
    /// <param name="norm">L∞ or L2 ball.</param>
    /// <param name="epsilon">Budget ε ≥ 0.</param>
    /// <param name="adversarial">Receives the result, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="loss">The loss ascended. Default: <see cref="ApgdLoss.CrossEntropy"/>.</param>
    /// <param name="steps">Iterations per run, at least 1. Default: 100 (AutoAttack's).</param>
    /// <param name="restarts">Runs, at least 1. Default: 1 (AutoAttack's standard APGD-CE).</param>
    /// <param name="seed">Seed of the first run's random start. Default: 0.</param>
    /// <returns>Number of samples misclassified at the result.</returns>
    public static int Apgd(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        ApgdLoss loss = ApgdLoss.CrossEntropy, int steps = 100, int restarts = 1, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckNorm(norm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        if (loss is not (ApgdLoss.CrossEntropy or ApgdLoss.Dlr))
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "expected ApgdLoss.CrossEntropy or ApgdLoss.Dlr.");
        var scorer = Scorer.For(model, batch, loss == ApgdLoss.Dlr ? ScoreLoss.Dlr : ScoreLoss.CrossEntropy);
        int n = batch.Count;
        workspace.Check(model, n);
        var done = workspace.Flags(3, n);
        done.Clear();
        int fooled = 0;
        for (int r = 0; r < restarts && fooled < n; r++)
            fooled = ApgdRun(model, batch, scorer, norm, epsilon, adversarial, workspace, default, steps, seed ^ unchecked(r * (long)0x9E3779B97F4A7C15UL), done);
        return fooled;
    }

    /// <summary>
    /// Targeted APGD with the targeted DLR loss (APGD-T; Croce and Hein, 2020):
    /// <c>L = −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2 + 10⁻¹²)</c>, ascended as in <see cref="Apgd"/>, once for each of the
    /// <paramref name="targetClasses"/> classes the clean input scores highest after its top class (AutoAttack: 9), on the samples
    /// no earlier target fooled. Success is misclassification (any class but the label), as AutoAttack counts it.
    /// Needs a class-index model with at least 4 classes.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their true labels.</param>
    /// <param name="norm">L∞ or L2 ball.</param>
    /// <param name="epsilon">Budget ε ≥ 0.</param>
    /// <param name="adversarial">Receives the result, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="targetClasses">How many target classes to try, 1 to classes − 1. Default: 9 (fewer when the model has fewer).</param>
    /// <param name="steps">Iterations per target. Default: 100.</param>
    /// <param name="seed">Seed of the random starts. Default: 0.</param>
    /// <returns>Number of samples misclassified at the result.</returns>
    public static int ApgdTargeted(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int targetClasses = 9, int steps = 100, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckNorm(norm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int n = batch.Count, c = model.OutputSize;
        if (model.TargetKind != TargetKind.ClassIndex || c < 4)
            throw new NotSupportedException($"targeted APGD with the DLR loss needs a class-index model with at least 4 classes; {model.Name} has {c} output(s) ({model.TargetKind}).");
        ArgumentOutOfRangeException.ThrowIfLessThan(targetClasses, 1);
        targetClasses = Math.Min(targetClasses, c - 1);
        workspace.Check(model, n);
        var scorer = Scorer.For(model, batch, ScoreLoss.DlrTargeted);
        var targets = workspace.Labels(0, n);
        var clean = workspace.Logits(n);
        var done = workspace.Flags(3, n);
        done.Clear();
        int fooled = 0;
        for (int k = 0; k < targetClasses && fooled < n; k++)
        {
            // The (k + 2)-th highest clean logit, as AutoAttack's sort; recomputed per target so no [n, c] rank buffer is needed.
            model.Predict(batch.Inputs, clean);
            for (int i = 0; i < n; i++) targets[i] = KthLargest(clean.Slice(i * c, c), k + 1);
            fooled = ApgdRun(model, batch, scorer, norm, epsilon, adversarial, workspace, targets, steps, seed ^ unchecked(k * (long)0x9E3779B97F4A7C15UL), done);
        }
        return fooled;
    }

    /// <summary>
    /// A random start on the sphere of radius <paramref name="radius"/> around <paramref name="x"/>, written to
    /// <paramref name="t"/>: <c>t = x + radius·u/‖u‖</c> with <c>u</c> uniform in the cube (L∞) or Gaussian (L2), drawn in
    /// order from <paramref name="rng"/>, and zero on the positions the input constraints fix. Not projected onto the box.
    /// APGD starts on the ε-sphere, FAB's restarts on the ε/2-sphere.
    /// </summary>
    internal static void SphereStart(Span<float> t, ReadOnlySpan<float> x, float radius, AttackNorm norm, InputConstraints box, ref Rng rng)
    {
        if (norm == AttackNorm.LInf) for (int j = 0; j < t.Length; j++) t[j] = rng.NextUniform(-1f, 1f);
        else for (int j = 0; j < t.Length; j++) t[j] = rng.NextGaussian();
        box.MaskFixed(t);
        float size = norm == AttackNorm.LInf ? MathF.Abs(TensorPrimitives.MaxMagnitude(t)) : TensorPrimitives.Norm(t);   // MaxMagnitude keeps the sign
        float scale = size > 0f ? radius / (size + 1e-12f) : 0f;
        TensorPrimitives.MultiplyAdd(t, scale, x, t);
    }

    /// <summary>Index of the (rank + 1)-th largest value (rank 0: the arg-max); ties go to the lower index.</summary>
    internal static int KthLargest(ReadOnlySpan<float> z, int rank)
    {
        int chosen = -1;
        for (int r = 0; r <= rank; r++)
        {
            int best = -1;
            for (int j = 0; j < z.Length; j++)
            {
                // Skip the values already taken (the last chosen and everything ranked before it), keep the highest of the rest.
                if (j == chosen || Beats(z, j, chosen) || (best >= 0 && !Beats(z, j, best))) continue;
                best = j;
            }
            chosen = best;
        }
        return chosen;

        // j is ranked before (higher than) other in the descending order with ties to the lower index.
        static bool Beats(ReadOnlySpan<float> z, int j, int other) => other >= 0 && (z[j] > z[other] || (z[j] == z[other] && j < other));
    }

    /// <summary>
    /// One APGD run; for the samples not yet <paramref name="done"/> it writes into <paramref name="adversarial"/> the first
    /// misclassifying point (and marks them done), else this run's highest-loss point. Returns how many samples are done.
    /// </summary>
    private static int ApgdRun(IModel model, in Batch batch, in Scorer scorer, AttackNorm norm, float epsilon, Span<float> adversarial,
        AttackWorkspace workspace, ReadOnlySpan<int> targets, int steps, long seed, Span<bool> done)
    {
        int n = batch.Count, f = model.InputSize;
        var box = model.InputConstraints;
        var x = batch.Inputs;
        var current = workspace.Features(0, n);
        var previous = workspace.Features(1, n);
        var gradient = workspace.Features(2, n);
        var best = workspace.Features(3, n);
        var bestGradient = workspace.Features(4, n);
        var candidate = workspace.Features(5, n);
        var stepSize = workspace.Scalars(0, n);
        var lossNow = workspace.Scalars(1, n);
        var lossBest = workspace.Scalars(2, n);
        var lossAtCheck = workspace.Scalars(3, n);
        var increases = workspace.Scalars(4, n);
        var lossPrevious = workspace.Scalars(5, n);
        var reducedAtCheck = workspace.Flags(0, n);
        var fooled = workspace.Flags(1, n);
        fooled.Clear();

        // Random start on the positions that may move, normalised to the ball's surface (AutoAttack's start).
        var rng = new Rng(seed);
        for (int i = 0; i < n; i++)
            SphereStart(current.Slice(i * f, f), x.Slice(i * f, f), epsilon, norm, box, ref rng);
        box.Project(x, current, epsilon, norm);
        scorer.Evaluate(model, current, lossNow, fooled, gradient, workspace, targets);
        current.CopyTo(best);
        gradient.CopyTo(bestGradient);
        current.CopyTo(previous);
        lossNow.CopyTo(lossBest);
        lossNow.CopyTo(lossAtCheck);
        lossNow.CopyTo(lossPrevious);
        increases.Clear();
        reducedAtCheck.Fill(true);   // no halving is due at the first checkpoint for a lack of improvement alone
        stepSize.Fill(2f * epsilon);
        for (int i = 0; i < n; i++) if (fooled[i] && !done[i]) { current.Slice(i * f, f).CopyTo(adversarial.Slice(i * f, f)); done[i] = true; }   // the first misclassifying point is the result

        int window = Math.Max((int)(0.22 * steps), 1), decrease = Math.Max((int)(0.03 * steps), 1), minimum = Math.Max((int)(0.06 * steps), 1);
        int sinceCheck = 0;
        for (int s = 0; s < steps; s++)
        {
            float a = s == 0 ? 1f : ApgdMomentum;
            for (int i = 0; i < n; i++)
            {
                var xi = current.Slice(i * f, f);
                var zi = candidate.Slice(i * f, f);
                var gi = gradient.Slice(i * f, f);
                if (norm == AttackNorm.LInf)
                {
                    for (int j = 0; j < f; j++)
                    {
                        float g = gi[j];
                        zi[j] = xi[j] + (g > 0f ? stepSize[i] : g < 0f ? -stepSize[i] : 0f);
                    }
                }
                else
                {
                    box.MaskFixed(gi);
                    float length = TensorPrimitives.Norm(gi);
                    xi.CopyTo(zi);
                    if (length > 0f) TensorPrimitives.MultiplyAdd(gi, stepSize[i] / (length + 1e-12f), zi, zi);
                }
            }
            box.Project(x, candidate, epsilon, norm);
            // x'ₖ₊₁ = x'ₖ + a·(z − x'ₖ) + (1 − a)·(x'ₖ − x'ₖ₋₁); previous ← x'ₖ.
            for (int j = 0; j < current.Length; j++)
            {
                float now = current[j];
                candidate[j] = now + a * (candidate[j] - now) + (1f - a) * (now - previous[j]);
                previous[j] = now;
            }
            box.Project(x, candidate, epsilon, norm);
            candidate.CopyTo(current);

            scorer.Evaluate(model, current, lossNow, fooled, gradient, workspace, targets);
            for (int i = 0; i < n; i++)
            {
                if (fooled[i] && !done[i]) { current.Slice(i * f, f).CopyTo(adversarial.Slice(i * f, f)); done[i] = true; }   // the first misclassifying point is the result
                if (lossNow[i] > lossPrevious[i]) increases[i] += 1f;
                lossPrevious[i] = lossNow[i];
                if (lossNow[i] > lossBest[i])
                {
                    lossBest[i] = lossNow[i];
                    current.Slice(i * f, f).CopyTo(best.Slice(i * f, f));
                    gradient.Slice(i * f, f).CopyTo(bestGradient.Slice(i * f, f));
                }
            }
            if (++sinceCheck == window)
            {
                for (int i = 0; i < n; i++)
                {
                    bool oscillating = increases[i] <= window * ApgdRho;
                    bool stalled = !reducedAtCheck[i] && lossAtCheck[i] >= lossBest[i];
                    bool halve = oscillating || stalled;
                    reducedAtCheck[i] = halve;
                    lossAtCheck[i] = lossBest[i];
                    increases[i] = 0f;
                    if (!halve) continue;
                    stepSize[i] /= 2f;
                    best.Slice(i * f, f).CopyTo(current.Slice(i * f, f));
                    bestGradient.Slice(i * f, f).CopyTo(gradient.Slice(i * f, f));
                }
                sinceCheck = 0;
                window = Math.Max(window - decrease, minimum);
            }
        }

        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (done[i]) count++;
            else best.Slice(i * f, f).CopyTo(adversarial.Slice(i * f, f));   // not fooled: this run's highest-loss point
        }
        return count;
    }
}
