using System.Collections.Generic;
using System.Text;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>
/// A StringBuilder with indentation: the whole of the emitters' formatting machinery. Interpolated lines
/// (<see cref="InvariantText"/>) are formatted straight into it, without a string per line: the emitter runs on
/// every keystroke that changes a model, and its garbage is what makes the IDE's collections frequent.
/// </summary>
internal sealed class SourceWriter
{
    // The text leaves in chunks of about this many characters, each a string below the large-object heap's 85 KB;
    // the builder is reused for each, so it grows once.
    private const int ChunkLength = 32 * 1024;

    private readonly StringBuilder _text = new(ChunkLength + 4 * 1024);
    private readonly List<string> _chunks = [];
    private int _indent;
    private int _lineStart = -1;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        if (_text.Length >= ChunkLength) Flush();
        return this;
    }

    /// <summary>An interpolated line, formatted in the invariant culture.</summary>
    public SourceWriter Line([System.Runtime.CompilerServices.InterpolatedStringHandlerArgument("")] InvariantText line) => EndLine();

    /// <summary>An interpolated opening line, formatted in the invariant culture.</summary>
    public SourceWriter Open([System.Runtime.CompilerServices.InterpolatedStringHandlerArgument("")] InvariantText line)
    {
        EndLine();
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => string.Concat(_chunks) + _text;

    /// <summary>The text written, as the pieces <see cref="GeneratedFile"/> keeps.</summary>
    public EquatableArray<string> Chunks()
    {
        if (_text.Length > 0) Flush();
        return _chunks.ToEquatableArray();
    }

    private void Flush()
    {
        _chunks.Add(_text.ToString());
        _text.Clear();
    }

    /// <summary>Starts an interpolated line: its indentation, then the parts <see cref="InvariantText"/> appends.</summary>
    internal StringBuilder BeginLine()
    {
        _lineStart = _text.Length;
        _text.Append(' ', _indent * 4);
        return _text;
    }

    /// <summary>Ends an interpolated line; one that came out empty gets no indentation, as <see cref="Line(string)"/> does.</summary>
    private SourceWriter EndLine()
    {
        if (_lineStart >= 0 && _text.Length == _lineStart + _indent * 4) _text.Length = _lineStart;
        _lineStart = -1;
        _text.Append('\n');
        if (_text.Length >= ChunkLength) Flush();
        return this;
    }
}
