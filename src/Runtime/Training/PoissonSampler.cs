using System;
using Axon.Data;

namespace Axon.Training;

/// <summary>
/// Poisson-sampled batches for DP-SGD: every step, each sample joins with probability <c>q</c>, independently, drawn from one
/// <see cref="Rng"/> by geometric skips (the gap to the next chosen sample is <c>⌊log u / log(1 − q)⌋</c>), so a step costs
/// <c>O(q·N)</c> draws. Rows are gathered into buffers sized for <c>B + 8√B + 16</c> samples; a larger draw (probability below
/// 10⁻¹⁴) grows them once.
/// </summary>
internal sealed class PoissonSampler
{
    private readonly Dataset _data;
    private readonly double _logKeep;
    private float[] _inputs;
    private int[]? _labels;
    private float[]? _targets;
    private Rng _rng;

    public PoissonSampler(Dataset data, int expectedBatchSize, long seed)
    {
        _data = data;
        SampleRate = Math.Min(1.0, (double)expectedBatchSize / data.Count);
        _logKeep = Math.Log(1 - SampleRate);
        StepsPerEpoch = (int)(((long)data.Count + expectedBatchSize - 1) / expectedBatchSize);
        int rows = Math.Min(data.Count, expectedBatchSize + (int)Math.Ceiling(8 * Math.Sqrt(expectedBatchSize)) + 16);
        _inputs = new float[rows * data.FeatureSize];
        if (data.Labels is not null) _labels = new int[rows];
        else _targets = new float[rows * data.TargetSize];
        _rng = new Rng(seed);
    }

    /// <summary>q: the probability that a sample is in a batch.</summary>
    public double SampleRate { get; }

    public int StepsPerEpoch { get; }

    /// <summary>Draws the next batch; valid until the next call.</summary>
    public Batch Next()
    {
        int n = 0, f = _data.FeatureSize, t = _data.TargetSize;
        for (long i = Skip(); i < _data.Count; i += 1 + Skip())
        {
            if (n * f == _inputs.Length) Grow();
            _data.Features.AsSpan((int)i * f, f).CopyTo(_inputs.AsSpan(n * f, f));
            if (_labels is not null) _labels[n] = _data.Labels![i];
            else _data.Targets.AsSpan((int)i * t, t).CopyTo(_targets.AsSpan(n * t, t));
            n++;
        }
        return _labels is not null
            ? new Batch(_inputs.AsSpan(0, n * f), _labels.AsSpan(0, n), default, n)
            : new Batch(_inputs.AsSpan(0, n * f), default, _targets.AsSpan(0, n * t), n);
    }

    /// <summary>How many samples to pass over before the next chosen one: geometric with success probability q.</summary>
    private long Skip()
    {
        if (SampleRate >= 1) return 0;
        double u;
        do { u = (_rng.NextUInt32() + 0.5) / 4294967296.0; } while (u <= 0);
        double gap = Math.Floor(Math.Log(u) / _logKeep);
        return gap >= _data.Count ? _data.Count : (long)gap;
    }

    private void Grow()
    {
        int rows = 2 * _inputs.Length / Math.Max(1, _data.FeatureSize);
        Array.Resize(ref _inputs, rows * _data.FeatureSize);
        if (_labels is not null) Array.Resize(ref _labels, rows);
        else Array.Resize(ref _targets, rows * _data.TargetSize);
    }
}
