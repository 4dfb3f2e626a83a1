using System;

namespace Axon.Data;

/// <summary>
/// An in-memory dataset: <see cref="Features"/> is <c>[Count, FeatureSize]</c>, row-major, with
/// either one class index per sample (<see cref="Labels"/>) or <see cref="TargetSize"/> target
/// values per sample (<see cref="Targets"/>, <c>[Count, TargetSize]</c>).
/// </summary>
/// <remarks>
/// The arrays are used as given, not copied, so a dataset over data already in memory costs
/// nothing; changing them afterwards changes the dataset. <see cref="Subset"/>,
/// <see cref="Shuffled"/> and <see cref="Split(double, long)"/> copy the selected rows into new arrays.
/// </remarks>
public sealed class Dataset
{
    /// <summary>
    /// Creates a dataset; exactly one of <paramref name="labels"/> and <paramref name="targets"/> must be given.
    /// </summary>
    /// <param name="features">The inputs, <c>[count, featureSize]</c> row-major.</param>
    /// <param name="featureSize">Values per sample; positive.</param>
    /// <param name="labels">Class indices, one per sample, each ≥ 0; or null for a regression dataset.</param>
    /// <param name="targets">Target values, <c>[count, targetSize]</c>; or null for a classification dataset.</param>
    /// <param name="targetSize">Target values per sample; positive when <paramref name="targets"/> is given, ignored otherwise.</param>
    /// <exception cref="ArgumentException">The lengths disagree, both or neither of labels and targets are given, or a label is negative.</exception>
    public Dataset(float[] features, int featureSize, int[]? labels, float[]? targets, int targetSize = 1)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(featureSize), featureSize, "featureSize must be positive.");
        if (features.Length % featureSize != 0)
            throw new ArgumentException(
                $"features has {features.Length} values; expected a multiple of featureSize {featureSize}.", nameof(features));
        int count = features.Length / featureSize;

        if ((labels is null) == (targets is null))
            throw new ArgumentException(labels is null
                ? "a dataset needs labels (classification) or targets (regression); neither was given."
                : "a dataset has labels (classification) or targets (regression), not both; both were given.");

        if (labels is not null)
        {
            if (labels.Length != count)
                throw new ArgumentException(
                    $"labels has {labels.Length} values; expected one per sample, {count} ({features.Length} feature values / {featureSize}).", nameof(labels));
            int max = -1;
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                    throw new ArgumentException($"labels[{i}] is {labels[i]}; expected a class index ≥ 0.", nameof(labels));
                if (labels[i] > max) max = labels[i];
            }
            ClassCount = max + 1;
            TargetSize = 0;
        }
        else
        {
            if (targetSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "targetSize must be positive.");
            if ((long)count * targetSize != targets!.Length)
                throw new ArgumentException(
                    $"targets has {targets.Length} values; expected {count} samples × {targetSize} = {(long)count * targetSize}.", nameof(targets));
            TargetSize = targetSize;
        }

        Features = features;
        FeatureSize = featureSize;
        Labels = labels;
        Targets = targets;
        Count = count;
    }

    /// <summary>A classification dataset: <paramref name="features"/> <c>[n, featureSize]</c>, one class index per sample.</summary>
    /// <exception cref="ArgumentException">The lengths disagree or a label is negative.</exception>
    public static Dataset FromClassification(float[] features, int[] labels, int featureSize)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new Dataset(features, featureSize, labels, null);
    }

    /// <summary>A regression (or multi-label) dataset: <paramref name="features"/> <c>[n, featureSize]</c>, <paramref name="targets"/> <c>[n, targetSize]</c>.</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public static Dataset FromRegression(float[] features, float[] targets, int featureSize, int targetSize = 1)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return new Dataset(features, featureSize, null, targets, targetSize);
    }

    /// <summary>
    /// A binary classification dataset: <paramref name="features"/> <c>[n, featureSize]</c> and one
    /// label per sample, 0 or 1, stored as one target value per sample (<see cref="TargetSize"/> 1),
    /// which is what a <c>Loss.BinaryCrossEntropy</c> model with one output trains on.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree, or a label is not exactly 0 or 1 (the message names its index and value).</exception>
    public static Dataset FromBinary(float[] features, float[] labels01, int featureSize)
    {
        ArgumentNullException.ThrowIfNull(labels01);
        for (int i = 0; i < labels01.Length; i++)
        {
            if (labels01[i] is not (0f or 1f))
                throw new ArgumentException($"labels01[{i}] is {labels01[i]}; a binary label is 0 or 1.", nameof(labels01));
        }
        return new Dataset(features, featureSize, null, labels01, 1);
    }

    /// <inheritdoc cref="FromBinary(float[], float[], int)"/>
    public static Dataset FromBinary(float[] features, int[] labels01, int featureSize)
    {
        ArgumentNullException.ThrowIfNull(labels01);
        var targets = new float[labels01.Length];
        for (int i = 0; i < labels01.Length; i++)
        {
            if (labels01[i] is not (0 or 1))
                throw new ArgumentException($"labels01[{i}] is {labels01[i]}; a binary label is 0 or 1.", nameof(labels01));
            targets[i] = labels01[i];
        }
        return new Dataset(features, featureSize, null, targets, 1);
    }

    /// <summary>
    /// Samples <c>[start, start + count)</c> as a <see cref="Batch"/> over this dataset's arrays (no
    /// copy): inputs, and labels or targets, whichever the dataset has; the other is empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the dataset.</exception>
    public Batch AsBatch(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"samples [{start}, {(long)start + count}) are not inside a dataset of {Count}.");
        return new Batch(
            Features.AsSpan(start * FeatureSize, count * FeatureSize),
            Labels is null ? default : Labels.AsSpan(start, count),
            Targets is null ? default : Targets.AsSpan(start * TargetSize, count * TargetSize),
            count);
    }

    /// <summary>The whole dataset as one <see cref="Batch"/>; see <see cref="AsBatch(int, int)"/>.</summary>
    public Batch AsBatch() => AsBatch(0, Count);

    /// <summary>The inputs, <c>[Count, FeatureSize]</c>, row-major.</summary>
    public float[] Features { get; }

    /// <summary>Input values per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>Class indices, <c>[Count]</c>; null for a regression dataset.</summary>
    public int[]? Labels { get; }

    /// <summary>Target values, <c>[Count, TargetSize]</c>; null for a classification dataset.</summary>
    public float[]? Targets { get; }

    /// <summary>Target values per sample; 0 for a classification dataset.</summary>
    public int TargetSize { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Whether the dataset holds class indices (<see cref="Labels"/>) rather than <see cref="Targets"/>.</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>One more than the largest label (0 for a regression or empty dataset).</summary>
    public int ClassCount { get; }

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> FeaturesOf(int index) => Features.AsSpan(CheckIndex(index) * FeatureSize, FeatureSize);

    /// <summary>The targets of sample <paramref name="index"/> (a regression dataset only).</summary>
    public ReadOnlySpan<float> TargetsOf(int index) =>
        Targets is null
            ? throw new InvalidOperationException("this is a classification dataset; it has Labels, not Targets.")
            : Targets.AsSpan(CheckIndex(index) * TargetSize, TargetSize);

    /// <summary>Samples per class (a classification dataset only): element <c>c</c> counts label <c>c</c>.</summary>
    public int[] CountPerClass()
    {
        if (Labels is null) throw new InvalidOperationException("this is a regression dataset; it has Targets, not Labels.");
        var counts = new int[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>A new dataset holding copies of the samples at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[(long)indices.Length * FeatureSize];
        int[]? labels = Labels is null ? null : new int[indices.Length];
        float[]? targets = Targets is null ? null : new float[(long)indices.Length * TargetSize];
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if ((uint)row >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"indices[{i}] is {row}; expected a sample index in [0, {Count}).");
            Features.AsSpan(row * FeatureSize, FeatureSize).CopyTo(features.AsSpan(i * FeatureSize));
            if (labels is not null) labels[i] = Labels![row];
            if (targets is not null) Targets.AsSpan(row * TargetSize, TargetSize).CopyTo(targets.AsSpan(i * TargetSize));
        }
        return new Dataset(features, FeatureSize, labels, targets, Math.Max(TargetSize, 1));
    }

    /// <summary>A copy with the samples in a random order (Fisher-Yates with <see cref="Rng"/>(<paramref name="seed"/>)); equal seeds give equal orders.</summary>
    public Dataset Shuffled(long seed = 0) => Subset(Permutation(Count, seed));

    /// <summary>
    /// Splits off a random <paramref name="fraction"/> of the samples: <c>round(fraction·Count)</c>
    /// samples go to <c>Second</c>, the rest to <c>First</c>. Which samples go where depends only
    /// on <paramref name="seed"/> (default 0); each part keeps the samples' original relative order.
    /// </summary>
    /// <param name="fraction">In [0, 1].</param>
    /// <param name="seed">Seed of the random choice. Default: 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public (Dataset First, Dataset Second) Split(double fraction, long seed = 0)
    {
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in [0, 1].");
        return Split((int)Math.Round(fraction * Count, MidpointRounding.AwayFromZero), seed);
    }

    /// <summary>
    /// Splits off <paramref name="count"/> random samples into <c>Second</c>; the other
    /// <c>Count - count</c> go to <c>First</c>. Which samples go where depends only on
    /// <paramref name="seed"/> (default 0); each part keeps the samples' original relative order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside [0, Count].</exception>
    public (Dataset First, Dataset Second) Split(int count, long seed = 0)
    {
        if ((uint)count > (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in [0, {Count}], the number of samples.");
        var order = Permutation(Count, seed);
        // Sorting each part keeps the original order inside it, so a split of time-ordered or
        // file-ordered data stays readable and a split of a split is predictable.
        Array.Sort(order, 0, Count - count);
        Array.Sort(order, Count - count, count);
        return (Subset(order.AsSpan(0, Count - count)), Subset(order.AsSpan(Count - count)));
    }

    internal static int[] Permutation(int count, long seed)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var rng = new Rng(seed);
        rng.Shuffle<int>(order);
        return order;
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"expected a sample index in [0, {Count}).");
        return index;
    }
}
