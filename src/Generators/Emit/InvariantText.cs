using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Axon.Generators.Emit;

/// <summary>
/// An interpolated line formatted in the invariant culture, straight into a <see cref="SourceWriter"/>: what
/// <c>SourceWriter.Line</c> takes, so <c>$"DefaultSeed = {seed}"</c> reads <c>-7</c> on every build machine (a
/// culture's minus sign would otherwise end up in generated code). The compiler prefers this overload for every
/// <c>$"…"</c> argument, and the parts are appended as the line is evaluated: no string per line.
/// </summary>
[InterpolatedStringHandler]
internal readonly struct InvariantText
{
    private readonly StringBuilder _text;

    public InvariantText(int literalLength, int formattedCount, SourceWriter writer) => _text = writer.BeginLine();

    public void AppendLiteral(string value) => _text.Append(value);

    public void AppendFormatted(string? value) => _text.Append(value);

    public void AppendFormatted(int value) => AppendInteger(value);

    /// <summary>A builder's text, copied without making a string of it first.</summary>
    public void AppendFormatted(StringBuilder value)
    {
        for (int i = 0; i < value.Length; i++) _text.Append(value[i]);
    }

    public void AppendFormatted(long value) => AppendInteger(value);

    public void AppendFormatted<T>(T value) => _text.Append(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public void AppendFormatted<T>(T value, string format) => _text.Append(value is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : value?.ToString());

    /// <summary>The invariant culture's digits of <paramref name="value"/> (an ASCII '-' when negative), without a string.</summary>
    private void AppendInteger(long value)
    {
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        if (value < 0) _text.Append('-');
        ulong scale = 1;
        while (magnitude / scale >= 10) scale *= 10;
        for (; scale > 0; scale /= 10) _text.Append((char)('0' + (int)(magnitude / scale % 10)));
    }
}
