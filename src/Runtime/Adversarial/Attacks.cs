using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Adversarial;

/// <summary>The norm that bounds an attack's perturbation <c>δ = x' − x</c>.</summary>
public enum AttackNorm
{
    /// <summary><c>‖δ‖∞ = maxⱼ |δⱼ|</c>: every input value changes by at most ε.</summary>
    LInf = 0,

    /// <summary><c>‖δ‖₂ = (Σⱼ δⱼ²)^½</c>: the Euclidean length of the change is at most ε.</summary>
    L2 = 1,
}

/// <summary>
/// Gradient attacks in the model's raw input space. Every adversarial example is clipped to the
/// model's declared input ranges (<see cref="IModel.InputConstraints"/>: each input member's own range; ids and immutable
/// features never change, integer features stay integers) and,
/// for the iterative attacks, projected back into the ε-ball around the clean input after every
/// step. The caller's buffers (and, for the attacks that need several, an <see cref="AttackWorkspace"/>
/// that is allocated once) are the only memory used: no allocation after warm-up. Every attack is
/// deterministic: the random starts come from the given seed.
/// </summary>
/// <remarks>
/// The gradient is <see cref="IModel.InputGradient"/>: each sample's own loss, so one sample's step
/// does not depend on the batch size. Untargeted attacks ascend the loss of the true label;
/// targeted ones descend the loss of the target label (pass the targets in the batch).
/// The ε-ball attacks (<see cref="Fgsm"/>, <see cref="Pgd"/>, <see cref="PgdL2"/>, <see cref="PgdWithRestarts"/>,
/// <see cref="MiFgsm"/>) work on every model; the minimal-perturbation attacks (<see cref="DeepFool"/>,
/// <see cref="CarliniWagnerL2"/>) need class logits and support <see cref="TargetKind.ClassIndex"/> models only.
/// They assume the clean inputs lie in the declared range (as data the model accepts does).
/// </remarks>
public static partial class Attacks
{
    /// <summary>
    /// Fast Gradient Sign Method (Goodfellow et al., 2015):
    /// <c>x' = clip(x + s·ε·sign(∇ₓL(x, y)), min, max)</c> with <c>s = +1</c> untargeted, <c>−1</c> targeted.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their labels (or, when <paramref name="targeted"/>, the target labels).</param>
    /// <param name="epsilon">L∞ budget ε ≥ 0.</param>
    /// <param name="adversarial">Receives the adversarial inputs, <c>[Count, InputSize]</c>.</param>
    /// <param name="gradient">Scratch of the same length.</param>
    /// <param name="targeted">Descend toward the batch's labels instead of away from them. Default: false.</param>
    public static void Fgsm(IModel model, in Batch batch, float epsilon, Span<float> adversarial, Span<float> gradient, bool targeted = false)
    {
        Check(model, batch, epsilon, adversarial, gradient);
        model.InputGradient(batch, gradient);
        SignStep(batch.Inputs, gradient, adversarial, targeted ? -epsilon : epsilon);
        model.InputConstraints.Project(batch.Inputs, adversarial, epsilon);
    }

    /// <summary>
    /// Projected gradient descent in L∞ (Madry et al., 2018; BIM/I-FGSM when
    /// <paramref name="randomStart"/> is false): start at <c>x</c> or at a uniform point of the ε-ball,
    /// then <paramref name="steps"/> times <c>x' ← Π(x' + s·α·sign(∇L(x')))</c>, where Π clips to the
    /// ε-ball around <c>x</c> and to the input range.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and labels (target labels when <paramref name="targeted"/>).</param>
    /// <param name="epsilon">L∞ budget ε ≥ 0.</param>
    /// <param name="stepSize">α per step; a common choice is 2.5·ε/steps.</param>
    /// <param name="steps">Number of steps (PGD-40: 40).</param>
    /// <param name="adversarial">Receives the result.</param>
    /// <param name="gradient">Scratch of the same length.</param>
    /// <param name="randomStart">Start from a uniform point in the ball. Default: true.</param>
    /// <param name="seed">Seed of the random start. Default: 0.</param>
    /// <param name="targeted">Targeted attack. Default: false.</param>
    public static void Pgd(IModel model, in Batch batch, float epsilon, float stepSize, int steps,
        Span<float> adversarial, Span<float> gradient, bool randomStart = true, long seed = 0, bool targeted = false)
    {
        Check(model, batch, epsilon, adversarial, gradient);
        CheckSteps(stepSize, steps);
        PgdCore(model, batch, AttackNorm.LInf, epsilon, stepSize, steps, adversarial, gradient, randomStart, seed, targeted);
    }

    /// <summary>
    /// Projected gradient descent in L2 (Madry et al., 2018): start at <c>x</c> or at a point drawn
    /// uniformly from the L2 ball of radius ε (direction <c>u/‖u‖₂</c> with <c>u ~ N(0, I)</c>, radius
    /// <c>ε·U^{1/d}</c>, <c>U ~ U(0, 1)</c>, <c>d = InputSize</c>), then <paramref name="steps"/> times
    /// <c>x' ← Π(x' + s·α·g/‖g‖₂)</c> with <c>g = ∇ₓL(x')</c> per sample (no step where <c>g = 0</c>),
    /// where Π scales <c>δ = x' − x</c> to <c>δ·min(1, ε/‖δ‖₂)</c> and then clips <c>x + δ</c> to the input
    /// range (which only shortens δ when <c>x</c> is in the range, so the result stays in the ball).
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and labels (target labels when <paramref name="targeted"/>).</param>
    /// <param name="epsilon">L2 budget ε ≥ 0 per sample.</param>
    /// <param name="stepSize">α per step, an L2 length; a common choice is 2.5·ε/steps.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="adversarial">Receives the result, <c>[Count, InputSize]</c>.</param>
    /// <param name="gradient">Scratch of the same length.</param>
    /// <param name="randomStart">Start from a uniform point of the L2 ball. Default: true.</param>
    /// <param name="seed">Seed of the random start. Default: 0.</param>
    /// <param name="targeted">Descend the loss of the batch's labels instead. Default: false.</param>
    public static void PgdL2(IModel model, in Batch batch, float epsilon, float stepSize, int steps,
        Span<float> adversarial, Span<float> gradient, bool randomStart = true, long seed = 0, bool targeted = false)
    {
        Check(model, batch, epsilon, adversarial, gradient);
        CheckSteps(stepSize, steps);
        PgdCore(model, batch, AttackNorm.L2, epsilon, stepSize, steps, adversarial, gradient, randomStart, seed, targeted);
    }

    /// <summary>
    /// PGD (<see cref="Pgd"/> for <see cref="AttackNorm.LInf"/>, <see cref="PgdL2"/> for <see cref="AttackNorm.L2"/>)
    /// run <paramref name="restarts"/> times from different random starts, keeping per sample the best run:
    /// a run that succeeds (misclassifies; for a targeted attack, reaches the target) beats one that does not,
    /// and between runs that both succeed or both fail the higher loss wins (the lower target loss when targeted).
    /// Run <c>r</c> uses the seed <c>seed ^ (r·0x9E3779B97F4A7C15)</c>, so run 0 is exactly the single run with
    /// <paramref name="seed"/> and the result is never weaker than it.
    /// </summary>
    /// <remarks>
    /// Success is the arg-max of <see cref="IModel.Predict"/> against the label for class-index models,
    /// <see cref="IModel.EvaluateBatch"/> on the single sample otherwise (models without accuracy compare
    /// the loss only). Uses two feature buffers of <paramref name="workspace"/>.
    /// </remarks>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and labels (target labels when <paramref name="targeted"/>).</param>
    /// <param name="norm">L∞ or L2 ball.</param>
    /// <param name="epsilon">Budget ε ≥ 0 in that norm.</param>
    /// <param name="stepSize">α per step.</param>
    /// <param name="steps">Steps per run.</param>
    /// <param name="restarts">Number of runs, at least 1.</param>
    /// <param name="adversarial">Receives the best run per sample, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="randomStart">Start every run from a uniform random point of the ball. Default: true (with false all runs are identical).</param>
    /// <param name="seed">Seed of run 0. Default: 0.</param>
    /// <param name="targeted">Targeted attack. Default: false.</param>
    /// <returns>Number of samples on which the kept run succeeds.</returns>
    public static int PgdWithRestarts(IModel model, in Batch batch, AttackNorm norm, float epsilon, float stepSize, int steps, int restarts,
        Span<float> adversarial, AttackWorkspace workspace, bool randomStart = true, long seed = 0, bool targeted = false)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckSteps(stepSize, steps);
        CheckNorm(norm);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        int n = batch.Count, f = model.InputSize;
        workspace.Check(model, n);
        var run = workspace.Features(0, n);
        var gradient = workspace.Features(1, n);
        var bestLoss = workspace.Scalars(0, n);
        var runLoss = workspace.Scalars(1, n);
        var bestSuccess = workspace.Flags(0, n);
        var runSuccess = workspace.Flags(1, n);
        int runs = randomStart && epsilon > 0f ? restarts : 1; // without a random start every run is the same
        for (int r = 0; r < runs; r++)
        {
            long runSeed = seed ^ unchecked(r * (long)0x9E3779B97F4A7C15UL);
            var target = r == 0 ? adversarial : run;
            PgdCore(model, batch, norm, epsilon, stepSize, steps, target, gradient, randomStart, runSeed, targeted);
            Assess(model, batch, target, r == 0 ? bestLoss : runLoss, r == 0 ? bestSuccess : runSuccess, targeted, workspace);
            if (r == 0) continue;
            for (int i = 0; i < n; i++)
            {
                bool better = runSuccess[i] != bestSuccess[i]
                    ? runSuccess[i]
                    : targeted ? runLoss[i] < bestLoss[i] : runLoss[i] > bestLoss[i];
                if (!better) continue;
                run.Slice(i * f, f).CopyTo(adversarial.Slice(i * f, f));
                bestLoss[i] = runLoss[i];
                bestSuccess[i] = runSuccess[i];
            }
        }
        int succeeded = 0;
        foreach (bool b in bestSuccess) if (b) succeeded++;
        return succeeded;
    }

    /// <summary>
    /// Momentum iterative FGSM (MI-FGSM; Dong et al., 2018, "Boosting adversarial attacks with momentum"):
    /// from <c>x'₀ = x</c> and <c>g₀ = 0</c>, <paramref name="steps"/> times
    /// <c>g ← μ·g + ∇ₓL(x')/‖∇ₓL(x')‖₁</c> (per sample; a zero gradient adds nothing) and
    /// <c>x' ← Π(x' + s·α·sign(g))</c>, with Π the L∞ ε-ball around <c>x</c> and the input range as in
    /// <see cref="Pgd"/>. With <c>μ = 0</c> this is BIM: <see cref="Pgd"/> without random start.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and labels (target labels when <paramref name="targeted"/>).</param>
    /// <param name="epsilon">L∞ budget ε ≥ 0.</param>
    /// <param name="stepSize">α per step; the paper uses ε/steps.</param>
    /// <param name="steps">Number of steps (the paper: 10).</param>
    /// <param name="adversarial">Receives the result, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape (two feature buffers: gradient and momentum).</param>
    /// <param name="decay">Momentum decay μ ≥ 0. Default: 1.0, as in the paper.</param>
    /// <param name="targeted">Descend the loss of the batch's labels instead. Default: false.</param>
    public static void MiFgsm(IModel model, in Batch batch, float epsilon, float stepSize, int steps,
        Span<float> adversarial, AttackWorkspace workspace, float decay = 1f, bool targeted = false)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckSteps(stepSize, steps);
        if (!(decay >= 0f) || float.IsInfinity(decay))
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "momentum decay must be finite and non-negative.");
        int n = batch.Count, f = model.InputSize;
        workspace.Check(model, n);
        var gradient = workspace.Features(0, n);
        var momentum = workspace.Features(1, n);
        momentum.Clear();
        var x = batch.Inputs;
        var box = model.InputConstraints;
        x.CopyTo(adversarial);
        box.Project(x, adversarial, epsilon);
        var current = new Batch(adversarial, batch.Labels, batch.Targets, n);
        float step = targeted ? -stepSize : stepSize;
        for (int s = 0; s < steps; s++)
        {
            model.InputGradient(current, gradient);
            box.MaskFixed(gradient);
            for (int i = 0; i < n; i++)
            {
                var g = gradient.Slice(i * f, f);
                var m = momentum.Slice(i * f, f);
                float l1 = TensorPrimitives.SumOfMagnitudes(g);
                if (decay != 1f) TensorPrimitives.Multiply(m, decay, m);
                if (l1 > 0f)
                    for (int j = 0; j < f; j++) m[j] += g[j] / l1;
            }
            box.SignStepProject(x, momentum, adversarial, step, epsilon);
        }
    }

    private static void PgdCore(IModel model, in Batch batch, AttackNorm norm, float epsilon, float stepSize, int steps,
        Span<float> adversarial, Span<float> gradient, bool randomStart, long seed, bool targeted)
    {
        var x = batch.Inputs;
        int f = model.InputSize, n = batch.Count;
        var box = model.InputConstraints;
        x.CopyTo(adversarial);
        if (randomStart && epsilon > 0f)
        {
            var rng = new Rng(seed);
            if (norm == AttackNorm.LInf)
            {
                for (int i = 0; i < adversarial.Length; i++)
                    adversarial[i] += rng.NextUniform(-epsilon, epsilon);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    var row = adversarial.Slice(i * f, f);
                    var delta = gradient.Slice(i * f, f); // scratch until the first gradient
                    for (int j = 0; j < f; j++) delta[j] = rng.NextGaussian();
                    float length = TensorPrimitives.Norm(delta);
                    box.MaskFixed(delta);   // the ball's dimension is the number of positions that may move
                    float radius = epsilon * MathF.Pow(rng.NextSingle(), 1f / Math.Max(1, box.PerturbableCount));
                    if (length > 0f)
                        for (int j = 0; j < f; j++) row[j] += delta[j] * (radius / length);
                }
            }
        }
        box.Project(x, adversarial, epsilon, norm);
        var current = new Batch(adversarial, batch.Labels, batch.Targets, n);
        float step = targeted ? -stepSize : stepSize;
        for (int s = 0; s < steps; s++)
        {
            model.InputGradient(current, gradient);
            if (norm == AttackNorm.LInf)
            {
                box.SignStepProject(x, gradient, adversarial, step, epsilon);
            }
            else
            {
                box.MaskFixed(gradient);
                for (int i = 0; i < n; i++)
                {
                    var g = gradient.Slice(i * f, f);
                    float length = TensorPrimitives.Norm(g);
                    if (length > 0f)
                    {
                        var row = adversarial.Slice(i * f, f);
                        TensorPrimitives.MultiplyAdd(g, step / length, row, row);
                    }
                }
                box.Project(x, adversarial, epsilon, AttackNorm.L2);
            }
        }
    }

    /// <summary>
    /// Per-sample loss and success of the inputs <paramref name="x"/> against <paramref name="batch"/>'s
    /// labels or targets: success is a misclassification (targeted: the target class).
    /// </summary>
    private static void Assess(IModel model, in Batch batch, ReadOnlySpan<float> x, Span<float> loss, Span<bool> success, bool targeted, AttackWorkspace workspace)
    {
        int n = batch.Count, f = model.InputSize, c = model.OutputSize;
        if (model.TargetKind == TargetKind.ClassIndex)
        {
            var logits = workspace.Logits(n);
            model.Predict(x, logits);
            for (int i = 0; i < n; i++)
            {
                var z = logits.Slice(i * c, c);
                int label = batch.Labels[i];
                loss[i] = LogSumExp(z) - z[label];
                bool hit = TensorPrimitives.IndexOfMax(z) == label;
                success[i] = targeted ? hit : !hit;
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var one = new Batch(x.Slice(i * f, f), default, batch.Targets.Slice(i * c, c), 1);
            var r = model.EvaluateBatch(one);
            loss[i] = (float)r.LossSum;
            success[i] = model.HasAccuracy && (targeted ? r.Correct == 1 : r.Correct == 0);
        }
    }

    private static float LogSumExp(ReadOnlySpan<float> z)
    {
        float max = TensorPrimitives.Max(z);
        float sum = 0f;
        foreach (float v in z) sum += MathF.Exp(v - max);
        return max + MathF.Log(sum);
    }

    private static void CheckSteps(float stepSize, int steps)
    {
        if (!(stepSize >= 0f) || float.IsInfinity(stepSize))
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
    }

    private static void CheckNorm(AttackNorm norm)
    {
        if (norm is not (AttackNorm.LInf or AttackNorm.L2))
            throw new ArgumentOutOfRangeException(nameof(norm), norm, "expected AttackNorm.LInf or AttackNorm.L2.");
    }

    /// <summary><c>destination = source + step·sign(gradient)</c>; a zero gradient gives no step (sign 0).</summary>
    private static void SignStep(ReadOnlySpan<float> source, ReadOnlySpan<float> gradient, Span<float> destination, float step)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float g = gradient[i];
            destination[i] = source[i] + (g > 0f ? step : g < 0f ? -step : 0f);
        }
    }

    /// <summary>
    /// <c>x' ← clip(clip(x' + step·sign(g), x − ε, x + ε), min, max)</c>, fused and vectorised; the same values
    /// as <see cref="SignStep"/> followed by <see cref="Project"/>.
    /// </summary>
    internal static void SignStepProject(ReadOnlySpan<float> x, ReadOnlySpan<float> gradient, Span<float> adversarial,
        float step, float epsilon, float min, float max)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<float>.Zero;
            var up = Vector256.Create(step);
            var down = Vector256.Create(-step);
            var eps = Vector256.Create(epsilon);
            var lo = Vector256.Create(min);
            var hi = Vector256.Create(max);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float gr = ref MemoryMarshal.GetReference(gradient);
            ref float ar = ref MemoryMarshal.GetReference(adversarial);
            for (; i <= adversarial.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var c = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var delta = Vector256.ConditionalSelect(Vector256.GreaterThan(g, zero), up,
                    Vector256.ConditionalSelect(Vector256.LessThan(g, zero), down, zero));
                var v = Vector256.LoadUnsafe(ref ar, (nuint)i) + delta;
                v = Vector256.Max(Vector256.Min(v, c + eps), c - eps);
                v = Vector256.Max(Vector256.Min(v, hi), lo);
                v.StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < adversarial.Length; i++)
        {
            float g = gradient[i];
            float v = adversarial[i] + (g > 0f ? step : g < 0f ? -step : 0f);
            v = Math.Clamp(v, x[i] - epsilon, x[i] + epsilon);
            adversarial[i] = Math.Clamp(v, min, max);
        }
    }

    /// <summary>Clips <paramref name="adversarial"/> into <c>[x − ε, x + ε] ∩ [min, max]</c>.</summary>
    internal static void Project(ReadOnlySpan<float> x, Span<float> adversarial, float epsilon, float min, float max)
    {
        for (int i = 0; i < adversarial.Length; i++)
        {
            float v = Math.Clamp(adversarial[i], x[i] - epsilon, x[i] + epsilon);
            adversarial[i] = Math.Clamp(v, min, max);
        }
    }

    private static void Check(IModel model, in Batch batch, float epsilon, Span<float> adversarial, Span<float> gradient)
    {
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and non-negative.");
        int expected = batch.Count * model.InputSize;
        Guard.Length(batch.Inputs.Length, expected, "inputs", model.Name);
        Guard.Length(adversarial.Length, expected, "adversarial", model.Name);
        Guard.Length(gradient.Length, expected, "gradient", model.Name);
    }
}
