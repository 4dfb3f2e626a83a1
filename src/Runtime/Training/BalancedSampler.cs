using System;
using Axon.Data;

namespace Axon.Training;

/// <summary>
/// Class-balanced batches (<see cref="FitOptions.BalancedSampling"/>): each epoch draws <c>Count</c> samples with replacement, a class
/// uniformly and then a sample uniformly within it, from one <see cref="Rng"/>, and gathers batches into buffers allocated once.
/// </summary>
internal sealed class BalancedSampler
{
    private readonly Dataset _data;
    private readonly int[][] _byClass;
    private readonly int[] _order;
    private readonly float[] _inputs;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private Rng _rng;

    public BalancedSampler(Dataset data, int batchSize, int classes, long seed)
    {
        _data = data;
        var counts = ClassWeighting.Counts(data, classes);
        int present = 0;
        foreach (int c in counts) if (c > 0) present++;
        if (present < 2)
            throw new ArgumentException($"BalancedSampling needs samples of at least 2 classes; the training set has {present}.");
        _byClass = new int[present][];
        var slot = new int[classes];
        for (int c = 0, j = 0; c < classes; c++)
            if (counts[c] > 0) { slot[c] = j; _byClass[j++] = new int[counts[c]]; }
            else slot[c] = -1;
        var fill = new int[present];
        for (int i = 0; i < data.Count; i++)
        {
            int c = ClassOf(i);
            int s = slot[c];
            _byClass[s][fill[s]++] = i;
        }
        _order = new int[data.Count];
        BatchSize = batchSize;
        int rows = Math.Min(batchSize, data.Count);
        _inputs = new float[rows * data.FeatureSize];
        if (data.Labels is not null) _labels = new int[rows];
        else _targets = new float[rows * data.TargetSize];
        _rng = new Rng(seed);
    }

    public int BatchSize { get; }

    public int BatchCount => (int)(((long)_data.Count + BatchSize - 1) / BatchSize);

    private int ClassOf(int i) => _data.Labels is { } l ? l[i] : _data.Targets![i] >= 0.5f ? 1 : 0;

    /// <summary>Draws the next epoch's samples.</summary>
    public void BeginEpoch()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            var members = _byClass[_rng.NextInt(_byClass.Length)];
            _order[i] = members[_rng.NextInt(members.Length)];
        }
    }

    /// <summary>Gathers batch <paramref name="index"/> of the current epoch; valid until the next call.</summary>
    public Batch Get(int index)
    {
        int start = index * BatchSize, count = Math.Min(BatchSize, _data.Count - start), f = _data.FeatureSize;
        for (int i = 0; i < count; i++)
            _data.Features.AsSpan(_order[start + i] * f, f).CopyTo(_inputs.AsSpan(i * f, f));
        if (_labels is not null)
        {
            for (int i = 0; i < count; i++) _labels[i] = _data.Labels![_order[start + i]];
            return new Batch(_inputs.AsSpan(0, count * f), _labels.AsSpan(0, count), default, count);
        }
        int t = _data.TargetSize;
        for (int i = 0; i < count; i++)
            _data.Targets.AsSpan(_order[start + i] * t, t).CopyTo(_targets.AsSpan(i * t, t));
        return new Batch(_inputs.AsSpan(0, count * f), default, _targets.AsSpan(0, count * t), count);
    }
}
