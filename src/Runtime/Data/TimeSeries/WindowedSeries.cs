using System;
using System.Collections.Generic;

namespace Axon.Data.TimeSeries;

/// <summary>
/// Samples cut from a <see cref="Series"/> by <see cref="SlidingWindows.Create"/>: <see cref="Data"/> holds them as a regression
/// <see cref="Dataset"/> whose features are <c>[Steps, FeaturesPerStep]</c> per sample, row-major (time step, then feature:
/// Keras's and PyTorch's <c>batch_first</c> layout), ready for a sequence model declared with <c>[Input(T, F)]</c> or, read as
/// <c>T·F</c> flat values, for a Dense model.
/// </summary>
public sealed class WindowedSeries
{
    internal WindowedSeries(Dataset data, int steps, int featuresPerStep, int horizon, int[] targetRows,
        IReadOnlyList<string> features, IReadOnlyList<string> targets)
    {
        Data = data;
        Steps = steps;
        FeaturesPerStep = featuresPerStep;
        Horizon = horizon;
        TargetRows = targetRows;
        FeatureColumns = features;
        TargetColumns = targets;
    }

    /// <summary>The samples: features <c>[Count, Steps·FeaturesPerStep]</c>, targets <c>[Count, TargetColumns.Count]</c>.</summary>
    public Dataset Data { get; }

    /// <summary>Number of samples.</summary>
    public int Count => TargetRows.Count;

    /// <summary>Time steps per sample, T.</summary>
    public int Steps { get; }

    /// <summary>Features per time step, F.</summary>
    public int FeaturesPerStep { get; }

    /// <summary>Rows between a sample's last input row and its target row, H.</summary>
    public int Horizon { get; }

    /// <summary>The series row each sample's target was taken from, increasing.</summary>
    public IReadOnlyList<int> TargetRows { get; }

    /// <summary>The input columns, in their order within a time step.</summary>
    public IReadOnlyList<string> FeatureColumns { get; }

    /// <summary>The target columns, in their order within a sample's targets.</summary>
    public IReadOnlyList<string> TargetColumns { get; }

    /// <summary>The series row of sample <paramref name="sample"/>'s last (most recent) input step: its target row minus <see cref="Horizon"/>.</summary>
    public int LastInputRow(int sample) => TargetRows[sample] - Horizon;

    /// <summary>The series row of sample <paramref name="sample"/>'s first (oldest) input step.</summary>
    public int FirstInputRow(int sample) => TargetRows[sample] - Horizon - Steps + 1;

    /// <summary>Sample <paramref name="sample"/>'s inputs, <c>[Steps, FeaturesPerStep]</c> row-major.</summary>
    public ReadOnlySpan<float> Inputs(int sample) => Data.FeaturesOf(sample);

    /// <summary>A copy of every sample's value of target <paramref name="target"/> (index into <see cref="TargetColumns"/>).</summary>
    public float[] Target(int target = 0)
    {
        if ((uint)target >= (uint)TargetColumns.Count)
            throw new ArgumentOutOfRangeException(nameof(target), target, $"expected a target index below {TargetColumns.Count}.");
        var result = new float[Count];
        var t = Data.Targets!;
        for (int i = 0; i < result.Length; i++) result[i] = t[i * TargetColumns.Count + target];
        return result;
    }
}
