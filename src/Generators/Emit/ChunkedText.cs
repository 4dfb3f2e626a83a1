using System;
using System.Text;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generators.Emit;

/// <summary>
/// A generated file's text over its pieces (<see cref="GeneratedFile.Chunks"/>), without copying them:
/// the 100 K characters of a 50-layer model would otherwise be copied into one string on the large-object heap, or into Roslyn's own chunks.
/// </summary>
internal sealed class ChunkedText : SourceText
{
    private readonly EquatableArray<string> _chunks;
    private readonly int[] _starts;

    public ChunkedText(EquatableArray<string> chunks, Encoding encoding)
    {
        _chunks = chunks;
        Encoding = encoding;
        _starts = new int[chunks.Count];
        int length = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            _starts[i] = length;
            length += chunks[i].Length;
        }
        Length = length;
    }

    public override Encoding Encoding { get; }

    public override int Length { get; }

    public override char this[int position]
    {
        get
        {
            if ((uint)position >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(position));
            int i = ChunkAt(position);
            return _chunks[i][position - _starts[i]];
        }
    }

    public override void CopyTo(int sourceIndex, char[] destination, int destinationIndex, int count)
    {
        if (destination is null) throw new ArgumentNullException(nameof(destination));
        if (sourceIndex < 0 || count < 0 || sourceIndex > Length - count) throw new ArgumentOutOfRangeException(nameof(sourceIndex));
        if (destinationIndex < 0 || destinationIndex > destination.Length - count) throw new ArgumentOutOfRangeException(nameof(destinationIndex));
        if (count == 0) return;
        for (int i = ChunkAt(sourceIndex); count > 0; i++)
        {
            int offset = sourceIndex - _starts[i];
            int n = Math.Min(count, _chunks[i].Length - offset);
            _chunks[i].CopyTo(offset, destination, destinationIndex, n);
            sourceIndex += n;
            destinationIndex += n;
            count -= n;
        }
    }

    /// <summary>The chunk holding <paramref name="position"/> (a position inside the text).</summary>
    private int ChunkAt(int position)
    {
        int i = Array.BinarySearch(_starts, position);
        if (i < 0) i = ~i - 1;
        while (_chunks[i].Length == 0) i++;   // an empty chunk shares its start with the next
        return i;
    }
}
