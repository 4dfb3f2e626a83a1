using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// Batch normalisation of <c>x [batch, C, S]</c> per channel (<c>S = H·W</c>, or 1 for a
/// <c>[features]</c> input): <c>y = γ·(x − μ)/√(σ² + ε) + β</c>. Training uses the batch's mean and
/// biased variance over its <c>batch·S</c> values per channel and updates the running statistics;
/// inference uses the running statistics. Momentum and ε are the caller's (Keras's defaults live in
/// the generator).
/// </summary>
/// <remarks>
/// Per-channel sums are accumulated in double across samples. With <c>S = 1</c> the channels are
/// contiguous, so those paths run eight channels at a time down the batch in vector registers and
/// need no scratch.
/// </remarks>
public static class BatchNorm
{
    private const string Name = "BatchNorm";

    /// <summary>
    /// Training forward. Saves <c>x̂ = (x − μ)/√(σ² + ε)</c> in <paramref name="xhat"/> (<c>[batch·C·S]</c>)
    /// and <c>1/√(σ² + ε)</c> in <paramref name="invStd"/> (<c>[C]</c>) for <see cref="BackwardTraining"/>,
    /// and updates <c>running ← momentum·running + (1 − momentum)·batch statistic</c>, the running
    /// variance from the unbiased variance (<c>n/(n − 1)</c> with <c>n = batch·S</c>; the biased one when <c>n = 1</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void ForwardTraining(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> output, Span<float> xhat, Span<float> invStd,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        Check(batch, channels, spatial, x.Length, nameof(x));
        KernelCheck.Positive(batch, nameof(batch));
        CheckChannels(channels, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, invStd.Length, nameof(invStd));
        long total = (long)batch * channels * spatial;
        KernelCheck.AtLeast(output.Length, total, nameof(output), Name);
        KernelCheck.AtLeast(xhat.Length, total, nameof(xhat), Name);

        int n = batch * spatial;
        float keep = momentum, take = 1f - momentum;
        double unbias = n > 1 ? (double)n / (n - 1) : 1.0;
        if (spatial == 1)
        {
            ForwardTrainingRows(x, gamma, beta, runningMean, runningVar, output, xhat, invStd, batch, channels, keep, take, (float)unbias, epsilon);
            return;
        }

        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
                sum += TensorPrimitives.Sum(x.Slice(b * stride + c * spatial, spatial));
            float mean = (float)(sum / n);
            double squares = 0;
            for (int b = 0; b < batch; b++)
            {
                int o = b * stride + c * spatial;
                var centred = xhat.Slice(o, spatial);
                TensorPrimitives.Subtract(x.Slice(o, spatial), mean, centred);
                squares += TensorPrimitives.SumOfSquares(centred);
            }
            double variance = squares / n;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            invStd[c] = inv;
            // A channel whose statistic stays 0 decays ×momentum per step: flushed below float's
            // normal range (Denormals) so inference never computes on denormals.
            runningMean[c] = Denormals.Flush(keep * runningMean[c] + take * mean);
            runningVar[c] = Denormals.Flush(keep * runningVar[c] + take * (float)(variance * unbias));
            float g = gamma[c], bt = beta[c];
            for (int b = 0; b < batch; b++)
            {
                int o = b * stride + c * spatial;
                var h = xhat.Slice(o, spatial);
                TensorPrimitives.Multiply(h, inv, h);
                Elementwise.ScaleShift(h, g, bt, output.Slice(o, spatial));
            }
        }
    }

    /// <summary>
    /// <see cref="ForwardTraining"/> for <c>S = 1</c>: rows of <c>C</c> contiguous channels, eight
    /// channels at a time down the batch, the tail one at a time with the same float operations.
    /// </summary>
    private static void ForwardTrainingRows(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> output, Span<float> xhat, Span<float> invStd,
        int batch, int channels, float keep, float take, float unbias, float epsilon)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float yr = ref MemoryMarshal.GetReference(output);
        float invN = 1f / batch;
        int c = 0;
        for (; c <= channels - Vector256<float>.Count; c += Vector256<float>.Count)
        {
            var sum = Vector256<float>.Zero;
            for (int b = 0; b < batch; b++)
                sum += Vector256.LoadUnsafe(ref xr, (nuint)(b * channels + c));
            var mean = sum * invN;
            var squares = Vector256<float>.Zero;
            for (int b = 0; b < batch; b++)
            {
                nuint o = (nuint)(b * channels + c);
                var d = Vector256.LoadUnsafe(ref xr, o) - mean;
                d.StoreUnsafe(ref hr, o);
                squares += d * d;
            }
            var variance = squares * invN;
            var inv = Vector256<float>.One / Vector256.Sqrt(variance + Vector256.Create(epsilon));
            inv.StoreUnsafe(ref MemoryMarshal.GetReference(invStd), (nuint)c);
            var rm = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(runningMean), (nuint)c);
            Denormals.Flush(rm * keep + mean * take).StoreUnsafe(ref MemoryMarshal.GetReference(runningMean), (nuint)c);
            var rv = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(runningVar), (nuint)c);
            Denormals.Flush(rv * keep + variance * unbias * take).StoreUnsafe(ref MemoryMarshal.GetReference(runningVar), (nuint)c);
            var g = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(gamma), (nuint)c);
            var bt = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(beta), (nuint)c);
            for (int b = 0; b < batch; b++)
            {
                nuint o = (nuint)(b * channels + c);
                var h = Vector256.LoadUnsafe(ref hr, o) * inv;
                h.StoreUnsafe(ref hr, o);
                (h * g + bt).StoreUnsafe(ref yr, o);
            }
        }
        for (; c < channels; c++)
        {
            float sum = 0f;
            for (int b = 0; b < batch; b++)
                sum += Unsafe.Add(ref xr, b * channels + c);
            float mean = sum * invN;
            float squares = 0f;
            for (int b = 0; b < batch; b++)
            {
                int o = b * channels + c;
                float d = Unsafe.Add(ref xr, o) - mean;
                Unsafe.Add(ref hr, o) = d;
                squares += d * d;
            }
            float variance = squares * invN;
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            invStd[c] = inv;
            runningMean[c] = Denormals.Flush(runningMean[c] * keep + mean * take);
            runningVar[c] = Denormals.Flush(runningVar[c] * keep + variance * unbias * take);
            float g = gamma[c], bt = beta[c];
            for (int b = 0; b < batch; b++)
            {
                int o = b * channels + c;
                float h = Unsafe.Add(ref hr, o) * inv;
                Unsafe.Add(ref hr, o) = h;
                Unsafe.Add(ref yr, o) = h * g + bt;
            }
        }
    }

    /// <summary>Inference forward: <c>y = γ·(x − running mean)/√(running variance + ε) + β</c>.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void ForwardInference(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> output,
        int batch, int channels, int spatial, float epsilon)
    {
        Check(batch, channels, spatial, x.Length, nameof(x));
        CheckChannels(channels, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, channels, "");
        KernelCheck.AtLeast(output.Length, (long)batch * channels * spatial, nameof(output), Name);

        if (spatial == 1)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(output);
            for (int c0 = 0; c0 < channels; c0 += Vector256<float>.Count)
            {
                if (c0 + Vector256<float>.Count > channels)
                {
                    for (int c = c0; c < channels; c++)
                    {
                        var (scale, shift) = Affine(gamma[c], beta[c], runningMean[c], runningVar[c], epsilon);
                        for (int b = 0; b < batch; b++)
                            Unsafe.Add(ref yr, b * channels + c) = Unsafe.Add(ref xr, b * channels + c) * scale + shift;
                    }
                    break;
                }
                var g = Vector256.Create(gamma.Slice(c0));
                var rm = Vector256.Create(runningMean.Slice(c0));
                var rv = Vector256.Create(runningVar.Slice(c0));
                var s = g / Vector256.Sqrt(rv + Vector256.Create(epsilon));
                var t = Vector256.Create(beta.Slice(c0)) - rm * s;
                for (int b = 0; b < batch; b++)
                {
                    nuint o = (nuint)(b * channels + c0);
                    (Vector256.LoadUnsafe(ref xr, o) * s + t).StoreUnsafe(ref yr, o);
                }
            }
            return;
        }

        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            var (scale, shift) = Affine(gamma[c], beta[c], runningMean[c], runningVar[c], epsilon);
            for (int b = 0; b < batch; b++)
            {
                int o = b * stride + c * spatial;
                Elementwise.ScaleShift(x.Slice(o, spatial), scale, shift, output.Slice(o, spatial));
            }
        }
    }

    /// <summary>The inference map of one channel as <c>y = scale·x + shift</c>.</summary>
    private static (float Scale, float Shift) Affine(float gamma, float beta, float mean, float variance, float epsilon)
    {
        float scale = gamma / MathF.Sqrt(variance + epsilon);
        return (scale, beta - mean * scale);
    }

    /// <summary>
    /// Backward of <see cref="ForwardTraining"/>, through the batch statistics:
    /// <c>∂L/∂β = Σ g</c>, <c>∂L/∂γ = Σ g·x̂</c> (sums over the <c>n = batch·S</c> values of a channel) and
    /// <c>∂L/∂x = (γ·invStd/n)·(n·g − Σ g − x̂·Σ g·x̂)</c>. Outputs are overwritten, each only when asked;
    /// <paramref name="inputGrad"/> must not overlap any input.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void BackwardTraining(
        ReadOnlySpan<float> xhat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> invStd, ReadOnlySpan<float> outputGrad,
        Span<float> gammaGrad, Span<float> betaGrad, Span<float> inputGrad,
        int batch, int channels, int spatial, bool computeParameterGradients, bool computeInputGradient)
    {
        Check(batch, channels, spatial, xhat.Length, nameof(xhat));
        long total = (long)batch * channels * spatial;
        KernelCheck.AtLeast(outputGrad.Length, total, nameof(outputGrad), Name);
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(gammaGrad.Length, channels, nameof(gammaGrad), Name);
            KernelCheck.AtLeast(betaGrad.Length, channels, nameof(betaGrad), Name);
        }
        if (computeInputGradient)
        {
            KernelCheck.AtLeast(gamma.Length, channels, nameof(gamma), Name);
            KernelCheck.AtLeast(invStd.Length, channels, nameof(invStd), Name);
            KernelCheck.AtLeast(inputGrad.Length, total, nameof(inputGrad), Name);
        }
        if (!computeParameterGradients && !computeInputGradient)
            return;

        int n = batch * spatial;
        if (spatial == 1)
        {
            BackwardTrainingRows(xhat, gamma, invStd, outputGrad, gammaGrad, betaGrad, inputGrad, batch, channels, computeParameterGradients, computeInputGradient);
            return;
        }

        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sumG = 0, sumGx = 0;
            for (int b = 0; b < batch; b++)
            {
                int o = b * stride + c * spatial;
                var g = outputGrad.Slice(o, spatial);
                sumG += TensorPrimitives.Sum(g);
                sumGx += TensorPrimitives.Dot(g, xhat.Slice(o, spatial));
            }
            if (computeParameterGradients)
            {
                gammaGrad[c] = (float)sumGx;
                betaGrad[c] = (float)sumG;
            }
            if (computeInputGradient)
            {
                // dx = k·g + (−k·Σg·x̂/n)·x̂ + (−k·Σg/n), k = γ·invStd.
                double k = (double)gamma[c] * invStd[c];
                float scale = (float)k;
                float onH = (float)(-k * sumGx / n);
                float shift = (float)(-k * sumG / n);
                for (int b = 0; b < batch; b++)
                {
                    int o = b * stride + c * spatial;
                    var dx = inputGrad.Slice(o, spatial);
                    Elementwise.ScaleShift(outputGrad.Slice(o, spatial), scale, shift, dx);
                    TensorPrimitives.MultiplyAdd(xhat.Slice(o, spatial), onH, dx, dx);
                }
            }
        }
    }

    /// <summary><see cref="BackwardTraining"/> for <c>S = 1</c>, eight channels at a time down the batch.</summary>
    private static void BackwardTrainingRows(
        ReadOnlySpan<float> xhat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> invStd, ReadOnlySpan<float> outputGrad,
        Span<float> gammaGrad, Span<float> betaGrad, Span<float> inputGrad,
        int batch, int channels, bool computeParameterGradients, bool computeInputGradient)
    {
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float gr = ref MemoryMarshal.GetReference(outputGrad);
        ref float dr = ref MemoryMarshal.GetReference(inputGrad);
        float invN = 1f / batch;
        int c = 0;
        for (; c <= channels - Vector256<float>.Count; c += Vector256<float>.Count)
        {
            var sumG = Vector256<float>.Zero;
            var sumGx = Vector256<float>.Zero;
            for (int b = 0; b < batch; b++)
            {
                nuint o = (nuint)(b * channels + c);
                var g = Vector256.LoadUnsafe(ref gr, o);
                sumG += g;
                sumGx += g * Vector256.LoadUnsafe(ref hr, o);
            }
            if (computeParameterGradients)
            {
                sumGx.StoreUnsafe(ref MemoryMarshal.GetReference(gammaGrad), (nuint)c);
                sumG.StoreUnsafe(ref MemoryMarshal.GetReference(betaGrad), (nuint)c);
            }
            if (computeInputGradient)
            {
                var k = Vector256.Create(gamma.Slice(c)) * Vector256.Create(invStd.Slice(c));
                var onH = -k * sumGx * invN;
                var shift = -k * sumG * invN;
                for (int b = 0; b < batch; b++)
                {
                    nuint o = (nuint)(b * channels + c);
                    (Vector256.LoadUnsafe(ref gr, o) * k + shift + Vector256.LoadUnsafe(ref hr, o) * onH).StoreUnsafe(ref dr, o);
                }
            }
        }
        for (; c < channels; c++)
        {
            float sumG = 0f, sumGx = 0f;
            for (int b = 0; b < batch; b++)
            {
                int o = b * channels + c;
                float g = Unsafe.Add(ref gr, o);
                sumG += g;
                sumGx += g * Unsafe.Add(ref hr, o);
            }
            if (computeParameterGradients)
            {
                gammaGrad[c] = sumGx;
                betaGrad[c] = sumG;
            }
            if (computeInputGradient)
            {
                float k = gamma[c] * invStd[c];
                float onH = -k * sumGx * invN;
                float shift = -k * sumG * invN;
                for (int b = 0; b < batch; b++)
                {
                    int o = b * channels + c;
                    Unsafe.Add(ref dr, o) = Unsafe.Add(ref gr, o) * k + shift + Unsafe.Add(ref hr, o) * onH;
                }
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardInference"/>, a fixed affine map per channel (for attack gradients
    /// and frozen layers): <c>∂L/∂x = g·γ/√(rv + ε)</c>; <c>∂L/∂γ = Σ g·(x − rm)/√(rv + ε)</c>,
    /// <c>∂L/∂β = Σ g</c>. Outputs are overwritten, each only when asked.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void BackwardInference(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> outputGrad, Span<float> gammaGrad, Span<float> betaGrad, Span<float> inputGrad,
        int batch, int channels, int spatial, float epsilon, bool computeParameterGradients, bool computeInputGradient)
    {
        Check(batch, channels, spatial, outputGrad.Length, nameof(outputGrad));
        long total = (long)batch * channels * spatial;
        KernelCheck.AtLeast(runningVar.Length, channels, nameof(runningVar), Name);
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(x.Length, total, nameof(x), Name);
            KernelCheck.AtLeast(runningMean.Length, channels, nameof(runningMean), Name);
            KernelCheck.AtLeast(gammaGrad.Length, channels, nameof(gammaGrad), Name);
            KernelCheck.AtLeast(betaGrad.Length, channels, nameof(betaGrad), Name);
        }
        if (computeInputGradient)
        {
            KernelCheck.AtLeast(gamma.Length, channels, nameof(gamma), Name);
            KernelCheck.AtLeast(inputGrad.Length, total, nameof(inputGrad), Name);
        }

        if (spatial == 1)
        {
            BackwardInferenceRows(x, gamma, runningMean, runningVar, outputGrad, gammaGrad, betaGrad, inputGrad, batch, channels, epsilon, computeParameterGradients, computeInputGradient);
            return;
        }

        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double std = Math.Sqrt((double)runningVar[c] + epsilon);
            if (computeParameterGradients)
            {
                double sumG = 0, sumGx = 0;
                for (int b = 0; b < batch; b++)
                {
                    int o = b * stride + c * spatial;
                    var g = outputGrad.Slice(o, spatial);
                    sumG += TensorPrimitives.Sum(g);
                    sumGx += TensorPrimitives.Dot(g, x.Slice(o, spatial));
                }
                betaGrad[c] = (float)sumG;
                gammaGrad[c] = (float)((sumGx - runningMean[c] * sumG) / std);
            }
            if (computeInputGradient)
            {
                float scale = (float)(gamma[c] / std);
                for (int b = 0; b < batch; b++)
                {
                    int o = b * stride + c * spatial;
                    TensorPrimitives.Multiply(outputGrad.Slice(o, spatial), scale, inputGrad.Slice(o, spatial));
                }
            }
        }
    }

    /// <summary><see cref="BackwardInference"/> for <c>S = 1</c>, eight channels at a time down the batch.</summary>
    private static void BackwardInferenceRows(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> outputGrad, Span<float> gammaGrad, Span<float> betaGrad, Span<float> inputGrad,
        int batch, int channels, float epsilon, bool computeParameterGradients, bool computeInputGradient)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(outputGrad);
        ref float dr = ref MemoryMarshal.GetReference(inputGrad);
        int c = 0;
        for (; c <= channels - Vector256<float>.Count; c += Vector256<float>.Count)
        {
            var inv = Vector256<float>.One / Vector256.Sqrt(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(runningVar), (nuint)c) + Vector256.Create(epsilon));
            if (computeParameterGradients)
            {
                var rm = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(runningMean), (nuint)c);
                var sumG = Vector256<float>.Zero;
                var sumGx = Vector256<float>.Zero;
                for (int b = 0; b < batch; b++)
                {
                    nuint o = (nuint)(b * channels + c);
                    var g = Vector256.LoadUnsafe(ref gr, o);
                    sumG += g;
                    sumGx += g * (Vector256.LoadUnsafe(ref xr, o) - rm);
                }
                (sumGx * inv).StoreUnsafe(ref MemoryMarshal.GetReference(gammaGrad), (nuint)c);
                sumG.StoreUnsafe(ref MemoryMarshal.GetReference(betaGrad), (nuint)c);
            }
            if (computeInputGradient)
            {
                var scale = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(gamma), (nuint)c) * inv;
                for (int b = 0; b < batch; b++)
                {
                    nuint o = (nuint)(b * channels + c);
                    (Vector256.LoadUnsafe(ref gr, o) * scale).StoreUnsafe(ref dr, o);
                }
            }
        }
        for (; c < channels; c++)
        {
            float inv = 1f / MathF.Sqrt(runningVar[c] + epsilon);
            if (computeParameterGradients)
            {
                float rm = runningMean[c], sumG = 0f, sumGx = 0f;
                for (int b = 0; b < batch; b++)
                {
                    int o = b * channels + c;
                    float g = Unsafe.Add(ref gr, o);
                    sumG += g;
                    sumGx += g * (Unsafe.Add(ref xr, o) - rm);
                }
                gammaGrad[c] = sumGx * inv;
                betaGrad[c] = sumG;
            }
            if (computeInputGradient)
            {
                float scale = gamma[c] * inv;
                for (int b = 0; b < batch; b++)
                {
                    int o = b * channels + c;
                    Unsafe.Add(ref dr, o) = Unsafe.Add(ref gr, o) * scale;
                }
            }
        }
    }

    private static void Check(int batch, int channels, int spatial, int length, string name)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.Positive(channels, nameof(channels));
        KernelCheck.Positive(spatial, nameof(spatial));
        KernelCheck.AtLeast(length, (long)batch * channels * spatial, name, Name);
    }

    private static void CheckChannels(int channels, int gamma, int beta, int runningMean, int runningVar, int extra, string extraName)
    {
        KernelCheck.AtLeast(gamma, channels, "gamma", Name);
        KernelCheck.AtLeast(beta, channels, "beta", Name);
        KernelCheck.AtLeast(runningMean, channels, "runningMean", Name);
        KernelCheck.AtLeast(runningVar, channels, "runningVar", Name);
        if (extraName.Length != 0) KernelCheck.AtLeast(extra, channels, extraName, Name);
    }
}

/// <summary>
/// Layer normalisation: each sample's <c>features</c> values are normalised by their own mean and
/// biased variance, then <c>y = γ ⊙ x̂ + β</c> element-wise (γ, β of length <c>features</c>).
/// </summary>
public static class LayerNorm
{
    private const string Name = "LayerNorm";

    /// <summary>
    /// <c>x̂ = (x − μ)/√(σ² + ε)</c> per sample, <c>y = γ ⊙ x̂ + β</c>; saves <paramref name="xhat"/>
    /// (<c>[batch·features]</c>) and <paramref name="invStd"/> (<c>[batch]</c>) for <see cref="Backward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Forward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> output, Span<float> xhat, Span<float> invStd, int batch, int features, float epsilon)
    {
        Check(batch, features, x.Length, nameof(x));
        KernelCheck.AtLeast(gamma.Length, features, nameof(gamma), Name);
        KernelCheck.AtLeast(beta.Length, features, nameof(beta), Name);
        KernelCheck.AtLeast(output.Length, (long)batch * features, nameof(output), Name);
        KernelCheck.AtLeast(xhat.Length, (long)batch * features, nameof(xhat), Name);
        KernelCheck.AtLeast(invStd.Length, batch, nameof(invStd), Name);
        var g = gamma.Slice(0, features);
        var bt = beta.Slice(0, features);
        for (int b = 0; b < batch; b++)
        {
            int o = b * features;
            var h = xhat.Slice(o, features);
            float mean = TensorPrimitives.Sum(x.Slice(o, features)) / features;
            TensorPrimitives.Subtract(x.Slice(o, features), mean, h);
            float variance = TensorPrimitives.SumOfSquares(h) / features;
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            invStd[b] = inv;
            TensorPrimitives.Multiply(h, inv, h);
            TensorPrimitives.MultiplyAdd(h, g, bt, output.Slice(o, features));
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: with <c>ĝ = g ⊙ γ</c>,
    /// <c>∂L/∂x = (invStd/F)·(F·ĝ − Σ ĝ − x̂·Σ ĝ·x̂)</c> per sample; <c>∂L/∂γ = Σ_samples g ⊙ x̂</c>,
    /// <c>∂L/∂β = Σ_samples g</c>. Outputs are overwritten, each only when asked.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need, or a size is not positive.</exception>
    public static void Backward(
        ReadOnlySpan<float> xhat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> invStd, ReadOnlySpan<float> outputGrad,
        Span<float> gammaGrad, Span<float> betaGrad, Span<float> inputGrad,
        int batch, int features, bool computeParameterGradients, bool computeInputGradient)
    {
        Check(batch, features, xhat.Length, nameof(xhat));
        KernelCheck.AtLeast(outputGrad.Length, (long)batch * features, nameof(outputGrad), Name);
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(gammaGrad.Length, features, nameof(gammaGrad), Name);
            KernelCheck.AtLeast(betaGrad.Length, features, nameof(betaGrad), Name);
            gammaGrad.Slice(0, features).Clear();
            betaGrad.Slice(0, features).Clear();
        }
        if (computeInputGradient)
        {
            KernelCheck.AtLeast(gamma.Length, features, nameof(gamma), Name);
            KernelCheck.AtLeast(invStd.Length, batch, nameof(invStd), Name);
            KernelCheck.AtLeast(inputGrad.Length, (long)batch * features, nameof(inputGrad), Name);
        }

        var gg = computeParameterGradients ? gammaGrad.Slice(0, features) : default;
        var bg = computeParameterGradients ? betaGrad.Slice(0, features) : default;
        var gm = computeInputGradient ? gamma.Slice(0, features) : default;
        for (int b = 0; b < batch; b++)
        {
            int o = b * features;
            var g = outputGrad.Slice(o, features);
            var h = xhat.Slice(o, features);
            // Parameter sums first, so the input gradient may even be written over outputGrad.
            if (computeParameterGradients)
            {
                TensorPrimitives.MultiplyAdd(g, h, gg, gg);
                TensorPrimitives.Add(bg, g, bg);
            }
            if (computeInputGradient)
            {
                var dx = inputGrad.Slice(o, features);
                TensorPrimitives.Multiply(g, gm, dx); // ĝ
                float sumG = TensorPrimitives.Sum(dx);
                float sumGx = TensorPrimitives.Dot(dx, h);
                float inv = invStd[b];
                // dx = inv·ĝ − inv·Σĝ/F − x̂·inv·Σĝx̂/F
                Elementwise.ScaleShift(dx, inv, -inv * sumG / features, dx);
                TensorPrimitives.MultiplyAdd(h, -inv * sumGx / features, dx, dx);
            }
        }
    }

    private static void Check(int batch, int features, int length, string name)
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        KernelCheck.Positive(features, nameof(features));
        KernelCheck.AtLeast(length, (long)batch * features, name, Name);
    }
}

/// <summary>Small element-wise maps TensorPrimitives has no single call for.</summary>
internal static class Elementwise
{
    /// <summary><c>y = x·scale + shift</c>; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int n = x.Length;
        KernelCheck.AtLeast(y.Length, n, nameof(y), nameof(ScaleShift));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (n >= Vector256<float>.Count)
        {
            var a = Vector256.Create(scale);
            var b = Vector256.Create(shift);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) * a + b).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = Unsafe.Add(ref xr, i) * scale + shift;
    }
}
