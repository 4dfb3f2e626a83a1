using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Axon.Kernels.Recurrent;

namespace Axon.Kernels;

/// <summary>
/// Forward and backward through time of one GRU layer with PyTorch's math, layouts and gate order
/// (<c>nn.GRU(F, H, batch_first=True)</c>, zero initial state): for each step <c>t</c>,
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr)
/// z = σ(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// (the reset gate multiplies the whole recurrent term including <c>b_hn</c>, as PyTorch and cuDNN do, not
/// <c>h</c> before the product), with <c>weight_ih_l0 = [W_ir; W_iz; W_in]</c> (<c>[3H, F]</c>),
/// <c>weight_hh_l0</c> (<c>[3H, H]</c>) right after it in <c>weight</c>, and <c>bias_ih_l0</c>,
/// <c>bias_hh_l0</c> (<c>[3H]</c> each) one after the other in <c>bias</c>.
/// </summary>
/// <remarks>
/// Input <c>x</c> is <c>[N, T, F]</c>; the output is <c>[N, T, H]</c> (every step) or <c>[N, H]</c> (the last
/// step). The input projection of all steps is one product, the recurrent product (with <c>b_hh</c> in its
/// epilogue) one per step, and the three nonlinearities with the state update one pass per step. The workspace
/// (<see cref="WorkspaceLength"/> per sample) keeps the gates, the recurrent terms and the hidden states of every
/// step for <see cref="Backward"/>, which must follow the <see cref="Forward"/> that filled it. Nothing is
/// allocated; parallel products never split a sum, so the results are the same bits for any thread count.
/// </remarks>
public static class Gru
{
    /// <summary>Gates per unit: reset, update, new.</summary>
    public const int Gates = 3;

    /// <summary>Workspace floats per sample: <c>T·(F + 7H) + 2H</c>.</summary>
    public static long WorkspaceLength(int steps, int features, int units) =>
        (long)steps * (features + 7L * units) + 2L * units;

    private readonly ref struct Layout
    {
        public readonly Span<float> InputT, Gates, Recurrent, Hidden, Scratch;

        public Layout(Span<float> w, int n, int t, int f, int h)
        {
            int g = Gru.Gates * h;
            InputT = w.Slice(0, t * n * f);
            Gates = w.Slice(t * n * f, t * n * g);
            Recurrent = w.Slice(t * n * (f + g), t * n * g);
            Hidden = w.Slice(t * n * (f + 2 * g), t * n * h);
            Scratch = w.Slice(t * n * (f + 2 * g + h), 2 * n * h);
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
        CheckSpans(x, weight, bias, output.Length, workspace, batch, steps, features, units, returnSequences, "Gru.Forward");
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

        ParallelGemm.MultiplyTransposedBBias(input, wih, bih, ws.Gates, steps * n, g, features, pool);
        for (int t = 0; t < steps; t++)
        {
            var recurrent = ws.Recurrent.Slice(t * n * g, n * g);
            if (t > 0)
                ParallelGemm.MultiplyTransposedBBias(ws.Hidden.Slice((t - 1) * n * h, n * h), whh, bhh, recurrent, n, g, h, pool);
            else
                for (int r = 0; r < n; r++)
                {
                    // h_{-1} = 0: the recurrent term is the bias alone.
                    if (bhh.IsEmpty) recurrent.Slice(r * g, g).Clear();
                    else bhh.CopyTo(recurrent.Slice(r * g, g));
                }
            var gates = ws.Gates.Slice(t * n * g, n * g);
            var hidden = ws.Hidden.Slice(t * n * h, n * h);
            for (int r = 0; r < n; r++)
                StepForward(gates.Slice(r * g, g), recurrent.Slice(r * g, g),
                    t > 0 ? ws.Hidden.Slice(((t - 1) * n + r) * h, h) : default, hidden.Slice(r * h, h), h);
        }
        WriteOutput(ws.Hidden, output, n, steps, h, returnSequences);
    }

    /// <summary>
    /// Backward of the <see cref="Forward"/> that filled <paramref name="workspace"/>: given ∂L/∂output, writes
    /// (overwrites, never accumulates) ∂L/∂weight (<c>weight_ih_l0</c> then <c>weight_hh_l0</c>), ∂L/∂bias
    /// (<c>bias_ih_l0</c> then <c>bias_hh_l0</c>) and ∂L/∂x, each only when asked.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad, Span<float> workspace,
        Span<float> weightGrad, Span<float> biasGrad, Span<float> inputGrad,
        int batch, int steps, int features, int units, bool returnSequences,
        bool computeParameterGradients, bool computeInputGradient, WorkerPool? pool = null)
    {
        CheckSpans(x, weight, default, outputGrad.Length, workspace, batch, steps, features, units, returnSequences, "Gru.Backward");
        int n = batch, h = units, g = Gates * units;
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(weightGrad.Length, (long)g * (features + h), nameof(weightGrad), "Gru.Backward");
            if (!biasGrad.IsEmpty) KernelCheck.AtLeast(biasGrad.Length, 2L * g, nameof(biasGrad), "Gru.Backward");
        }
        if (computeInputGradient) KernelCheck.AtLeast(inputGrad.Length, (long)n * steps * features, nameof(inputGrad), "Gru.Backward");
        // Nothing asked (a frozen first layer): the pass through time would compute nothing anyone reads.
        if (batch == 0 || !(computeParameterGradients || computeInputGradient)) return;
        var ws = new Layout(workspace, n, steps, features, units);
        var wih = weight.Slice(0, g * features);
        var whh = weight.Slice(g * features, g * h);
        var dh = ws.Scratch.Slice(0, n * h);
        var through = ws.Scratch.Slice(n * h, n * h);
        dh.Clear();
        for (int t = steps - 1; t >= 0; t--)
        {
            AddOutputGradient(outputGrad, dh, t, n, steps, h, returnSequences);
            var gates = ws.Gates.Slice(t * n * g, n * g);
            var recurrent = ws.Recurrent.Slice(t * n * g, n * g);
            for (int r = 0; r < n; r++)
                StepBackward(gates.Slice(r * g, g), recurrent.Slice(r * g, g),
                    t > 0 ? ws.Hidden.Slice(((t - 1) * n + r) * h, h) : default, dh.Slice(r * h, h), h);
            // dh now holds z ⊙ ∂L/∂h_t, the direct path to h_{t-1}; the path through the gates comes from W_hh.
            if (t > 0)
            {
                ParallelGemm.Multiply(recurrent, whh, through, n, h, g, pool);
                TensorPrimitives.Add(dh, through, dh);
            }
        }

        ReadOnlySpan<float> input = n > 1 ? ws.InputT : x.Slice(0, steps * features);
        if (computeParameterGradients)
        {
            ParallelGemm.MultiplyTransposedA(ws.Gates, input, weightGrad.Slice(0, g * features), g, features, steps * n, pool, default);
            var dWhh = weightGrad.Slice(g * features, g * h);
            if (steps > 1) ParallelGemm.MultiplyTransposedA(ws.Recurrent.Slice(n * g), ws.Hidden, dWhh, g, h, (steps - 1) * n, pool, default);
            else dWhh.Clear();
            if (!biasGrad.IsEmpty)
            {
                SumRows(ws.Gates, biasGrad.Slice(0, g), steps * n, g);
                SumRows(ws.Recurrent, biasGrad.Slice(g, g), steps * n, g);
            }
        }
        if (computeInputGradient)
        {
            if (n == 1) ParallelGemm.Multiply(ws.Gates, wih, inputGrad, steps, features, g, pool);
            else
            {
                ParallelGemm.Multiply(ws.Gates, wih, ws.InputT, steps * n, features, g, pool);
                ToBatchMajor(ws.InputT, inputGrad, n, steps, features);
            }
        }
    }

    // One sample, one step: gates holds W_ih·x + b_ih on entry and [r, z, n] on exit; recurrent holds W_hh·h + b_hh (kept).
    private static void StepForward(Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> previous, Span<float> hidden, int h)
    {
        bool hasH = !previous.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float rr = ref MemoryMarshal.GetReference(recurrent);
        ref float pr = ref MemoryMarshal.GetReference(previous);
        ref float hr = ref MemoryMarshal.GetReference(hidden);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint a = (nuint)j, b = (nuint)(h + j), c = (nuint)(2 * h + j);
                var r = Sigmoid(Vector256.LoadUnsafe(ref gr, a) + Vector256.LoadUnsafe(ref rr, a));
                var z = Sigmoid(Vector256.LoadUnsafe(ref gr, b) + Vector256.LoadUnsafe(ref rr, b));
                var nn = Tanh(Vector256.LoadUnsafe(ref gr, c) + r * Vector256.LoadUnsafe(ref rr, c));
                var hp = hasH ? Vector256.LoadUnsafe(ref pr, a) : Vector256<float>.Zero;
                r.StoreUnsafe(ref gr, a);
                z.StoreUnsafe(ref gr, b);
                nn.StoreUnsafe(ref gr, c);
                (nn + z * (hp - nn)).StoreUnsafe(ref hr, a);
            }
        }
        for (; j < h; j++)
        {
            float r = Sigmoid(gates[j] + recurrent[j]);
            float z = Sigmoid(gates[h + j] + recurrent[h + j]);
            float nn = Tanh(gates[2 * h + j] + r * recurrent[2 * h + j]);
            float hp = hasH ? previous[j] : 0f;
            gates[j] = r; gates[h + j] = z; gates[2 * h + j] = nn;
            hidden[j] = nn + z * (hp - nn);
        }
    }

    // One sample, one step backwards: gates [r, z, n] become ∂L/∂(input-side pre-activations), recurrent
    // [W_hh·h + b_hh] becomes ∂L/∂(recurrent terms), dh (∂L/∂h_t) becomes z ⊙ ∂L/∂h_t.
    private static void StepBackward(Span<float> gates, Span<float> recurrent, ReadOnlySpan<float> previous, Span<float> dh, int h)
    {
        bool hasH = !previous.IsEmpty;
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float rr = ref MemoryMarshal.GetReference(recurrent);
        ref float pr = ref MemoryMarshal.GetReference(previous);
        ref float dr = ref MemoryMarshal.GetReference(dh);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint a = (nuint)j, b = (nuint)(h + j), c = (nuint)(2 * h + j);
                var r = Vector256.LoadUnsafe(ref gr, a);
                var z = Vector256.LoadUnsafe(ref gr, b);
                var nn = Vector256.LoadUnsafe(ref gr, c);
                var ghn = Vector256.LoadUnsafe(ref rr, c);
                var d = Vector256.LoadUnsafe(ref dr, a);
                var hp = hasH ? Vector256.LoadUnsafe(ref pr, a) : Vector256<float>.Zero;
                var dpn = d * (one - z) * (one - nn * nn);
                var dpr = dpn * ghn * r * (one - r);
                var dpz = d * (hp - nn) * z * (one - z);
                dpr.StoreUnsafe(ref gr, a);
                dpz.StoreUnsafe(ref gr, b);
                dpn.StoreUnsafe(ref gr, c);
                dpr.StoreUnsafe(ref rr, a);
                dpz.StoreUnsafe(ref rr, b);
                (dpn * r).StoreUnsafe(ref rr, c);
                (d * z).StoreUnsafe(ref dr, a);
            }
        }
        for (; j < h; j++)
        {
            float r = gates[j], z = gates[h + j], nn = gates[2 * h + j], ghn = recurrent[2 * h + j], d = dh[j];
            float hp = hasH ? previous[j] : 0f;
            float dpn = d * (1f - z) * (1f - nn * nn);
            float dpr = dpn * ghn * r * (1f - r);
            float dpz = d * (hp - nn) * z * (1f - z);
            gates[j] = dpr; gates[h + j] = dpz; gates[2 * h + j] = dpn;
            recurrent[j] = dpr; recurrent[h + j] = dpz; recurrent[2 * h + j] = dpn * r;
            dh[j] = d * z;
        }
    }
}
