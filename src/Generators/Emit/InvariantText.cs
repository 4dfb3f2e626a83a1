using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Axon.Generators.Emit;

/// <summary>
/// An interpolated string formatted in the invariant culture: what <c>SourceWriter.Line</c>
/// takes, so <c>$"DefaultSeed = {seed}"</c> reads <c>-7</c> on every build machine (a culture's minus sign
/// would otherwise end up in generated code). The compiler prefers this overload for every <c>$"…"</c> argument.
/// </summary>
[InterpolatedStringHandler]
internal readonly struct InvariantText
{
    private readonly StringBuilder _text;

    public InvariantText(int literalLength, int formattedCount) => _text = new StringBuilder(literalLength + formattedCount * 8);

    public void AppendLiteral(string value) => _text.Append(value);

    public void AppendFormatted<T>(T value) => _text.Append(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public void AppendFormatted<T>(T value, string format) => _text.Append(value is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : value?.ToString());

    public override string ToString() => _text?.ToString() ?? "";
}
