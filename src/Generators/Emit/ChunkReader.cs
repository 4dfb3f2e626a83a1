using System;
using System.IO;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>Reads consecutive strings as one text, for <c>SourceText.From(TextReader, length, …)</c>.</summary>
internal sealed class ChunkReader(EquatableArray<string> chunks) : TextReader
{
    private int _chunk;
    private int _offset;

    public override int Peek()
    {
        Skip();
        return _chunk < chunks.Count ? chunks[_chunk][_offset] : -1;
    }

    public override int Read()
    {
        int c = Peek();
        if (c >= 0) _offset++;
        return c;
    }

    public override int Read(char[] buffer, int index, int count)
    {
        if (buffer is null) throw new ArgumentNullException(nameof(buffer));
        int read = 0;
        while (read < count)
        {
            Skip();
            if (_chunk >= chunks.Count) break;
            string chunk = chunks[_chunk];
            int n = Math.Min(count - read, chunk.Length - _offset);
            chunk.CopyTo(_offset, buffer, index + read, n);
            _offset += n;
            read += n;
        }
        return read;
    }

    /// <summary>Moves past exhausted (or empty) chunks.</summary>
    private void Skip()
    {
        while (_chunk < chunks.Count && _offset >= chunks[_chunk].Length)
        {
            _chunk++;
            _offset = 0;
        }
    }
}
