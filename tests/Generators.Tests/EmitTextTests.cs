using System.Globalization;
using System.Linq;
using Axon.Generators.Emit;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// The emitter's text machinery: interpolated lines format integers in the invariant culture straight into the
/// writer, and a generated file's pieces read back as the one text they make (<see cref="ChunkedText"/>).
/// </summary>
public class EmitTextTests
{
    [Fact]
    public void InterpolatedIntegers_AreInvariant_EvenUnderACultureWithAnotherMinusSign()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NegativeSign = "\u2212";   // as Swedish writes it
            CultureInfo.CurrentCulture = culture;
            var w = new SourceWriter();
            w.Open("class C");
            w.Line($"const int A = {int.MinValue}, B = {-7}, C = {0}, D = {int.MaxValue}; const long E = {long.MinValue}, F = {1234567890123L};");
            string empty = "";
            w.Line($"{empty}");   // an interpolated line that comes out empty gets no indentation
            w.Close();
            Assert.Equal(
                "class C\n{\n    const int A = -2147483648, B = -7, C = 0, D = 2147483647; const long E = -9223372036854775808, F = 1234567890123;\n\n}\n",
                w.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void LongOutput_LeavesInChunksBelowTheLargeObjectHeap_ThatJoinToTheWholeText()
    {
        var w = new SourceWriter();
        for (int i = 0; i < 20_000; i++) w.Line($"line {i}");
        var chunks = w.Chunks();
        Assert.True(chunks.Count > 3, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.True(c.Length * sizeof(char) < 85_000, $"a chunk of {c.Length} characters"));
        Assert.Equal(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}\n")), string.Concat(chunks));
    }

    [Fact]
    public void ChunkedText_ReadsLikeTheJoinedString()
    {
        var chunks = new EquatableArray<string>(["first\nsec", "ond line\n", "x", "third\r\nend"]);
        string whole = string.Concat(chunks);
        var text = new ChunkedText(chunks, System.Text.Encoding.UTF8);
        var expected = SourceText.From(whole, System.Text.Encoding.UTF8);

        Assert.Equal(whole.Length, text.Length);
        Assert.Equal(whole, text.ToString());
        for (int i = 0; i < whole.Length; i++) Assert.Equal(whole[i], text[i]);
        for (int start = 0; start < whole.Length; start++)
            for (int count = 0; start + count <= whole.Length; count += 3)
            {
                var buffer = new char[count + 2];
                text.CopyTo(start, buffer, 1, count);
                Assert.Equal(whole.Substring(start, count), new string(buffer, 1, count));
            }
        Assert.Equal(expected.Lines.Select(l => l.ToString()), text.Lines.Select(l => l.ToString()));
        Assert.True(text.ContentEquals(expected));
        Assert.Equal(string.Join(",", expected.GetChecksum()), string.Join(",", text.GetChecksum()));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => text[whole.Length]);
    }
}
