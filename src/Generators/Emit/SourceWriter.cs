using System.Text;

namespace Axon.Generators.Emit;

/// <summary>
/// A StringBuilder with indentation: the whole of the emitters' formatting machinery. Interpolated lines
/// (<see cref="InvariantText"/>) are formatted straight into it, without a string per line: the emitter runs on
/// every keystroke that changes a model, and its garbage is what makes the IDE's collections frequent.
/// </summary>
internal sealed class SourceWriter
{
    // A 50-layer model emits ~130 K characters; starting large spares the builder most of its growth steps.
    private readonly StringBuilder _text = new(16 * 1024);
    private int _indent;
    private int _lineStart = -1;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
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

    public override string ToString() => _text.ToString();

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
        return this;
    }
}
