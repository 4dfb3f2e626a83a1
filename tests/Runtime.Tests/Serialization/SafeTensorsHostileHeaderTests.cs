using System;
using System.IO;
using System.Text;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// Headers built to hurt the parser: escapes that decode to half a surrogate pair (System.Text.Json
/// throws InvalidOperationException on them), and headers whose size is all in one huge shape array
/// or in a million entries. Only <see cref="SafeTensorsException"/> may escape, naming the file, and
/// memory stays near the header's own size (or far below it when a model bounds the header).
/// </summary>
public class SafeTensorsHostileHeaderTests
{
    private static readonly byte[] TinyData = FloatBytes(Values(TinyCount, 1));

    [Theory]
    [InlineData("tensor name", "\"hidden.bias\":", "\"hidden\\ud800.bias\":")]
    [InlineData("whole name", "\"hidden.bias\":", "\"\\ud800\":")]
    [InlineData("low surrogate", "\"hidden.bias\":", "\"\\uDC00x\":")]
    [InlineData("high then non-low", "\"hidden.bias\":", "\"\\ud800\\u0041\":")]
    [InlineData("high at end", "\"hidden.bias\":", "\"abc\\uD83D\":")]
    [InlineData("field name", "\"shape\":[3],", "\"\\ud800\":1,\"shape\":[3],")]
    [InlineData("dtype", "\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"F\\ud800\",\"shape\":[3]")]
    [InlineData("metadata key", "{\"hidden.weight\"", "{\"__metadata__\":{\"\\ud800\":\"x\"},\"hidden.weight\"")]
    [InlineData("metadata value", "{\"hidden.weight\"", "{\"__metadata__\":{\"format\":\"\\udfff\"},\"hidden.weight\"")]
    public void LoneSurrogateEscapeThrowsSafeTensorsExceptionNamingTheFile(string where, string replace, string with)
    {
        Assert.Contains(replace, TinyHeader);
        string header = TinyHeader.Replace(replace, with);
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains("half of a UTF-16 surrogate pair", e.Message);
        Assert.False(string.IsNullOrEmpty(where));
        Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadHeader(new MemoryStream(Build(header, TinyData))));
    }

    [Fact]
    public void HeaderOfOnlyALoneSurrogateNameIsRejected()
    {
        // The minimal case: {"\ud800":{}}.
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadHeader(new MemoryStream(Build("{\"\\ud800\":{}}", []))));
        Assert.Contains("\\ud800", e.Message);
        Assert.Equal("the stream", e.FileName);
    }

    [Fact]
    public void ValidSurrogatePairsAndEscapedBackslashesStillLoad()
    {
        // "\ud83d\ude00" is 😀; "\\ud800" is a backslash followed by the letters ud800: both are text.
        string header = TinyHeader[..^1] + ",\"__metadata__\":{\"emoji\":\"\\ud83d\\ude00\",\"path\":\"C:\\\\ud800\"}}";
        var h = SafeTensors.ReadHeader(new MemoryStream(Build(header, TinyData)));
        Assert.Equal("\U0001F600", h.Metadata["emoji"]);
        Assert.Equal("C:\\ud800", h.Metadata["path"]);
        var arena = new float[TinyCount];
        SafeTensors.Load(new MemoryStream(Build(header, TinyData)), arena, TinyKeyMap(), Model);
        AssertBitwiseEqual(Values(TinyCount, 1), arena);
    }

    [Fact]
    public void HugeShapeArrayIsRejectedWithMemoryNearTheHeaderSize()
    {
        // 2.5 million dimensions, 5 MB of header: the JsonDocument parser kept ~16 bytes per byte.
        var sb = new StringBuilder("{\"hidden.weight\":{\"dtype\":\"F32\",\"shape\":[");
        for (int i = 0; i < 2_500_000; i++) sb.Append("1,");
        sb.Append("1],\"data_offsets\":[0,4]}}");
        byte[] file = Build(sb.ToString(), new byte[4]);
        int headerLength = file.Length - 12;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var h = Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadHeader(new MemoryStream(file)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"more than {SafeTensors.MaxRank} dimensions", h.Message);
        // The header's bytes once, plus a few KB: not the 16x of a document tree.
        Assert.True(allocated < headerLength + 200_000, $"allocated {allocated} bytes for a {headerLength}-byte header");

        // Loading into a 4-tensor model: a 5 MB header cannot describe it; refused before it is read.
        var arena = Sentinel(TinyCount);
        var sentinel = (float[])arena.Clone();
        before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new MemoryStream(file), arena, TinyKeyMap(), Model));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("a header for TinyMlp's tensors can need", e.Message);
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes");
        AssertBitwiseEqual(sentinel, arena);
    }

    [Fact]
    public void HeaderOfManyEntriesCostsAFewTimesItsSizeAndAStrictLoadRefusesIt()
    {
        // 100,000 empty tensors (6 MB); 10^6 took the document-tree parser 805 MB.
        const int entries = 100_000;
        var sb = new StringBuilder(entries * 48).Append('{');
        for (int i = 0; i < entries; i++) sb.Append(i == 0 ? "" : ",").Append("\"t").Append(i).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        sb.Append('}');
        byte[] file = Build(sb.ToString(), []);
        int headerLength = file.Length - 8;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var header = SafeTensors.ReadHeader(new MemoryStream(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(entries, header.Tensors.Count);
        // Bytes once, then what the caller asked for: a name, an entry and an info per tensor
        // (about 330 bytes each). The document tree added 16 bytes per header byte on top.
        Assert.True(allocated < headerLength + 400L * entries, $"allocated {allocated} bytes for a {headerLength}-byte header");

        // A strict load into a 4-tensor model: the header is over its bound, refused unread.
        before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new MemoryStream(file), new float[TinyCount], TinyKeyMap(), Model));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("can need", e.Message);
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void StrictLoadStopsAfterMoreEntriesThanTheModelCouldNeed()
    {
        // 15,000 entries in 860 KB: under the 1 MiB + 4 KiB/tensor bound, so the entry count stops it.
        var sb = new StringBuilder("{");
        for (int i = 0; i < 15_000; i++) sb.Append(i == 0 ? "" : ",").Append("\"t").Append(i).Append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        sb.Append('}');
        byte[] file = Build(sb.ToString(), []);
        Assert.True(file.Length < SafeTensors.MaxStrictHeaderLength(4), $"{file.Length} bytes");

        var e = AssertLoadFails(file);
        Assert.Contains("lists more than 24 tensors; TinyMlp has 4", e.Message);
        var stream = new MemoryStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(stream, new float[TinyCount], TinyKeyMap(), Model));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The header's bytes once and 24 entries; nothing per further entry.
        Assert.True(allocated < file.Length + 50_000, $"allocated {allocated} bytes for a {file.Length}-byte file");
    }
}
