using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

public static partial class Attacks
{
    /// <summary>
    /// Targeted Fast Adaptive Boundary attack (FAB-T; Croce and Hein, 2020, "Minimally distorted adversarial examples with a
    /// fast adaptive boundary attack"), as AutoAttack runs it: a minimal-norm search whose point counts only when it lies
    /// within ε. For each of the <paramref name="targetClasses"/> classes t the clean input scores highest after its top class,
    /// on the samples no earlier target fooled within ε, <paramref name="steps"/> times from <c>x'₀ = x</c>:
    /// <list type="number">
    /// <item>linearise <c>g(x') = z_t(x') − z_y(x')</c> at the iterate: the hyperplane <c>π = {v : g(x') + ∇g(x')·(v − x') = 0}</c>;</item>
    /// <item>project the iterate and the clean input onto π intersected with the input box (the minimal-norm <c>d</c> with
    /// <c>∇g·d = r</c>, each position inside its range: <c>d₁</c> from <c>x'</c> with <c>r = −g(x')</c>, <c>d₂</c> from <c>x</c> with
    /// <c>r = −g(x') + ∇g·(x' − x)</c>);</item>
    /// <item>the biased convex combination <c>x' ← Π_box((1 − α)(x' + η·d₁) + α(x + η·d₂))</c>,
    /// <c>α = min(‖d₁‖/(‖d₁‖ + ‖d₂‖), α_max)</c>, which pulls towards the clean input the closer it already is;</item>
    /// <item>if <c>x'</c> is misclassified: keep it when it is the closest such point so far, then step back,
    /// <c>x' ← x + β·(x' − x)</c>, to approach the boundary from the other side.</item>
    /// </list>
    /// The box projection solves <c>min ‖d‖ s.t. ∇g·d = r, Lowerⱼ ≤ pⱼ + dⱼ ≤ Upperⱼ</c> exactly: with sⱼ = sign(r·∇gⱼ) and
    /// cⱼ the room from pⱼ to the bound in that direction, <c>dⱼ = sⱼ·min(λ, cⱼ)</c> for L∞ and <c>dⱼ = sⱼ·min(λ|∇gⱼ|, cⱼ)</c> for
    /// L2, with λ from one sort of the breakpoints (when even the box's corner does not reach π, <c>dⱼ = sⱼ·cⱼ</c>, as FAB does).
    /// Restart r &gt; 0 of a target starts from <c>x + ε/2·u/‖u‖</c> (L∞: <c>u ~ U(−1, 1)</c>; L2: <c>u ~ N(0, I)</c>), FAB's random
    /// start, seed <c>seed ^ ((k·restarts + r)·0x9E3779B97F4A7C15)</c>. A run stops early once every sample it attacks has a
    /// point within ε. Success is misclassification (any class but the label), as AutoAttack counts it.
    /// </summary>
    /// <remarks>
    /// AutoAttack's standard FAB-T: 9 targets, 100 iterations, 1 run per target (no random start), α_max 0.1, η 1.05, β 0.9.
    /// Every iterate is projected onto <see cref="IModel.InputConstraints"/> (ranges; ids and immutable columns bitwise
    /// unchanged, integer columns rounded) with no ε-ball: the search is for the smallest perturbation, and
    /// <paramref name="adversarial"/> receives it only when its norm is at most ε, else the clean input. Samples already
    /// misclassified keep their clean input. One <see cref="IModel.Forward"/>/<see cref="IModel.Backward"/> (for ∇g) and one
    /// <see cref="IModel.Predict"/> per iteration on the samples still attacked (compacted per target); class-index
    /// generated models with at least 2 classes. Deterministic for a seed; allocation-free after warm-up.
    /// </remarks>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their true labels.</param>
    /// <param name="norm">L∞ or L2.</param>
    /// <param name="epsilon">Budget ε ≥ 0: a point counts only when <c>‖x' − x‖ ≤ ε</c>.</param>
    /// <param name="adversarial">Receives the closest misclassified point within ε per sample, else the clean input, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="targetClasses">How many target classes to try, at least 1 (at most classes − 1 are used). Default: 9 (AutoAttack's).</param>
    /// <param name="steps">Iterations per run, at least 1. Default: 100.</param>
    /// <param name="restarts">Runs per target, at least 1; runs after the first start at random. Default: 1 (AutoAttack's standard FAB-T).</param>
    /// <param name="alphaMax">Largest weight α of the clean input's projection, in [0, 1]. Default: 0.1.</param>
    /// <param name="eta">Overshoot η ≥ 1 of both projections. Default: 1.05.</param>
    /// <param name="beta">Backward step β in (0, 1] after a success. Default: 0.9.</param>
    /// <param name="seed">Seed of the random starts. Default: 0.</param>
    /// <returns>Number of samples misclassified at the result (already misclassified ones included).</returns>
    public static int FabTargeted(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int targetClasses = 9, int steps = 100, int restarts = 1, float alphaMax = 0.1f, float eta = 1.05f, float beta = 0.9f, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetClasses, 1);
        return FabCore(model, batch, norm, epsilon, adversarial, workspace, targetClasses, false, steps, restarts, alphaMax, eta, beta, seed);
    }

    /// <summary>
    /// Untargeted FAB (Croce and Hein, 2020): <see cref="FabTargeted"/>'s iteration, but at every step the linearised boundary is
    /// the one of the class k ≠ y whose hyperplane is closest, <c>k = argmin |z_k − z_y|/‖∇(z_k − z_y)‖_*</c> (the dual norm:
    /// ‖·‖₁ for L∞, ‖·‖₂ for L2), as the paper's FAB. Costs one Forward/Backward per class and step (the logits' Jacobian),
    /// so about (classes − 1)/9 times FAB-T's 9 targets; AutoAttack's standard suite uses FAB-T instead. A point counts only
    /// within ε, as for FAB-T.
    /// </summary>
    /// <param name="model">The attacked model (generated, class-index, at least 2 classes).</param>
    /// <param name="batch">Clean inputs and their true labels.</param>
    /// <param name="norm">L∞ or L2.</param>
    /// <param name="epsilon">Budget ε ≥ 0: a point counts only when <c>‖x' − x‖ ≤ ε</c>.</param>
    /// <param name="adversarial">Receives the closest misclassified point within ε per sample, else the clean input, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="steps">Iterations per run, at least 1. Default: 100.</param>
    /// <param name="restarts">Runs, at least 1; runs after the first start at random (<c>x + ε/2·u/‖u‖</c>). Default: 1.</param>
    /// <param name="alphaMax">Largest weight α of the clean input's projection, in [0, 1]. Default: 0.1.</param>
    /// <param name="eta">Overshoot η ≥ 1 of both projections. Default: 1.05.</param>
    /// <param name="beta">Backward step β in (0, 1] after a success. Default: 0.9.</param>
    /// <param name="seed">Seed of the random starts. Default: 0.</param>
    /// <returns>Number of samples misclassified at the result (already misclassified ones included).</returns>
    public static int Fab(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int steps = 100, int restarts = 1, float alphaMax = 0.1f, float eta = 1.05f, float beta = 0.9f, long seed = 0) =>
        FabCore(model, batch, norm, epsilon, adversarial, workspace, 1, true, steps, restarts, alphaMax, eta, beta, seed);

    private static int FabCore(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int targetClasses, bool untargeted, int steps, int restarts, float alphaMax, float eta, float beta, long seed)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckNorm(norm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        if (!(alphaMax >= 0f && alphaMax <= 1f))
            throw new ArgumentOutOfRangeException(nameof(alphaMax), alphaMax, "alphaMax must be in [0, 1].");
        if (!(eta >= 1f) || float.IsInfinity(eta))
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be finite and at least 1.");
        if (!(beta > 0f && beta <= 1f))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be in (0, 1].");
        int n = batch.Count, f = model.InputSize, c = model.OutputSize;
        if (model.TargetKind != TargetKind.ClassIndex || model is not Compiled.IModelKernel)
            throw new NotSupportedException($"FAB needs a generated class-index model (Forward/Backward of the logits); {model.Name} has {c} output(s) ({model.TargetKind}).");
        Scorer.For(model, batch, ScoreLoss.LogitDifference);   // validates the labels and the class count
        targetClasses = Math.Min(targetClasses, c - 1);
        workspace.Check(model, n);

        var x = batch.Inputs;
        var clean = workspace.Logits(n);
        var done = workspace.Flags(3, n);
        x.CopyTo(adversarial);
        model.Predict(x, clean);
        int fooled = 0;
        for (int i = 0; i < n; i++)
        {
            done[i] = TensorPrimitives.IndexOfMax(clean.Slice(i * c, c)) != batch.Labels[i];   // already wrong: nothing to attack
            if (done[i]) fooled++;
        }
        for (int k = 0; k < targetClasses && fooled < n; k++)
            for (int r = 0; r < restarts && fooled < n; r++)
                fooled += FabRun(model, batch, norm, epsilon, adversarial, workspace, untargeted ? -1 : k, r > 0, steps, alphaMax, eta, beta,
                    seed ^ unchecked((k * restarts + r) * (long)0x9E3779B97F4A7C15UL), done);
        // A sample without a point within ε returns its clean input (a run may have left a farther point in its row).
        for (int i = 0; i < n; i++)
            if (!done[i]) x.Slice(i * f, f).CopyTo(adversarial.Slice(i * f, f));
        return fooled;
    }

    /// <summary>
    /// One FAB run towards each sample's (rank + 2)-th class (rank −1: untargeted, the closest linearised boundary) on the samples not yet <paramref name="done"/>, compacted; writes
    /// the closest misclassified point it finds into <paramref name="adversarial"/> and marks the samples whose point lies
    /// within ε. Returns how many it marked.
    /// </summary>
    private static int FabRun(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int rank, bool randomStart, int steps, float alphaMax, float eta, float beta, long seed, Span<bool> done)
    {
        int n = batch.Count, f = model.InputSize, c = model.OutputSize;
        var box = model.InputConstraints;
        var targets = workspace.Labels(0, n);
        var labels = workspace.Labels(1, n);
        var index = workspace.Labels(2, n);
        var origin = workspace.Features(0, n);
        var current = workspace.Features(1, n);
        var gradient = workspace.Features(2, n);
        var d1 = workspace.Features(3, 1);
        var d2 = workspace.Features(4, 1);
        var keys = workspace.Features(5, 1);
        var items = workspace.Features(6, 1);
        var best = workspace.Scalars(0, n);
        var value = workspace.Scalars(1, n);
        var success = workspace.Flags(0, n);

        // Targets from the clean logits (AutoAttack sorts the clean output once per target), then gather the open samples.
        var logits = workspace.Logits(n);
        model.Predict(batch.Inputs, logits);
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            if (done[i]) continue;
            targets[m] = rank < 0 ? 0 : KthLargest(logits.Slice(i * c, c), rank + 1);
            labels[m] = batch.Labels[i];
            index[m] = i;
            batch.Inputs.Slice(i * f, f).CopyTo(origin.Slice(m * f, f));
            m++;
        }
        if (m == 0) return 0;
        var x0 = origin.Slice(0, m * f);
        var x1 = current.Slice(0, m * f);
        var g = gradient.Slice(0, m * f);
        var sub = new Batch(x0, labels.Slice(0, m), default, m);
        var scorer = Scorer.For(model, sub, ScoreLoss.LogitDifference);
        var tm = targets.Slice(0, m);
        best.Slice(0, m).Fill(float.PositiveInfinity);

        x0.CopyTo(x1);
        if (randomStart)
        {
            // FAB's start: x + min(best, ε)/2 · u/‖u‖, best = ∞ at a run's start.
            var rng = new Rng(seed);
            for (int j = 0; j < m; j++)
                SphereStart(x1.Slice(j * f, f), x0.Slice(j * f, f), 0.5f * epsilon, norm, box, ref rng);
            box.Project(x0, x1, float.PositiveInfinity, norm);
        }

        for (int s = 0; s < steps; s++)
        {
            if (rank >= 0) scorer.Evaluate(model, x1, value.Slice(0, m), success.Slice(0, m), g, workspace, tm);
            else
            {
                // The closest linearised boundary: per class k a Forward/Backward of z_k − z_y, keep the smallest |g_k|/‖∇g_k‖_*.
                var candidate = workspace.Features(7, n).Slice(0, m * f);
                var candidateValue = workspace.Scalars(3, m);
                var nearest = workspace.Scalars(2, m);
                nearest.Fill(float.PositiveInfinity);
                for (int k = 0; k < c; k++)
                {
                    tm.Fill(k);
                    scorer.Evaluate(model, x1, candidateValue, success.Slice(0, m), candidate, workspace, tm);
                    for (int j = 0; j < m; j++)
                    {
                        if (labels[j] == k) continue;
                        var w = candidate.Slice(j * f, f);
                        box.MaskFixed(w);
                        float dual = norm == AttackNorm.LInf ? TensorPrimitives.SumOfMagnitudes(w) : TensorPrimitives.Norm(w);
                        float distance = MathF.Abs(candidateValue[j]) / (dual + 1e-12f);
                        if (!(distance < nearest[j]) && !float.IsPositiveInfinity(nearest[j])) continue;   // the first other class always seeds it
                        nearest[j] = distance;
                        value[j] = candidateValue[j];
                        w.CopyTo(g.Slice(j * f, f));
                    }
                }
            }
            for (int j = 0; j < m; j++)
            {
                var xj = x1.Slice(j * f, f);
                var oj = x0.Slice(j * f, f);
                var w = g.Slice(j * f, f);
                box.MaskFixed(w);
                // π: w·(v − x') = −g(x'). From x': r₁ = −g(x'); from x: r₂ = −g(x') + w·(x' − x).
                float r1 = -value[j];
                float r2 = r1 + TensorPrimitives.Dot(w, xj) - TensorPrimitives.Dot(w, oj);
                float a1 = MathF.Max(BoxProjection(box, xj, w, r1, norm, d1, keys, items), 1e-8f);
                float a2 = MathF.Max(BoxProjection(box, oj, w, r2, norm, d2, keys, items), 1e-8f);
                float alpha = Math.Clamp(a1 / (a1 + a2), 0f, alphaMax);
                // x' ← (1 − α)(x' + η·d₁) + α(x + η·d₂).
                TensorPrimitives.MultiplyAdd(d1, eta, xj, xj);
                TensorPrimitives.Multiply(xj, 1f - alpha, xj);
                TensorPrimitives.MultiplyAdd(d2, eta, oj, d2);
                TensorPrimitives.MultiplyAdd(d2, alpha, xj, xj);
            }
            box.Project(x0, x1, float.PositiveInfinity, norm);

            scorer.Evaluate(model, x1, value.Slice(0, m), success.Slice(0, m), default, workspace, tm);
            bool open = false, back = false;
            for (int j = 0; j < m; j++)
            {
                if (success[j])
                {
                    var xj = x1.Slice(j * f, f);
                    var oj = x0.Slice(j * f, f);
                    TensorPrimitives.Subtract(xj, oj, d1);   // δ, in the scratch row
                    float size = norm == AttackNorm.LInf ? MathF.Abs(TensorPrimitives.MaxMagnitude(d1)) : TensorPrimitives.Norm(d1);   // MaxMagnitude keeps the sign
                    if (size < best[j])
                    {
                        best[j] = size;
                        xj.CopyTo(adversarial.Slice(index[j] * f, f));
                    }
                    // Back towards the clean input, to cross the boundary again from the other side.
                    TensorPrimitives.MultiplyAdd(d1, beta, oj, xj);
                    back = true;
                }
                open |= !(best[j] <= epsilon);
            }
            if (back && box.HasIntegers) box.Project(x0, x1, float.PositiveInfinity, norm);
            if (!open) break;   // every sample has a point within ε: a closer one would not change the count
        }

        int marked = 0;
        for (int j = 0; j < m; j++)
        {
            if (!(best[j] <= epsilon)) continue;
            done[index[j]] = true;
            marked++;
        }
        return marked;
    }

    /// <summary>
    /// The minimal-norm move <paramref name="d"/> from <paramref name="p"/> onto <c>{v : w·(v − p) = r}</c> inside the box of
    /// <paramref name="box"/> (fixed positions do not move: w is masked there): <c>dⱼ = sⱼ·min(λ·|wⱼ|^q, cⱼ)</c>, q = 0 for L∞
    /// and 1 for L2, sⱼ = sign(r·wⱼ), cⱼ the room to the bound in direction sⱼ. Writing κⱼ = cⱼ/|wⱼ|^q and ωⱼ = |wⱼ|^(1+q), the
    /// reached change is <c>h(λ) = Σ ωⱼ·min(λ, κⱼ)</c>, concave, piecewise linear and increasing; λ solves <c>h(λ) = |r|</c>.
    /// When even <c>h(∞)</c> falls short, every position moves to its bound (FAB's choice). Returns ‖d‖ in the norm.
    /// </summary>
    /// <remarks>
    /// λ by Newton's method on h from <c>λ₀ = |r|/Σω</c>: <c>λₖ₊₁ = (|r| − Σ_{κ&lt;λₖ} ωκ)/Σ_{κ≥λₖ} ω</c> is where h's tangent at λₖ
    /// meets |r|; concavity keeps every λₖ ≤ λ and the saturated set only grows, so it ends when that set stops changing
    /// (a few passes over the row in practice, where sorting the breakpoints, the textbook way, cost several times the
    /// model's forward and backward pass on a 784-pixel input). After <paramref name="passes"/> passes it falls back to one sort of κ.
    /// </remarks>
    internal static float BoxProjection(InputConstraints box, ReadOnlySpan<float> p, ReadOnlySpan<float> w, float r, AttackNorm norm,
        Span<float> d, Span<float> keys, Span<float> items, int passes = 32)
    {
        var lower = box.Lower;
        var upper = box.Upper;
        bool l2 = norm == AttackNorm.L2;
        int f = p.Length, width = Vector<float>.Count, q;
        float target = MathF.Abs(r), direction = r >= 0f ? 1f : -1f;
        if (!(target > 0f))
        {
            d.Clear();
            return 0f;
        }
        // Breakpoints κ and weights ω per position; a position that cannot move (w = 0, or at its bound) gets κ = ω = 0 and
        // so adds nothing to either sum below.
        var zero = Vector<float>.Zero;
        var sign = new Vector<float>(direction);
        var total = zero;
        for (q = 0; q <= f - width; q += width)
        {
            var wq = new Vector<float>(w.Slice(q));
            var pq = new Vector<float>(p.Slice(q));
            var towardsUpper = Vector.GreaterThan(sign * wq, zero);
            var room = Vector.ConditionalSelect(towardsUpper, new Vector<float>(upper.Slice(q)) - pq, pq - new Vector<float>(lower.Slice(q)));
            var a = Vector.Abs(wq);
            var moves = Vector.BitwiseAnd(Vector.GreaterThan(room, zero), Vector.GreaterThan(a, zero));
            var key = Vector.ConditionalSelect(moves, l2 ? room / a : room, zero);
            var item = Vector.ConditionalSelect(moves, l2 ? a * a : a, zero);
            key.CopyTo(keys.Slice(q));
            item.CopyTo(items.Slice(q));
            total += item;
        }
        double sum = Vector.Sum(total);
        for (; q < f; q++)
        {
            float wq = w[q], a = MathF.Abs(wq);
            float room = direction * wq > 0f ? upper[q] - p[q] : p[q] - lower[q];
            bool moves = room > 0f && a > 0f;
            keys[q] = moves ? (l2 ? room / a : room) : 0f;
            items[q] = moves ? (l2 ? a * a : a) : 0f;
            sum += items[q];
        }
        var k = keys.Slice(0, f);
        var it = items.Slice(0, f);

        double lambda = sum > 0 ? target / sum : double.PositiveInfinity;
        bool solved = false;
        for (int pass = 0; pass < passes && !solved; pass++)
        {
            var level = new Vector<float>((float)lambda);
            Vector<float> satVector = zero, slopeVector = zero;
            for (q = 0; q <= f - width; q += width)
            {
                var key = new Vector<float>(k.Slice(q));
                var item = new Vector<float>(it.Slice(q));
                var below = Vector.LessThan(key, level);
                satVector += Vector.ConditionalSelect(below, item * key, zero);
                slopeVector += Vector.ConditionalSelect(below, zero, item);
            }
            double saturated = Vector.Sum(satVector), slope = Vector.Sum(slopeVector);
            for (; q < f; q++)
            {
                if (k[q] < (float)lambda) saturated += (double)it[q] * k[q];
                else slope += it[q];
            }
            if (slope <= 0)
            {
                // Everything saturates below λ: h(∞) = Σ ωκ. Short of |r|: every position to its bound; else the exact λ by sorting.
                if (saturated < target) { lambda = double.PositiveInfinity; solved = true; }
                break;
            }
            double next = (target - saturated) / slope;
            if (!((float)next > (float)lambda)) solved = true;   // the tangent step no longer moves: h(λ) = |r| (up to rounding)
            else lambda = next;
        }
        if (!solved) lambda = SortedLevel(k, it, target);

        float step = (float)lambda;
        var stepVector = new Vector<float>(step);
        var sizeVector = zero;
        for (q = 0; q <= f - width; q += width)
        {
            var wq = new Vector<float>(w.Slice(q));
            var pq = new Vector<float>(p.Slice(q));
            var towardsUpper = Vector.GreaterThan(sign * wq, zero);
            var room = Vector.Max(Vector.ConditionalSelect(towardsUpper, new Vector<float>(upper.Slice(q)) - pq, pq - new Vector<float>(lower.Slice(q))), zero);
            var a = Vector.Abs(wq);
            var move = Vector.Min(l2 ? stepVector * a : stepVector, room);
            move = Vector.ConditionalSelect(Vector.GreaterThan(a, zero), move, zero);   // ∞·0 is NaN: w = 0 never moves
            Vector.ConditionalSelect(towardsUpper, move, -move).CopyTo(d.Slice(q));
            sizeVector = l2 ? sizeVector + move * move : Vector.Max(sizeVector, move);
        }
        float size = l2 ? Vector.Sum(sizeVector) : MaxLane(sizeVector);
        for (; q < f; q++)
        {
            float wq = w[q];
            if (wq == 0f) { d[q] = 0f; continue; }
            float a = MathF.Abs(wq);
            float room = MathF.Max(direction * wq > 0f ? upper[q] - p[q] : p[q] - lower[q], 0f);
            float move = MathF.Min(l2 ? step * a : step, room);
            d[q] = direction * wq > 0f ? move : -move;
            size = l2 ? size + move * move : MathF.Max(size, move);
        }
        return l2 ? MathF.Sqrt(size) : size;
    }

    private static float MaxLane(Vector<float> v)
    {
        float max = 0f;
        for (int i = 0; i < Vector<float>.Count; i++) max = MathF.Max(max, v[i]);
        return max;
    }

    /// <summary>λ with <c>Σ ωⱼ·min(λ, κⱼ) = target</c> by one sort of κ (∞ when even λ = ∞ falls short).</summary>
    private static double SortedLevel(Span<float> keys, Span<float> items, float target)
    {
        double slope = 0;
        foreach (float v in items) slope += v;
        keys.Sort(items);
        double reached = 0;
        for (int q = 0; q < keys.Length; q++)
        {
            double key = keys[q];
            if (slope > 0 && reached + slope * key >= target) return Math.Max((target - reached) / slope, 0);
            reached += items[q] * key;
            slope -= items[q];
        }
        return double.PositiveInfinity;
    }
}
