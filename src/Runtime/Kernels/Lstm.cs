using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Axon.Kernels.Recurrent;

namespace Axon.Kernels;

/// <summary>
/// Forward and backward through time of one LSTM layer with PyTorch's math, layouts and gate order
/// (<c>nn.LSTM(F, H, batch_first=True)</c>, zero initial state): for each step <c>t</c>,
/// <code>
/// i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
/// g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
/// c' = f ⊙ c + i ⊙ g                      h' = o ⊙ tanh(c')
/// </code>
/// with <c>weight_ih_l0 = [W_ii; W_if; W_ig; W_io]</c> (<c>[4H, F]</c>), <c>weight_hh_l0</c> (<c>[4H, H]</c>) right
/// after it in <c>weight</c>, and <c>bias_ih_l0</c>, <c>bias_hh_l0</c> (<c>[4H]</c> each) one after the other in <c>bias</c>.
/// </summary>
/// <remarks>
/// Input <c>x</c> is <c>[N, T, F]</c>; the output is <c>[N, T, H]</c> (every step) or <c>[N, H]</c> (the last
/// step). The input projection of all steps is one product, the recurrent product one per step, and the four
/// nonlinearities with the cell update one pass per step. The workspace (<see cref="WorkspaceLength"/> per sample)
/// keeps the gate activations and the cell and hidden states of every step for <see cref="Backward"/>, which must
/// follow the <see cref="Forward"/> that filled it. Nothing is allocated. Parallel products never split a sum,
/// so the results are the same bits for any thread count.
/// </remarks>
public static class Lstm
{
    /// <summary>Gates per unit: input, forget, cell, output.</summary>
    public const int Gates = 4;

    /// <summary>Workspace floats per sample: <c>T·(F + 6H) + 4H</c>.</summary>
    public static long WorkspaceLength(int steps, int features, int units) =>
        (long)steps * (features + 6L * units) + 4L * units;

    private readonly ref struct Layout
    {
        public readonly Span<float> InputT, Gates, Cells, Hidden, Scratch;

        public Layout(Span<float> w, int n, int t, int f, int h)
        {
            int g = Lstm.Gates * h;
            InputT = w.Slice(0, t * n * f);
            Gates = w.Slice(t * n * f, t * n * g);
            Cells = w.Slice(t * n * (f + g), t * n * h);
            Hidden = w.Slice(t * n * (f + g + h), t * n * h);
            Scratch = w.Slice(t * n * (f + g + 2 * h), n * g);
        }
    }

    private static void CheckSpans(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outputLength, Span<float> workspace,
        int batch, int steps, int features, int units, bool returnSequences, string kernel)
    {
        Check(batch, steps, features, units);
        long g = (long)Gates * units;
        KernelCheck.AtLeast(x.Length, (long)batch * steps * features, nameof(x), kernel);
        KernelCheck.AtLeast(weight.Length, g * (features + units), nameof(weight), kernel);
        if (!bias.IsEmpty) KernelCheck.AtLeast(bias.Length, 2 * g, nameof(bias), kernel);
        KernelCheck.AtLeast(outputLength, (long)batch * units * (returnSequences ? steps : 1), "output", kernel);
        KernelCheck.AtLeast(workspace.Length, batch * WorkspaceLength(steps, features, units), nameof(workspace), kernel);
    }

    /// <summary>
    /// Runs the layer over <paramref name="batch"/> sequences of <paramref name="x"/> (<c>[N, T, F]</c>) into
    /// <paramref name="output"/>; an empty <paramref name="bias"/> means no biases.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need.</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<float> workspace,
        int batch, int steps, int features, int units, bool returnSequences, WorkerPool? pool = null)
    {
        CheckSpans(x, weight, bias, output.Length, workspace, batch, steps, features, units, returnSequences, "Lstm.Forward");
        if (batch == 0) return;
        int n = batch, h = units, g = Gates * units;
        var ws = new Layout(workspace, n, steps, features, units);
        ReadOnlySpan<float> input = x.Slice(0, n * steps * features);
        if (n > 1)
        {
            ToTimeMajor(input, ws.InputT, n, steps, features);
            input = ws.InputT;
        }
        var wih = weight.Slice(0, g * features);
        var whh = weight.Slice(g * features, g * h);
        var bih = bias.IsEmpty ? default : bias.Slice(0, g);
        var bhh = bias.IsEmpty ? default : bias.Slice(g, g);

        // Every step's input projection W_ih·x + b_ih in one product, time-major [T·N, 4H].
        ParallelGemm.MultiplyTransposedBBias(input, wih, bih, ws.Gates, steps * n, g, features, pool);
        for (int t = 0; t < steps; t++)
        {
            var gates = ws.Gates.Slice(t * n * g, n * g);
            var cells = ws.Cells.Slice(t * n * h, n * h);
            var hidden = ws.Hidden.Slice(t * n * h, n * h);
            if (t > 0)
                ParallelGemm.MultiplyTransposedBBias(ws.Hidden.Slice((t - 1) * n * h, n * h), whh, default, ws.Scratch, n, g, h, pool);
            for (int r = 0; r < n; r++)
            {
                StepForward(gates.Slice(r * g, g), t > 0 ? ws.Scratch.Slice(r * g, g) : default, bhh,
                    t > 0 ? ws.Cells.Slice(((t - 1) * n + r) * h, h) : default,
                    cells.Slice(r * h, h), hidden.Slice(r * h, h), h);
            }
        }
        WriteOutput(ws.Hidden, output, n, steps, h, returnSequences);
    }

    /// <summary>
    /// Backward of the <see cref="Forward"/> that filled <paramref name="workspace"/>: given ∂L/∂output, writes
    /// (overwrites, never accumulates) ∂L/∂weight (<c>weight_ih_l0</c> then <c>weight_hh_l0</c>), ∂L/∂bias and
    /// ∂L/∂x, each only when asked. The workspace's gate activations become gate gradients.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad, Span<float> workspace,
        Span<float> weightGrad, Span<float> biasGrad, Span<float> inputGrad,
        int batch, int steps, int features, int units, bool returnSequences,
        bool computeParameterGradients, bool computeInputGradient, WorkerPool? pool = null)
    {
        CheckSpans(x, weight, default, outputGrad.Length, workspace, batch, steps, features, units, returnSequences, "Lstm.Backward");
        int n = batch, h = units, g = Gates * units;
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(weightGrad.Length, (long)g * (features + h), nameof(weightGrad), "Lstm.Backward");
            if (!biasGrad.IsEmpty) KernelCheck.AtLeast(biasGrad.Length, 2L * g, nameof(biasGrad), "Lstm.Backward");
        }
        if (computeInputGradient) KernelCheck.AtLeast(inputGrad.Length, (long)n * steps * features, nameof(inputGrad), "Lstm.Backward");
        // Nothing asked (a frozen first layer): the pass through time would compute nothing anyone reads.
        if (batch == 0 || !(computeParameterGradients || computeInputGradient)) return;
        var ws = new Layout(workspace, n, steps, features, units);
        var wih = weight.Slice(0, g * features);
        var whh = weight.Slice(g * features, g * h);
        var dh = ws.Scratch.Slice(0, n * h);
        var dc = ws.Scratch.Slice(n * h, n * h);
        dh.Clear();
        dc.Clear();
        for (int t = steps - 1; t >= 0; t--)
        {
            AddOutputGradient(outputGrad, dh, t, n, steps, h, returnSequences);
            var gates = ws.Gates.Slice(t * n * g, n * g);
            for (int r = 0; r < n; r++)
            {
                StepBackward(gates.Slice(r * g, g), ws.Cells.Slice((t * n + r) * h, h),
                    t > 0 ? ws.Cells.Slice(((t - 1) * n + r) * h, h) : default,
                    dh.Slice(r * h, h), dc.Slice(r * h, h), h);
            }
            // ∂L/∂h of the step before: the gate gradients through W_hh (its own output part arrives next iteration).
            if (t > 0)
                ParallelGemm.Multiply(gates, whh, dh, n, h, g, pool);
        }

        ReadOnlySpan<float> input = n > 1 ? ws.InputT : x.Slice(0, steps * features);
        var dGates = ws.Gates;
        if (computeParameterGradients)
        {
            ParallelGemm.MultiplyTransposedA(dGates, input, weightGrad.Slice(0, g * features), g, features, steps * n, pool, default);
            var dWhh = weightGrad.Slice(g * features, g * h);
            // Step t's gates multiply h_{t-1}; h_{-1} = 0 adds nothing, so the sum runs over t ≥ 1.
            if (steps > 1) ParallelGemm.MultiplyTransposedA(dGates.Slice(n * g), ws.Hidden, dWhh, g, h, (steps - 1) * n, pool, default);
            else dWhh.Clear();
            if (!biasGrad.IsEmpty)
            {
                SumRows(dGates, biasGrad.Slice(0, g), steps * n, g);
                biasGrad.Slice(0, g).CopyTo(biasGrad.Slice(g, g));
            }
        }
        if (computeInputGradient)
        {
            if (n == 1) ParallelGemm.Multiply(dGates, wih, inputGrad, steps, features, g, pool);
            else
            {
                // The time-major input copy is no longer needed: it takes ∂L/∂x before the reorder.
                ParallelGemm.Multiply(dGates, wih, ws.InputT, steps * n, features, g, pool);
                ToBatchMajor(ws.InputT, inputGrad, n, steps, features);
            }
        }
    }

    // One sample, one step: gates holds W_ih·x + b_ih on entry and [i, f, g, o] on exit.
    private static void StepForward(Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> hidden, int h)
    {
        bool hasR = !recurrent.IsEmpty, hasB = !biasHh.IsEmpty, hasC = !previousCell.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float rr = ref MemoryMarshal.GetReference(recurrent);
        ref float br = ref MemoryMarshal.GetReference(biasHh);
        ref float pr = ref MemoryMarshal.GetReference(previousCell);
        ref float cr = ref MemoryMarshal.GetReference(cell);
        ref float hr = ref MemoryMarshal.GetReference(hidden);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var pi = Pre(ref gr, ref rr, ref br, (nuint)j, hasR, hasB);
                var pf = Pre(ref gr, ref rr, ref br, (nuint)(h + j), hasR, hasB);
                var pg = Pre(ref gr, ref rr, ref br, (nuint)(2 * h + j), hasR, hasB);
                var po = Pre(ref gr, ref rr, ref br, (nuint)(3 * h + j), hasR, hasB);
                Vector256<float> i = Sigmoid(pi), f = Sigmoid(pf), gg = Tanh(pg), o = Sigmoid(po);
                var c = i * gg;
                if (hasC) c += f * Vector256.LoadUnsafe(ref pr, (nuint)j);
                i.StoreUnsafe(ref gr, (nuint)j);
                f.StoreUnsafe(ref gr, (nuint)(h + j));
                gg.StoreUnsafe(ref gr, (nuint)(2 * h + j));
                o.StoreUnsafe(ref gr, (nuint)(3 * h + j));
                c.StoreUnsafe(ref cr, (nuint)j);
                (o * Tanh(c)).StoreUnsafe(ref hr, (nuint)j);
            }
        }
        for (; j < h; j++)
        {
            float i = Sigmoid(PreScalar(gates, recurrent, biasHh, j)), f = Sigmoid(PreScalar(gates, recurrent, biasHh, h + j));
            float gg = Tanh(PreScalar(gates, recurrent, biasHh, 2 * h + j)), o = Sigmoid(PreScalar(gates, recurrent, biasHh, 3 * h + j));
            float c = i * gg + (hasC ? f * previousCell[j] : 0f);
            gates[j] = i; gates[h + j] = f; gates[2 * h + j] = gg; gates[3 * h + j] = o;
            cell[j] = c;
            hidden[j] = o * Tanh(c);
        }
    }

    private static float PreScalar(ReadOnlySpan<float> g, ReadOnlySpan<float> r, ReadOnlySpan<float> b, int k) =>
        g[k] + (r.IsEmpty ? 0f : r[k]) + (b.IsEmpty ? 0f : b[k]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pre(ref float g, ref float r, ref float b, nuint at, bool hasR, bool hasB)
    {
        var v = Vector256.LoadUnsafe(ref g, at);
        if (hasR) v += Vector256.LoadUnsafe(ref r, at);
        if (hasB) v += Vector256.LoadUnsafe(ref b, at);
        return v;
    }

    // One sample, one step backwards: gates holds [i, f, g, o] on entry and ∂L/∂(pre-activations) on exit;
    // dh is ∂L/∂h_t (used up), dc is ∂L/∂c_t on entry and ∂L/∂c_{t-1} on exit.
    private static void StepBackward(Span<float> gates, ReadOnlySpan<float> cell, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> dh, Span<float> dc, int h)
    {
        bool hasC = !previousCell.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float cr = ref MemoryMarshal.GetReference(cell);
        ref float pr = ref MemoryMarshal.GetReference(previousCell);
        ref float hr = ref MemoryMarshal.GetReference(dh);
        ref float dr = ref MemoryMarshal.GetReference(dc);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var i = Vector256.LoadUnsafe(ref gr, (nuint)j);
                var f = Vector256.LoadUnsafe(ref gr, (nuint)(h + j));
                var gg = Vector256.LoadUnsafe(ref gr, (nuint)(2 * h + j));
                var o = Vector256.LoadUnsafe(ref gr, (nuint)(3 * h + j));
                var tc = Tanh(Vector256.LoadUnsafe(ref cr, (nuint)j));
                var dhv = Vector256.LoadUnsafe(ref hr, (nuint)j);
                var dcv = Vector256.LoadUnsafe(ref dr, (nuint)j) + dhv * o * (one - tc * tc);
                var cp = hasC ? Vector256.LoadUnsafe(ref pr, (nuint)j) : Vector256<float>.Zero;
                (dcv * gg * i * (one - i)).StoreUnsafe(ref gr, (nuint)j);
                (dcv * cp * f * (one - f)).StoreUnsafe(ref gr, (nuint)(h + j));
                (dcv * i * (one - gg * gg)).StoreUnsafe(ref gr, (nuint)(2 * h + j));
                (dhv * tc * o * (one - o)).StoreUnsafe(ref gr, (nuint)(3 * h + j));
                (dcv * f).StoreUnsafe(ref dr, (nuint)j);
            }
        }
        for (; j < h; j++)
        {
            float i = gates[j], f = gates[h + j], gg = gates[2 * h + j], o = gates[3 * h + j];
            float tc = Tanh(cell[j]);
            float dcv = dc[j] + dh[j] * o * (1f - tc * tc);
            float cp = hasC ? previousCell[j] : 0f;
            gates[j] = dcv * gg * i * (1f - i);
            gates[h + j] = dcv * cp * f * (1f - f);
            gates[2 * h + j] = dcv * i * (1f - gg * gg);
            gates[3 * h + j] = dh[j] * tc * o * (1f - o);
            dc[j] = dcv * f;
        }
    }
}
