using System;

namespace Axon.Data;

/// <summary>
/// Cuts a <see cref="Dataset"/> into <see cref="Batch"/>es of at most <see cref="BatchSize"/>
/// samples, one epoch per <c>foreach</c>, without allocating per batch or per epoch.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="Shuffle"/> on (the default), the iterator owns a permutation of the sample
/// indices and gather buffers for one batch, allocated once in the constructor. Each
/// <c>foreach</c> first reshuffles the permutation in place (Fisher-Yates with an
/// <see cref="Rng"/> seeded once from <c>seed</c>), then copies each batch's rows into the
/// buffers. Epoch <c>k</c>'s order therefore depends only on the seed and <c>k</c>.
/// </para>
/// <para>
/// Without shuffling no buffers exist: each batch is a slice of the dataset's own arrays, in order.
/// </para>
/// <para>
/// The last batch of an epoch holds the remaining <c>Count mod BatchSize</c> samples when that is
/// not 0. A batch's spans are valid until the enumerator moves on: the next batch overwrites the buffers.
/// </para>
/// </remarks>
public sealed class BatchIterator
{
    private readonly Dataset _data;
    private readonly int[]? _order;
    private readonly float[]? _inputs;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private Rng _rng;

    /// <summary>Creates an iterator over <paramref name="data"/>.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per batch (the last batch may be smaller); positive.</param>
    /// <param name="shuffle">Reshuffle the sample order at the start of every epoch. Default: true.</param>
    /// <param name="seed">Seed of the shuffles. Default: 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchIterator(Dataset data, int batchSize, bool shuffle = true, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        _data = data;
        BatchSize = batchSize;
        Shuffle = shuffle;
        _rng = new Rng(seed);
        if (shuffle)
        {
            int rows = Math.Min(batchSize, data.Count);
            _order = new int[data.Count];
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            _inputs = new float[rows * data.FeatureSize];
            if (data.Labels is not null) _labels = new int[rows];
            else _targets = new float[rows * data.TargetSize];
        }
    }

    /// <summary>The dataset being iterated.</summary>
    public Dataset Data => _data;

    /// <summary>Largest number of samples in a batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch reshuffles the order.</summary>
    public bool Shuffle { get; }

    /// <summary>Batches per epoch: <c>⌈Count / BatchSize⌉</c>.</summary>
    public int BatchCount => (int)(((long)_data.Count + BatchSize - 1) / BatchSize);

    /// <summary>Epochs started so far (enumerations begun).</summary>
    public int Epoch { get; private set; }

    /// <summary>The sample order of the current epoch (the identity without shuffling is not stored: empty then).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Starts an epoch: reshuffles the order when <see cref="Shuffle"/> is on.</summary>
    public Enumerator GetEnumerator()
    {
        Epoch++;
        if (_order is not null) _rng.Shuffle<int>(_order);
        return new Enumerator(this);
    }

    private Batch Gather(int start, int count)
    {
        var data = _data;
        if (_order is null)
        {
            var inputs = data.Features.AsSpan(start * data.FeatureSize, count * data.FeatureSize);
            return data.Labels is not null
                ? new Batch(inputs, data.Labels.AsSpan(start, count), default, count)
                : new Batch(inputs, default, data.Targets.AsSpan(start * data.TargetSize, count * data.TargetSize), count);
        }

        int f = data.FeatureSize;
        var features = data.Features;
        var gathered = _inputs!;
        var order = _order;
        for (int i = 0; i < count; i++)
            features.AsSpan(order[start + i] * f, f).CopyTo(gathered.AsSpan(i * f, f));

        if (_labels is not null)
        {
            var labels = data.Labels!;
            for (int i = 0; i < count; i++) _labels[i] = labels[order[start + i]];
            return new Batch(gathered.AsSpan(0, count * f), _labels.AsSpan(0, count), default, count);
        }

        int t = data.TargetSize;
        var targets = data.Targets!;
        for (int i = 0; i < count; i++)
            targets.AsSpan(order[start + i] * t, t).CopyTo(_targets.AsSpan(i * t, t));
        return new Batch(gathered.AsSpan(0, count * f), default, _targets.AsSpan(0, count * t), count);
    }

    /// <summary>Walks one epoch's batches; a ref struct, so <c>foreach</c> neither boxes nor allocates.</summary>
    public ref struct Enumerator
    {
        private readonly BatchIterator _owner;
        private int _next;
        private Batch _current;

        internal Enumerator(BatchIterator owner)
        {
            _owner = owner;
            _next = 0;
            _current = default;
        }

        /// <summary>The current batch; its spans are overwritten by the next <see cref="MoveNext"/>.</summary>
        public readonly Batch Current => _current;

        /// <summary>Index of the current batch's first sample within the epoch's order.</summary>
        public readonly int Start => _next - _current.Count;

        /// <summary>Prepares the next batch; false at the end of the epoch.</summary>
        public bool MoveNext()
        {
            int remaining = _owner._data.Count - _next;
            if (remaining <= 0) return false;
            int count = Math.Min(_owner.BatchSize, remaining);
            _current = _owner.Gather(_next, count);
            _next += count;
            return true;
        }
    }
}
