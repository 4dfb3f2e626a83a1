using System.Collections.Generic;

namespace Axon.Data.TimeSeries;

/// <summary>How <see cref="SlidingWindows.Create"/> cuts a <see cref="Series"/> into samples.</summary>
/// <remarks>
/// A sample whose target is row <c>t</c> has as inputs the <see cref="Window"/> rows <c>t − H − T + 1 … t − H</c>
/// (<c>T</c> = <see cref="Window"/>, <c>H</c> = <see cref="Horizon"/>) of the <see cref="Features"/> columns, and as targets the
/// <see cref="Targets"/> columns of row <c>t</c>. Since <c>H ≥ 1</c>, every input row comes strictly before its target row: no
/// sample can see its own future.
/// </remarks>
public sealed record WindowOptions
{
    /// <summary>Time steps per sample, T ≥ 1 (Keras's <c>timesteps</c>). Required.</summary>
    public required int Window { get; init; }

    /// <summary>
    /// How many rows after the last input row the target lies, H ≥ 1. Default: 1 (the next row: one-step-ahead forecasting).
    /// </summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Rows between the targets of consecutive samples, ≥ 1. Default: 1 (overlapping windows, one per row).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>The input columns, F of them, in this order within each time step. Default: null, every column of the series.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>The target columns (one or more). Required. A target column may also be a feature: its past values are inputs, its value at the target row is not.</summary>
    public required IReadOnlyList<string> Targets { get; init; }
}
