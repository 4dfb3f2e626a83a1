using System;

namespace Axon.Data.TimeSeries;

/// <summary>The rows <c>[Start, End)</c> of a series: a period in time order.</summary>
/// <param name="Start">The first row.</param>
/// <param name="End">One past the last row.</param>
public readonly record struct TimeRange(int Start, int End)
{
    /// <summary>Number of rows, <c>End − Start</c>.</summary>
    public int Length => End - Start;

    /// <summary>Whether <paramref name="row"/> lies in <c>[Start, End)</c>.</summary>
    public bool Contains(int row) => row >= Start && row < End;

    /// <summary>The range as "[Start, End)".</summary>
    public override string ToString() => $"[{Start}, {End})";

    internal void Check(int length, string name)
    {
        if (Start < 0 || End < Start || End > length)
            throw new ArgumentOutOfRangeException(name, $"{name} {this} is not a range of rows of a series of {length} rows.");
    }
}
