using System;
using System.Collections.Generic;
using Axon.Optimizers;

namespace Axon.Runtime.Tests.Training;

/// <summary>
/// A hand-written linear softmax classifier, <c>z = W·x + b</c> with softmax cross-entropy and
/// plain SGD: a real model that learns, allocates nothing per step, and needs no generator.
/// </summary>
internal sealed class LinearSoftmaxModel : IModel
{
    public float InputMin => float.NegativeInfinity;
    public float InputMax => float.PositiveInfinity;
    public float InputGradient(in Batch batch, Span<float> inputGradient) => throw new NotSupportedException("test double");

    private readonly float[] _w, _b, _z, _gw, _gb;
    private readonly float _learningRate;

    public LinearSoftmaxModel(int inputs, int classes, int maxBatchSize = 64, float learningRate = 0.1f)
    {
        InputSize = inputs;
        OutputSize = classes;
        MaxBatchSize = maxBatchSize;
        _learningRate = learningRate;
        _w = new float[classes * inputs];
        _b = new float[classes];
        _z = new float[maxBatchSize * classes];
        _gw = new float[classes * inputs];
        _gb = new float[classes];
        var rng = new Rng(1);
        float bound = 1f / MathF.Sqrt(inputs);
        for (int i = 0; i < _w.Length; i++) _w[i] = rng.NextUniform(-bound, bound);
    }

    public string Name => "LinearSoftmax";
    public int InputSize { get; }
    public int OutputSize { get; }
    public int ParameterCount => _w.Length + _b.Length;
    public int MaxBatchSize { get; }
    public TargetKind TargetKind => TargetKind.ClassIndex;
    public bool HasAccuracy => true;
    public IReadOnlyList<Layer> Layers => [];
    public Optimizer Optimizer { get; } = new Sgd();
    public int TrainSteps { get; private set; }

    private void Forward(ReadOnlySpan<float> x, int n)
    {
        if (n > MaxBatchSize) throw new ArgumentException($"batch {n} > {MaxBatchSize}");
        int k = OutputSize, d = InputSize;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < k; c++)
            {
                float s = _b[c];
                var w = _w.AsSpan(c * d, d);
                var row = x.Slice(r * d, d);
                for (int j = 0; j < d; j++) s += w[j] * row[j];
                _z[r * k + c] = s;
            }
    }

    /// <summary>Turns row r of the logits into probabilities; returns -log p[label].</summary>
    private float Softmax(int r, int label)
    {
        var z = _z.AsSpan(r * OutputSize, OutputSize);
        float max = float.NegativeInfinity;
        foreach (float v in z) max = MathF.Max(max, v);
        float sum = 0;
        for (int c = 0; c < z.Length; c++) { z[c] = MathF.Exp(z[c] - max); sum += z[c]; }
        for (int c = 0; c < z.Length; c++) z[c] /= sum;
        return -MathF.Log(MathF.Max(z[label], 1e-30f));
    }

    public float TrainStep(in Batch batch)
    {
        int n = batch.Count, k = OutputSize, d = InputSize;
        Forward(batch.Inputs, n);
        Array.Clear(_gw);
        Array.Clear(_gb);
        float loss = 0;
        for (int r = 0; r < n; r++)
        {
            loss += Softmax(r, batch.Labels[r]);
            var x = batch.Inputs.Slice(r * d, d);
            for (int c = 0; c < k; c++)
            {
                float g = (_z[r * k + c] - (c == batch.Labels[r] ? 1f : 0f)) / n;
                _gb[c] += g;
                var gw = _gw.AsSpan(c * d, d);
                for (int j = 0; j < d; j++) gw[j] += g * x[j];
            }
        }
        for (int i = 0; i < _w.Length; i++) _w[i] -= _learningRate * _gw[i];
        for (int i = 0; i < _b.Length; i++) _b[i] -= _learningRate * _gb[i];
        TrainSteps++;
        return loss / n;
    }

    public BatchResult EvaluateBatch(in Batch batch)
    {
        int n = batch.Count, k = OutputSize;
        Forward(batch.Inputs, n);
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < n; r++)
        {
            var z = _z.AsSpan(r * k, k);
            int best = 0;
            for (int c = 1; c < k; c++) if (z[c] > z[best]) best = c;
            if (best == batch.Labels[r]) correct++;
            loss += Softmax(r, batch.Labels[r]);
        }
        return new BatchResult(loss, correct);
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = inputs.Length / InputSize;
        Forward(inputs, n);
        _z.AsSpan(0, n * OutputSize).CopyTo(outputs);
    }

    public void Save(string path) => throw new NotSupportedException();
    public void Load(string path) => throw new NotSupportedException();
}

/// <summary>
/// Records what the trainer hands it: which sample ids (feature 0) were trained on and
/// evaluated, and the batch sizes. Returns a fixed loss.
/// </summary>
internal sealed class RecordingModel(int inputs, int outputs, int maxBatchSize, TargetKind kind = TargetKind.ClassIndex) : IModel
{
    public float InputMin => float.NegativeInfinity;
    public float InputMax => float.PositiveInfinity;
    public float InputGradient(in Batch batch, Span<float> inputGradient) => throw new NotSupportedException("test double");

    public List<List<int>> TrainedPerEpoch { get; } = [];
    public List<int> Evaluated { get; } = [];
    public List<int> TrainBatchSizes { get; } = [];
    public List<int> EvaluateBatchSizes { get; } = [];

    public string Name => "Recorder";
    public int InputSize => inputs;
    public int OutputSize => outputs;
    public int ParameterCount => 0;
    public int MaxBatchSize => maxBatchSize;
    public TargetKind TargetKind => kind;
    public bool HasAccuracy => kind == TargetKind.ClassIndex;
    public IReadOnlyList<Layer> Layers => [];
    public Optimizer Optimizer { get; } = new Sgd();
    public float StepLoss { get; set; } = 0.5f;

    public void BeginEpoch() => TrainedPerEpoch.Add([]);

    public float TrainStep(in Batch batch)
    {
        if (batch.Count > maxBatchSize) throw new InvalidOperationException("batch too large");
        CheckTargets(batch);
        if (TrainedPerEpoch.Count == 0) BeginEpoch();
        for (int i = 0; i < batch.Count; i++) TrainedPerEpoch[^1].Add((int)batch.Inputs[i * inputs]);
        TrainBatchSizes.Add(batch.Count);
        return StepLoss;
    }

    public BatchResult EvaluateBatch(in Batch batch)
    {
        if (batch.Count > maxBatchSize) throw new InvalidOperationException("batch too large");
        CheckTargets(batch);
        for (int i = 0; i < batch.Count; i++) Evaluated.Add((int)batch.Inputs[i * inputs]);
        EvaluateBatchSizes.Add(batch.Count);
        // Loss 0.25 per sample; "correct" when the id is even, so the accuracy is checkable.
        int correct = 0;
        for (int i = 0; i < batch.Count; i++) if ((int)batch.Inputs[i * inputs] % 2 == 0) correct++;
        return new BatchResult(0.25 * batch.Count, kind == TargetKind.ClassIndex ? correct : 0);
    }

    private void CheckTargets(in Batch batch)
    {
        if (kind == TargetKind.ClassIndex && (batch.Labels.Length != batch.Count || !batch.Targets.IsEmpty))
            throw new InvalidOperationException("expected labels only");
        if (kind == TargetKind.Values && (batch.Targets.Length != batch.Count * outputs || !batch.Labels.IsEmpty))
            throw new InvalidOperationException("expected targets only");
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) => outputs.Clear();
    public void Save(string path) => throw new NotSupportedException();
    public void Load(string path) => throw new NotSupportedException();
}
