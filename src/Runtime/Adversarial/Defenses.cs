using System;
using System.Collections.Generic;

namespace Axon.Adversarial;

/// <summary>
/// Input transformations used as defences: Gaussian noise for training-time augmentation
/// (<see cref="Training.FitOptions.GaussianNoise"/>) and the feature squeezers of Xu, Evans and Qi (2018),
/// bit-depth reduction and median smoothing, for inference-time preprocessing (<see cref="SqueezedModel"/>).
/// All write into the caller's buffer and allocate nothing.
/// </summary>
/// <remarks>
/// <b>Warning: preprocessing alone is not a defence against an attacker who knows about it.</b> Athalye,
/// Carlini and Wagner (2018, "Obfuscated gradients give a false sense of security") broke feature squeezing
/// and similar input transformations with adaptive attacks, for example by differentiating through the
/// squeezer as if it were the identity (BPDA, what <see cref="SqueezedModel.InputGradient"/> does). A squeezer
/// that raises the accuracy under attacks computed on the bare model shows only that those attacks were not
/// adaptive; report robustness with the attacks run on the <see cref="SqueezedModel"/> itself.
/// </remarks>
public static class Defenses
{
    /// <summary>
    /// <c>outputs = clip(inputs + σ·n, min, max)</c> with <c>n</c> standard normal per value from <paramref name="rng"/>
    /// (Box-Muller, <see cref="Rng.NextGaussian"/>): deterministic for a given generator state.
    /// </summary>
    /// <param name="inputs">Values to perturb.</param>
    /// <param name="outputs">Receives the noisy values; same length (may be <paramref name="inputs"/>' memory).</param>
    /// <param name="sigma">Standard deviation σ ≥ 0.</param>
    /// <param name="rng">The generator; it advances by the values drawn.</param>
    /// <param name="min">Smallest valid value (the model's <see cref="IModel.InputMin"/>).</param>
    /// <param name="max">Largest valid value (<see cref="IModel.InputMax"/>).</param>
    public static void AddGaussianNoise(ReadOnlySpan<float> inputs, Span<float> outputs, float sigma, ref Rng rng, float min, float max)
    {
        if (!(sigma >= 0f) || float.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be finite and non-negative.");
        if (outputs.Length != inputs.Length)
            throw new ArgumentException($"outputs has {outputs.Length} values; expected {inputs.Length}, as inputs.", nameof(outputs));
        for (int i = 0; i < inputs.Length; i++)
            outputs[i] = Math.Clamp(inputs[i] + sigma * rng.NextGaussian(), min, max);
    }

    /// <summary>
    /// Bit-depth reduction to <paramref name="bits"/> bits over <c>[min, max]</c> (Xu et al., 2018):
    /// with <c>L = 2^bits − 1</c>, <c>x̃ = min + round((clip(x) − min)/(max − min)·L)/L·(max − min)</c>, rounding
    /// half to even (as NumPy's <c>rint</c>). Every output is one of the <c>L + 1</c> levels, inside the range;
    /// applying it twice changes nothing.
    /// </summary>
    /// <param name="inputs">Values in (or clipped to) <c>[min, max]</c>.</param>
    /// <param name="outputs">Receives the squeezed values; same length (may be <paramref name="inputs"/>' memory).</param>
    /// <param name="bits">Bits per value, 1 to 24.</param>
    /// <param name="min">The declared smallest value; finite.</param>
    /// <param name="max">The declared largest value; finite and greater than <paramref name="min"/>.</param>
    public static void ReduceBitDepth(ReadOnlySpan<float> inputs, Span<float> outputs, int bits, float min, float max)
    {
        CheckBits(bits, min, max);
        if (outputs.Length != inputs.Length)
            throw new ArgumentException($"outputs has {outputs.Length} values; expected {inputs.Length}, as inputs.", nameof(outputs));
        float levels = (1 << bits) - 1, range = max - min;
        for (int i = 0; i < inputs.Length; i++)
        {
            float u = (Math.Clamp(inputs[i], min, max) - min) / range;
            outputs[i] = Math.Clamp(min + MathF.Round(u * levels) / levels * range, min, max);
        }
    }

    /// <summary>
    /// Median smoothing (Xu et al., 2018) of one or more images stored <c>[n, C, H, W]</c> (use <c>C = 1</c> for
    /// <c>[H, W]</c>): every output pixel is the median of the <c>k×k</c> window of its channel at row offsets
    /// and column offsets <c>−⌊k/2⌋ … k − 1 − ⌊k/2⌋</c>, with the image's edge values repeated beyond the border;
    /// for even k (2×2 in the paper) the upper of the two middle values, as SciPy's <c>median_filter</c>.
    /// </summary>
    /// <param name="inputs">The images, <c>n·C·H·W</c> values.</param>
    /// <param name="outputs">Receives the smoothed images; same length, must not overlap <paramref name="inputs"/>.</param>
    /// <param name="channels">C ≥ 1.</param>
    /// <param name="height">H ≥ 1.</param>
    /// <param name="width">W ≥ 1.</param>
    /// <param name="window">k, 1 to 5 (1 copies).</param>
    public static void MedianSmooth(ReadOnlySpan<float> inputs, Span<float> outputs, int channels, int height, int width, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (window is < 1 or > 5)
            throw new ArgumentOutOfRangeException(nameof(window), window, "the median window must be 1 to 5 pixels wide.");
        int plane = height * width;
        if (inputs.Length % plane != 0 || (inputs.Length / plane) % channels != 0)
            throw new ArgumentException($"inputs has {inputs.Length} values; expected a multiple of {channels}·{height}·{width} = {channels * plane}.", nameof(inputs));
        if (outputs.Length != inputs.Length)
            throw new ArgumentException($"outputs has {outputs.Length} values; expected {inputs.Length}, as inputs.", nameof(outputs));
        Span<float> values = stackalloc float[25];
        int before = window / 2, count = window * window;
        for (int p = 0; p < inputs.Length; p += plane)
        {
            var src = inputs.Slice(p, plane);
            var dst = outputs.Slice(p, plane);
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++)
                {
                    int m = 0;
                    for (int dr = 0; dr < window; dr++)
                    {
                        int rr = Math.Clamp(r + dr - before, 0, height - 1);
                        for (int dc = 0; dc < window; dc++)
                        {
                            float v = src[rr * width + Math.Clamp(c + dc - before, 0, width - 1)];
                            int k = m++;
                            while (k > 0 && values[k - 1] > v) { values[k] = values[k - 1]; k--; }
                            values[k] = v;
                        }
                    }
                    dst[r * width + c] = values[count / 2];
                }
        }
    }

    internal static void CheckBits(int bits, float min, float max)
    {
        if (bits is < 1 or > 24)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "bit depth must be 1 to 24 bits.");
        if (!float.IsFinite(min) || !float.IsFinite(max) || !(max > min))
            throw new ArgumentException(
                $"bit-depth reduction needs a finite input range, got [{min}, {max}]; declare it with [Input(..., Min = ..., Max = ...)].");
    }
}

/// <summary>Settings of <see cref="SqueezedModel"/>: which squeezers run, in the order median smoothing, then bit depth.</summary>
public sealed class FeatureSqueezing
{
    /// <summary>Bit depth b of <see cref="Defenses.ReduceBitDepth"/> over the model's declared range, 1 to 24; 0 turns it off. Default: 0. Xu et al. used 1 bit on MNIST and 5 on CIFAR-10.</summary>
    public int Bits { get; init; }

    /// <summary>Window k of <see cref="Defenses.MedianSmooth"/>, 2 to 5; 0 or 1 turns it off (needs <see cref="ImageShape"/>). Default: 0. Xu et al. used 2×2 on MNIST and CIFAR-10.</summary>
    public int MedianWindow { get; init; }

    /// <summary>The layout of one sample for median smoothing: <c>[C, H, W]</c> or <c>[H, W]</c>, whose product is the input size. Default: null.</summary>
    public IReadOnlyList<int>? ImageShape { get; init; }
}

/// <summary>
/// A model behind a feature squeezer (Xu, Evans and Qi, 2018): <see cref="Predict"/>, <see cref="EvaluateBatch"/>
/// and <see cref="TrainStep"/> see <c>s(x)</c> instead of <c>x</c>, where <c>s</c> is median smoothing then bit-depth
/// reduction (<see cref="FeatureSqueezing"/>). Parameters, layers, optimizer and files are the wrapped model's.
/// One buffer of <c>MaxBatchSize × InputSize</c> floats is allocated at construction; nothing afterwards.
/// </summary>
/// <remarks>
/// <b>Warning: this is not a robust defence by itself.</b> Squeezing has zero gradient almost everywhere,
/// which only hides the gradient from naive attacks (Athalye, Carlini and Wagner, 2018). So that the attacks and
/// <see cref="RobustnessReport"/> run on this wrapper are <i>adaptive</i>, <see cref="InputGradient"/> returns
/// the straight-through (BPDA) gradient <c>∇L(s(x))</c>, treating <c>s</c> as the identity on the backward pass.
/// The detection variant of Xu et al. (compare the predictions on <c>x</c> and <c>s(x)</c>) is
/// <see cref="FeatureSqueezingDetector"/>.
/// </remarks>
public sealed class SqueezedModel : IModel
{
    private readonly IModel _inner;
    private readonly FeatureSqueezing _squeezing;
    private readonly int _channels, _height, _width;
    private readonly float[] _buffer;
    private readonly string _name;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    /// <param name="model">The model that receives the squeezed inputs.</param>
    /// <param name="squeezing">Which squeezers; at least one must be on.</param>
    /// <exception cref="ArgumentException">No squeezer is on, the image shape does not match the input size, or bit-depth reduction is asked of a model without a finite input range.</exception>
    public SqueezedModel(IModel model, FeatureSqueezing squeezing)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(squeezing);
        bool median = squeezing.MedianWindow > 1;
        if (squeezing.Bits == 0 && !median)
            throw new ArgumentException("no squeezer is on: set Bits (1 to 24) or MedianWindow (2 to 5).", nameof(squeezing));
        if (squeezing.Bits != 0) Defenses.CheckBits(squeezing.Bits, model.InputMin, model.InputMax);
        if (median)
        {
            if (squeezing.MedianWindow > 5)
                throw new ArgumentOutOfRangeException(nameof(squeezing), squeezing.MedianWindow, "MedianWindow must be 2 to 5 (0 or 1: off).");
            var shape = squeezing.ImageShape;
            if (shape is null || shape.Count is not (2 or 3))
                throw new ArgumentException("median smoothing needs ImageShape, [C, H, W] or [H, W].", nameof(squeezing));
            (_channels, _height, _width) = shape.Count == 3 ? (shape[0], shape[1], shape[2]) : (1, shape[0], shape[1]);
            if (_channels < 1 || _height < 1 || _width < 1 || (long)_channels * _height * _width != model.InputSize)
                throw new ArgumentException(
                    $"ImageShape [{string.Join(", ", shape)}] does not describe {model.Name}'s {model.InputSize} inputs.", nameof(squeezing));
        }
        _inner = model;
        _squeezing = squeezing;
        _buffer = new float[model.MaxBatchSize * model.InputSize];
        _name = model.Name + "+squeeze";   // built once: every call's argument checks name the model
    }

    /// <summary>The wrapped model.</summary>
    public IModel Inner => _inner;

    /// <summary>Writes <c>s(x)</c> for every sample of <paramref name="inputs"/> into <paramref name="outputs"/> (same length, not overlapping).</summary>
    public void Squeeze(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        Guard.Rows(inputs.Length, InputSize, "inputs", Name);
        Guard.Length(outputs.Length, inputs.Length, "outputs", Name);
        ReadOnlySpan<float> source = inputs;
        if (_squeezing.MedianWindow > 1)
        {
            Defenses.MedianSmooth(inputs, outputs, _channels, _height, _width, _squeezing.MedianWindow);
            source = outputs;
        }
        if (_squeezing.Bits != 0) Defenses.ReduceBitDepth(source, outputs, _squeezing.Bits, InputMin, InputMax);
    }

    /// <summary>The wrapped model's name with <c>+squeeze</c>.</summary>
    public string Name => _name;

    /// <inheritdoc/>
    public int InputSize => _inner.InputSize;

    /// <inheritdoc/>
    public int OutputSize => _inner.OutputSize;

    /// <inheritdoc/>
    public int ParameterCount => _inner.ParameterCount;

    /// <inheritdoc/>
    public int MaxBatchSize => _inner.MaxBatchSize;

    /// <inheritdoc/>
    public TargetKind TargetKind => _inner.TargetKind;

    /// <inheritdoc/>
    public bool HasAccuracy => _inner.HasAccuracy;

    /// <inheritdoc/>
    public IReadOnlyList<Layer> Layers => _inner.Layers;

    /// <inheritdoc/>
    public Optimizers.Optimizer Optimizer => _inner.Optimizer;

    /// <inheritdoc/>
    public float InputMin => _inner.InputMin;

    /// <inheritdoc/>
    public float InputMax => _inner.InputMax;

    /// <summary>The wrapped model's per-column ranges and kinds.</summary>
    public InputConstraints InputConstraints => _inner.InputConstraints;

    /// <summary>A training step of the wrapped model on the squeezed inputs.</summary>
    public float TrainStep(in Batch batch)
    {
        Guard.Batch(batch.Count, MaxBatchSize, Name);
        var x = Squeezed(batch.Inputs, batch.Count);
        return _inner.TrainStep(new Batch(x, batch.Labels, batch.Targets, batch.Count));
    }

    /// <summary>The wrapped model's loss and correct count on the squeezed inputs.</summary>
    public BatchResult EvaluateBatch(in Batch batch)
    {
        Guard.Batch(batch.Count, MaxBatchSize, Name);
        var x = Squeezed(batch.Inputs, batch.Count);
        return _inner.EvaluateBatch(new Batch(x, batch.Labels, batch.Targets, batch.Count));
    }

    /// <summary>The wrapped model's outputs for the squeezed inputs; any number of samples.</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = Guard.Rows(inputs.Length, InputSize, "inputs", Name);
        Guard.Length(outputs.Length, n * OutputSize, "outputs", Name);
        for (int start = 0; start < n; start += MaxBatchSize)
        {
            int m = Math.Min(MaxBatchSize, n - start);
            var x = Squeezed(inputs.Slice(start * InputSize, m * InputSize), m);
            _inner.Predict(x, outputs.Slice(start * OutputSize, m * OutputSize));
        }
    }

    /// <summary>
    /// The straight-through (BPDA) input gradient: <c>∇L(s(x))</c>, the wrapped model's per-sample gradient at the
    /// squeezed input, used as the gradient at <c>x</c> (the squeezer treated as the identity on the backward
    /// pass), so gradient attacks on this wrapper are adaptive. Any number of samples. Returns the mean loss at <c>s(x)</c>.
    /// </summary>
    public float InputGradient(in Batch batch, Span<float> inputGradient)
    {
        int n = batch.Count, f = InputSize, t = batch.Labels.IsEmpty ? OutputSize : 1;
        Guard.Length(batch.Inputs.Length, n * f, "inputs", Name);
        Guard.Length(inputGradient.Length, n * f, "inputGradient", Name);
        double loss = 0;
        for (int start = 0; start < n; start += MaxBatchSize)
        {
            int m = Math.Min(MaxBatchSize, n - start);
            var x = Squeezed(batch.Inputs.Slice(start * f, m * f), m);
            var chunk = batch.Labels.IsEmpty
                ? new Batch(x, default, batch.Targets.Slice(start * t, m * t), m)
                : new Batch(x, batch.Labels.Slice(start, m), default, m);
            loss += (double)_inner.InputGradient(chunk, inputGradient.Slice(start * f, m * f)) * m;
        }
        return (float)(loss / n);
    }

    /// <inheritdoc/>
    public void Save(string path) => _inner.Save(path);

    /// <inheritdoc/>
    public void Load(string path) => _inner.Load(path);

    private ReadOnlySpan<float> Squeezed(ReadOnlySpan<float> inputs, int count)
    {
        Guard.Length(inputs.Length, count * InputSize, "inputs", Name);
        var x = _buffer.AsSpan(0, count * InputSize);
        Squeeze(inputs, x);
        return x;
    }
}
