using System;

namespace Axon.Compiled;

/// <summary>A batch's targets: class indices (one per sample) or values (OutputSize per sample); the other span is empty.</summary>
internal readonly ref struct Targets(ReadOnlySpan<int> labels, ReadOnlySpan<float> values, bool classIndices, int outputSize)
{
    public readonly ReadOnlySpan<int> Labels = labels;
    public readonly ReadOnlySpan<float> Values = values;
    public readonly bool ClassIndices = classIndices;
    public readonly int Width = classIndices ? 1 : outputSize;

    public string Name => ClassIndices ? "labels" : "targets";

    public int Length => ClassIndices ? Labels.Length : Values.Length;

    public Targets Slice(int start, int rows) => ClassIndices
        ? new(Labels.Slice(start, rows), default, true, 1)
        : new(default, Values.Slice(start * Width, rows * Width), false, Width);
}
