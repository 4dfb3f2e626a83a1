using System;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

/// <summary>
/// How Square lays out an input row as <c>[Channels, Height, Width]</c> to draw its windows. A feature vector is
/// <c>(1, 1, InputSize)</c>: windows are runs of consecutive columns.
/// </summary>
/// <param name="Channels">Channels (each gets its own sign inside a window).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct InputLayout(int Channels, int Height, int Width)
{
    /// <summary>Values per sample.</summary>
    public int Size => Channels * Height * Width;
}

public static partial class Attacks
{
    /// <summary>
    /// Square attack (Andriushchenko, Croce, Flammarion and Hein, 2020, "Square Attack: a query-efficient black-box adversarial
    /// attack via random search"): score-based, it never reads a gradient, so a model that masks its gradients does not stop it.
    /// Per sample it keeps the best point found and the margin <c>m = z_y − max_{k≠y} z_k</c> there (one output: the signed
    /// distance to the decision threshold), and until m ≤ 0 or <paramref name="queries"/> model calls, proposes a change of one
    /// random window whose side follows the schedule <c>p = p_init/2^j</c> (the share of values changed; halved at 10, 50, 200,
    /// 500, 1000, 2000, 4000, 6000, 8000 of 10,000 queries, rescaled to <paramref name="queries"/>) and keeps it if m falls.
    /// L∞: start at vertical stripes <c>x ± ε</c> (a sign per channel and column), each proposal sets a window to <c>x ± ε</c>
    /// (a sign per channel). L2: start from a grid of the paper's centred patterns, each proposal moves a window's mass into a
    /// fresh pattern and empties a second window, then scales δ to ‖δ‖₂ = ε. Every proposal is projected onto
    /// <see cref="IModel.InputConstraints"/>.
    /// </summary>
    /// <remarks>
    /// AutoAttack's settings: 5,000 queries, <c>p_init = 0.8</c>, one run. One <see cref="IModel.Predict"/> per iteration on the
    /// samples still classified correctly (compacted), so the cost falls as samples are fooled. Deterministic for a seed;
    /// allocation-free after warm-up.
    /// </remarks>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their labels (targets for a one-output model).</param>
    /// <param name="norm">L∞ or L2.</param>
    /// <param name="epsilon">Budget ε ≥ 0.</param>
    /// <param name="adversarial">Receives the best point per sample, <c>[Count, InputSize]</c>.</param>
    /// <param name="workspace">Scratch memory for this model shape.</param>
    /// <param name="queries">Iterations (model calls after the first), at least 1. Default: 5000.</param>
    /// <param name="pInit">Initial share of values a window changes, in (0, 1]. Default: 0.8.</param>
    /// <param name="seed">Seed of every random draw. Default: 0.</param>
    /// <param name="layout">The row as <c>[C, H, W]</c>. Default: <c>(1, 1, InputSize)</c>.</param>
    /// <returns>Number of samples misclassified at the result.</returns>
    public static int Square(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, AttackWorkspace workspace,
        int queries = 5000, float pInit = 0.8f, long seed = 0, InputLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        Check(model, batch, epsilon, adversarial, adversarial);
        CheckNorm(norm);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        if (!(pInit > 0f && pInit <= 1f))
            throw new ArgumentOutOfRangeException(nameof(pInit), pInit, "pInit must be in (0, 1].");
        int n = batch.Count, f = model.InputSize;
        var shape = layout ?? new InputLayout(1, 1, f);
        if (shape.Channels < 1 || shape.Height < 1 || shape.Width < 1 || shape.Size != f)
            throw new ArgumentException($"layout {shape} holds {shape.Size} values; {model.Name} has {f} per sample.", nameof(layout));
        workspace.Check(model, n);
        var scorer = Scorer.For(model, batch, ScoreLoss.CrossEntropy);
        var box = model.InputConstraints;
        var x = batch.Inputs;
        var candidate = workspace.Features(0, n);
        var clean = workspace.Features(1, n);
        var pattern = workspace.Features(2, 1);
        var margin = workspace.Scalars(0, n);
        var proposal = workspace.Scalars(1, n);
        var active = workspace.Labels(0, n);
        var rng = new Rng(seed);
        int c = shape.Channels, h = shape.Height, w = shape.Width, plane = h * w;

        // Start.
        for (int i = 0; i < n; i++)
        {
            var row = adversarial.Slice(i * f, f);
            x.Slice(i * f, f).CopyTo(row);
            if (norm == AttackNorm.LInf)
            {
                for (int ch = 0; ch < c; ch++)
                    for (int col = 0; col < w; col++)
                    {
                        float d = Sign(ref rng) * epsilon;
                        for (int r = 0; r < h; r++) row[ch * plane + r * w + col] += d;
                    }
            }
            else
            {
                var delta = candidate.Slice(0, f);
                delta.Clear();
                int bh = Math.Max(h / 5, 1), bw = h == 1 ? Math.Max(w / 5, 1) : Math.Max(w / 5, 1);
                for (int vh = 0; vh + bh <= h; vh += bh)
                    for (int vw = 0; vw + bw <= w; vw += bw)
                    {
                        Eta(bh, bw, pattern, ref rng);
                        for (int ch = 0; ch < c; ch++)
                        {
                            float sign = Sign(ref rng);
                            for (int r = 0; r < bh; r++)
                                for (int q = 0; q < bw; q++) delta[ch * plane + (vh + r) * w + vw + q] += sign * pattern[r * bw + q];
                        }
                    }
                ScaleToSphere(box, delta, epsilon);
                TensorPrimitives.Add(row, delta, row);
            }
        }
        box.Project(x, adversarial, epsilon, norm);
        scorer.Margins(model, adversarial, margin, workspace, default);

        for (int it = 0; it < queries; it++)
        {
            int m = 0;
            for (int i = 0; i < n; i++) if (margin[i] > 0f) active[m++] = i;
            if (m == 0) break;
            float p = SquareShare(pInit, it, queries);
            // Window: side √(p·H·W) on an image (area p of a channel); p·W consecutive columns on a feature row.
            int sh, sw;
            if (h == 1) { sh = 1; sw = Math.Clamp((int)MathF.Round(p * w), norm == AttackNorm.L2 ? Math.Min(3, w) : 1, w); }
            else
            {
                int s = Math.Max((int)MathF.Round(MathF.Sqrt(p * plane)), norm == AttackNorm.L2 ? 3 : 1);
                if (norm == AttackNorm.L2 && s % 2 == 0) s++;
                sh = Math.Min(s, h);
                sw = Math.Min(s, w);
            }
            for (int j = 0; j < m; j++)
            {
                int i = active[j];
                var xi = x.Slice(i * f, f);
                var best = adversarial.Slice(i * f, f);
                var next = candidate.Slice(j * f, f);
                xi.CopyTo(clean.Slice(j * f, f));
                int vh = rng.NextInt(h - sh + 1), vw = rng.NextInt(w - sw + 1);
                if (norm == AttackNorm.LInf)
                {
                    best.CopyTo(next);
                    for (int ch = 0; ch < c; ch++)
                    {
                        float d = 2f * epsilon * Sign(ref rng);
                        for (int r = vh; r < vh + sh; r++)
                            for (int q = vw; q < vw + sw; q++) next[ch * plane + r * w + q] += d;
                    }
                }
                else
                {
                    int vh2 = rng.NextInt(h - sh + 1), vw2 = rng.NextInt(w - sw + 1);
                    TensorPrimitives.Subtract(best, xi, next);   // δ
                    float imageNorm = TensorPrimitives.Norm(next);
                    // ‖δ‖ over the union of both windows, all channels.
                    double union = 0;
                    for (int ch = 0; ch < c; ch++)
                        for (int r = 0; r < h; r++)
                            for (int q = 0; q < w; q++)
                            {
                                bool inside = (r >= vh && r < vh + sh && q >= vw && q < vw + sw) || (r >= vh2 && r < vh2 + sh && q >= vw2 && q < vw2 + sw);
                                if (inside) { double v = next[ch * plane + r * w + q]; union += v * v; }
                            }
                    float budget = MathF.Sqrt(MathF.Max(epsilon * epsilon - imageNorm * imageNorm, 0f) / c + (float)union);
                    Eta(sh, sw, pattern, ref rng);
                    for (int ch = 0; ch < c; ch++)
                    {
                        float sign = Sign(ref rng);
                        double old = 0;
                        for (int r = 0; r < sh; r++)
                            for (int q = 0; q < sw; q++) { double v = next[ch * plane + (vh + r) * w + vw + q]; old += v * v; }
                        float oldNorm = (float)Math.Sqrt(old) + 1e-12f;
                        double fresh = 0;
                        for (int r = 0; r < sh; r++)
                            for (int q = 0; q < sw; q++)
                            {
                                int at = ch * plane + (vh + r) * w + vw + q;
                                float v = sign * pattern[r * sw + q] + next[at] / oldNorm;
                                next[at] = v;   // written back into the window; the norm fixes the scale below
                                fresh += (double)v * v;
                            }
                        float scale = budget / ((float)Math.Sqrt(fresh) + 1e-12f);
                        for (int r = 0; r < sh; r++)
                            for (int q = 0; q < sw; q++) next[ch * plane + (vh + r) * w + vw + q] *= scale;
                        for (int r = vh2; r < vh2 + sh; r++)
                            for (int q = vw2; q < vw2 + sw; q++)
                                if (!(r >= vh && r < vh + sh && q >= vw && q < vw + sw)) next[ch * plane + r * w + q] = 0f;
                    }
                    ScaleToSphere(box, next, epsilon);
                    TensorPrimitives.Add(next, xi, next);
                }
            }
            var rows = candidate.Slice(0, m * f);
            box.Project(clean.Slice(0, m * f), rows, epsilon, norm);
            scorer.Margins(model, rows, proposal.Slice(0, m), workspace, active.Slice(0, m));
            for (int j = 0; j < m; j++)
            {
                int i = active[j];
                if (!(proposal[j] < margin[i])) continue;
                margin[i] = proposal[j];
                rows.Slice(j * f, f).CopyTo(adversarial.Slice(i * f, f));
            }
        }
        int fooled = 0;
        for (int i = 0; i < n; i++) if (margin[i] <= 0f) fooled++;
        return fooled;
    }

    private static float Sign(ref Rng rng) => (rng.NextUInt32() & 1) == 0 ? -1f : 1f;

    /// <summary>δ ← δ·ε/‖δ‖₂ on the positions that may move (no change when δ = 0).</summary>
    private static void ScaleToSphere(InputConstraints box, Span<float> delta, float epsilon)
    {
        box.MaskFixed(delta);
        float length = TensorPrimitives.Norm(delta);
        if (length > 0f) TensorPrimitives.Multiply(delta, epsilon / (length + 1e-12f), delta);
    }

    /// <summary>Square's schedule of the share p of values a window changes, on AutoAttack's 10,000-query scale.</summary>
    internal static float SquareShare(float pInit, int iteration, int queries)
    {
        int it = (int)((long)iteration * 10000 / queries);
        int halvings = it <= 10 ? 0 : it <= 50 ? 1 : it <= 200 ? 2 : it <= 500 ? 3 : it <= 1000 ? 4 : it <= 2000 ? 5 : it <= 4000 ? 6 : it <= 6000 ? 7 : it <= 8000 ? 8 : 9;
        return pInit / (1 << halvings);
    }

    /// <summary>
    /// The paper's L2 window pattern on <c>rows × cols</c>: one half positive, the other negative, each a sum of centred
    /// rectangles weighted 1/(k + 1)², unit L2 norm. Split along the rows (transposed half the time on a square window) or,
    /// for a one-row window, along the columns.
    /// </summary>
    private static void Eta(int rows, int cols, Span<float> pattern, ref Rng rng)
    {
        var p = pattern.Slice(0, rows * cols);
        p.Clear();
        bool alongRows = rows >= 2 && (rows != cols || rng.NextSingle() > 0.5f);
        if (alongRows)
        {
            int top = rows / 2;
            EtaRectangles(p, cols, 0, 0, top, cols, 1f);
            EtaRectangles(p, cols, top, 0, rows - top, cols, -1f);
        }
        else
        {
            int left = cols / 2;
            if (left == 0) { p.Fill(1f); }
            else
            {
                EtaRectangles(p, cols, 0, 0, rows, left, 1f);
                EtaRectangles(p, cols, 0, left, rows, cols - left, -1f);
            }
        }
        float norm = TensorPrimitives.Norm(p);
        if (norm > 0f) TensorPrimitives.Multiply(p, 1f / norm, p);
    }

    /// <summary>Adds <c>sign·Σ_k 1/(k+1)²</c> over growing rectangles centred in the block (the reference's eta_rectangles), normalised.</summary>
    private static void EtaRectangles(Span<float> p, int stride, int top, int left, int x, int y, float sign)
    {
        if (x <= 0 || y <= 0) return;
        int xc = x / 2 + 1, yc = y / 2 + 1;
        int c0 = xc - 1, c1 = yc - 1;
        double sq = 0;
        for (int k = 0; k < Math.Max(xc, yc); k++)
        {
            float v = 1f / ((k + 1) * (k + 1));
            for (int r = Math.Max(c0, 0); r < Math.Min(c0 + 2 * k + 1, x); r++)
                for (int q = Math.Max(c1, 0); q < Math.Min(c1 + 2 * k + 1, y); q++)
                    p[(top + r) * stride + left + q] += v;
            c0--;
            c1--;
        }
        for (int r = 0; r < x; r++)
            for (int q = 0; q < y; q++) { double v = p[(top + r) * stride + left + q]; sq += v * v; }
        float scale = sign / (float)Math.Sqrt(sq);
        for (int r = 0; r < x; r++)
            for (int q = 0; q < y; q++) p[(top + r) * stride + left + q] *= scale;
    }
}
