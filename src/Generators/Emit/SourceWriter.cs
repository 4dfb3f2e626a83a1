using System.Text;

namespace Axon.Generators.Emit;

/// <summary>A StringBuilder with indentation: the whole of the emitters' formatting machinery.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>An interpolated line, formatted in the invariant culture.</summary>
    public SourceWriter Line(InvariantText line) => Line(line.ToString());

    /// <summary>An interpolated opening line, formatted in the invariant culture.</summary>
    public SourceWriter Open(InvariantText line) => Open(line.ToString());

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
}
