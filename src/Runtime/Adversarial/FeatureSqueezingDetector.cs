using System;
using System.Collections.Generic;

namespace Axon.Adversarial;

/// <summary>
/// The detection form of feature squeezing (Xu, Evans and Qi, 2018, "Feature squeezing: detecting adversarial
/// examples in deep neural networks"): an input is flagged when the model's prediction moves too much under
/// squeezing. The score of a sample <c>x</c> is
/// <c>score(x) = max_i ‖softmax(f(x)) − softmax(f(s_i(x)))‖₁</c> over the squeezers <c>s_i</c> (each a
/// <see cref="FeatureSqueezing"/>: bit-depth reduction, median smoothing, or both in sequence), a value in
/// <c>[0, 2]</c>; <see cref="Calibrate"/> sets the threshold from clean inputs at a chosen false-positive rate,
/// and <see cref="Detect"/> flags every sample whose score exceeds it.
/// </summary>
/// <remarks>
/// <para>
/// Natural inputs barely change under squeezing, while adversarial perturbations, which live in the low bits and
/// in isolated pixels, are largely removed by it, so the prediction jumps. Xu et al. used 1-bit depth and 2×2
/// median smoothing on MNIST, with the threshold at a 5% false-positive rate on clean inputs.
/// </para>
/// <para>
/// <b>Warning: a detector is not a defence against an attacker who knows it.</b> He et al. (2017, "Adversarial
/// example defenses: ensembles of weak defenses are not strong") found adversarial examples that evade feature
/// squeezing detection with small extra perturbation. Report detection rates against the attacks you tried, and
/// keep adversarial training as the defence.
/// </para>
/// <para>
/// Class-index (softmax cross-entropy) models only. Buffers for <see cref="IModel.MaxBatchSize"/> samples are
/// allocated at construction; <see cref="Score"/> and <see cref="Detect"/> allocate nothing and take any number of
/// samples.
/// </para>
/// </remarks>
public sealed class FeatureSqueezingDetector
{
    private readonly IModel _model;
    private readonly SqueezedModel[] _squeezed;
    private readonly float[] _squeezedInputs, _logits, _probabilities, _squeezedProbabilities, _scores;

    /// <summary>A detector for <paramref name="model"/> with the given squeezers (at least one).</summary>
    /// <exception cref="NotSupportedException">The model is not a class-index model.</exception>
    /// <exception cref="ArgumentException">No squeezer is given, or one is invalid for the model (see <see cref="SqueezedModel"/>).</exception>
    public FeatureSqueezingDetector(IModel model, params FeatureSqueezing[] squeezers)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(squeezers);
        if (model.TargetKind != TargetKind.ClassIndex)
            throw new NotSupportedException(
                $"{model.Name} is trained against values, not class indices: feature squeezing detection compares softmax distributions.");
        if (squeezers.Length == 0)
            throw new ArgumentException("give at least one squeezer (for images: Bits = 1 and MedianWindow = 2, as Xu et al.).", nameof(squeezers));
        _model = model;
        _squeezed = new SqueezedModel[squeezers.Length];
        for (int i = 0; i < squeezers.Length; i++)
            _squeezed[i] = new SqueezedModel(model, squeezers[i] ?? throw new ArgumentNullException(nameof(squeezers), $"squeezer {i} is null."));
        int batch = model.MaxBatchSize, k = model.OutputSize;
        _squeezedInputs = new float[batch * model.InputSize];
        _logits = new float[batch * k];
        _probabilities = new float[batch * k];
        _squeezedProbabilities = new float[batch * k];
        _scores = new float[batch];
    }

    /// <summary>
    /// The score above which <see cref="Detect"/> flags a sample. Default: +∞ (nothing flagged) until
    /// <see cref="Calibrate"/> sets it.
    /// </summary>
    public float Threshold { get; private set; } = float.PositiveInfinity;

    /// <summary>The squeezers, in the order given.</summary>
    public IReadOnlyList<SqueezedModel> Squeezers => _squeezed;

    /// <summary>
    /// <c>score(x)</c> for every sample of <paramref name="inputs"/> (<c>[n, InputSize]</c>) into
    /// <paramref name="scores"/> (<c>[n]</c>). No allocation.
    /// </summary>
    public void Score(ReadOnlySpan<float> inputs, Span<float> scores)
    {
        int n = Guard.Rows(inputs.Length, _model.InputSize, "inputs", _model.Name);
        Guard.Length(scores.Length, n, "scores", _model.Name);
        Guard.Finite(inputs, "inputs");
        int f = _model.InputSize, k = _model.OutputSize;
        for (int start = 0; start < n; start += _model.MaxBatchSize)
        {
            int m = Math.Min(_model.MaxBatchSize, n - start);
            var x = inputs.Slice(start * f, m * f);
            var score = scores.Slice(start, m);
            Probabilities(x, _probabilities.AsSpan(0, m * k), m);
            score.Clear();
            foreach (var squeezer in _squeezed)
            {
                var squeezedX = _squeezedInputs.AsSpan(0, m * f);
                squeezer.Squeeze(x, squeezedX);
                Probabilities(squeezedX, _squeezedProbabilities.AsSpan(0, m * k), m);
                for (int i = 0; i < m; i++)
                {
                    float l1 = 0;
                    for (int j = 0; j < k; j++)
                        l1 += MathF.Abs(_probabilities[i * k + j] - _squeezedProbabilities[i * k + j]);
                    score[i] = MathF.Max(score[i], l1);
                }
            }
        }
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> so that at most a fraction <paramref name="falsePositiveRate"/> of the clean
    /// <paramref name="cleanInputs"/> score above it: the <c>⌈(1 − rate)·n⌉</c>-th smallest clean score (Xu et al.:
    /// 5%). Calibrate on clean data that is not the data you report on. Returns the threshold.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">No samples, or a length that is not whole samples.</exception>
    public float Calibrate(ReadOnlySpan<float> cleanInputs, double falsePositiveRate = 0.05)
    {
        if (!(falsePositiveRate > 0 && falsePositiveRate < 1))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, $"the false-positive rate is {falsePositiveRate}; expected a fraction in (0, 1), such as 0.05.");
        int n = Guard.Rows(cleanInputs.Length, _model.InputSize, "cleanInputs", _model.Name);
        if (n == 0) throw new ArgumentException("calibration needs at least one clean sample.", nameof(cleanInputs));
        var scores = new float[n];   // once per calibration, not per detection
        Score(cleanInputs, scores);
        Array.Sort(scores);
        int rank = (int)Math.Ceiling((1 - falsePositiveRate) * n) - 1;
        Threshold = scores[Math.Clamp(rank, 0, n - 1)];
        return Threshold;
    }

    /// <summary>
    /// Flags each sample whose <see cref="Score"/> exceeds <see cref="Threshold"/>; returns how many were flagged.
    /// No allocation.
    /// </summary>
    public int Detect(ReadOnlySpan<float> inputs, Span<bool> flagged)
    {
        int n = Guard.Rows(inputs.Length, _model.InputSize, "inputs", _model.Name);
        Guard.Length(flagged.Length, n, "flagged", _model.Name);
        int f = _model.InputSize, count = 0;
        for (int start = 0; start < n; start += _model.MaxBatchSize)
        {
            int m = Math.Min(_model.MaxBatchSize, n - start);
            var scores = _scores.AsSpan(0, m);
            Score(inputs.Slice(start * f, m * f), scores);
            for (int i = 0; i < m; i++)
            {
                bool flag = scores[i] > Threshold;
                flagged[start + i] = flag;
                if (flag) count++;
            }
        }
        return count;
    }

    private void Probabilities(ReadOnlySpan<float> x, Span<float> probabilities, int m)
    {
        int k = _model.OutputSize;
        var logits = _logits.AsSpan(0, m * k);
        _model.Predict(x, logits);
        for (int i = 0; i < m; i++)
            Kernels.Softmax.Row(logits.Slice(i * k, k), probabilities.Slice(i * k, k));
    }
}
