using System;
using System.IO;
using System.Linq;
using System.Text;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// One test per validation rule. Each asserts the exception type, what the message says, and
/// (through <see cref="SafeTensorsFixture.AssertLoadFails"/>) that the arena did not change.
/// </summary>
public class SafeTensorsValidationTests
{
    private static readonly byte[] TinyData = FloatBytes(Values(TinyCount, 1));

    private static string Tiny(string replace, string with)
    {
        Assert.Contains(replace, TinyHeader);
        return TinyHeader.Replace(replace, with);
    }

    // ------------------------------------------------------------ length prefix

    [Fact]
    public void FileShorterThanTheLengthPrefix()
    {
        var e = AssertLoadFails([1, 2, 3, 4, 5]);
        Assert.Contains("has 5 bytes", e.Message);
        Assert.Contains("8-byte header length", e.Message);
    }

    [Fact]
    public void EmptyFile()
    {
        var e = AssertLoadFails([]);
        Assert.Contains("has 0 bytes", e.Message);
    }

    [Fact]
    public void HeaderLengthAboveTheFormatLimit()
    {
        var e = AssertLoadFails(Build(TinyHeader, TinyData, claimedLength: 100_000_001));
        Assert.Contains("100000001 bytes", e.Message);
        Assert.Contains("100 MB", e.Message);
    }

    [Fact]
    public void HugeHeaderLengthIsRejectedWithoutAllocatingIt()
    {
        var e = AssertLoadFails(Build(TinyHeader, TinyData, claimedLength: ulong.MaxValue));
        Assert.Contains(ulong.MaxValue.ToString(), e.Message);
    }

    [Fact]
    public void HeaderLengthBeyondTheEndOfTheFile()
    {
        // Under the 100 MB limit but past the file: must be caught before allocating 90 MB.
        var file = Build(TinyHeader, TinyData, claimedLength: 90_000_000);
        var e = AssertLoadFails(file);
        Assert.Contains("90000000 bytes", e.Message);
        Assert.Contains($"only {file.Length - 8} bytes follow", e.Message);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new MemoryStream(file), new float[TinyCount], TinyKeyMap(), Model));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes for a {file.Length}-byte file");
    }

    [Fact]
    public void HeaderLengthTooSmallForAnObject()
    {
        var e = AssertLoadFails(Build("", []));
        Assert.Contains("header length is 0 bytes", e.Message);
    }

    [Fact]
    public void NonSeekableStreamWithAHugeClaimedHeaderFailsAsTruncated()
    {
        var file = Build(TinyHeader, TinyData, claimedLength: 99_000_000);
        var arena = Sentinel(TinyCount);
        var before = (float[])arena.Clone();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        // Loading into a model: a header that long cannot describe 4 tensors, refused unread.
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new NonSeekableStream(new MemoryStream(file)), arena, TinyKeyMap(), Model));
        Assert.Contains("more than the 1064960 bytes a header for TinyMlp's tensors can need", e.Message);
        // Reading the header alone (no model to bound it): read as bytes arrive, then truncated.
        var h = Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadHeader(new NonSeekableStream(new MemoryStream(file))));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Contains("truncated", h.Message);
        Assert.Contains("of 99000000 bytes", h.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for a {file.Length}-byte stream");
        AssertBitwiseEqual(before, arena);
    }

    // ------------------------------------------------------------ JSON

    [Fact]
    public void HeaderThatIsNotUtf8()
    {
        var header = Encoding.UTF8.GetBytes(Tiny("hidden.bias", "hidden.bi\u00e9s"));
        int i = Array.IndexOf(header, (byte)0xC3);
        header[i + 1] = 0x28; // a lead byte followed by a non-continuation byte
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void HeaderThatIsNotJson()
    {
        var e = AssertLoadFails(Build("{\"hidden.weight\": {\"dtype\": F32}}", TinyData));
        Assert.Contains("not valid JSON", e.Message);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(e.InnerException);
    }

    [Fact]
    public void HeaderThatIsNotAnObject()
    {
        var e = AssertLoadFails(Build("[1, 2, 3]", TinyData));
        Assert.Contains("must be a JSON object", e.Message);
    }

    [Fact]
    public void HeaderNestedTooDeeply()
    {
        string deep = "{\"w\":{\"shape\":" + new string('[', 5000) + new string(']', 5000) + "}}";
        var e = AssertLoadFails(Build(deep, TinyData));
        Assert.Contains("not valid JSON", e.Message);
        Assert.Contains("depth", e.Message);
    }

    [Fact]
    public void DuplicateTensorName()
    {
        string header = TinyHeader.TrimEnd('}') + "},\"hidden.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[92,104]}}";
        var e = AssertLoadFails(Build(header, [.. TinyData, .. new byte[12]]));
        Assert.Contains("lists hidden.bias twice", e.Message);
    }

    [Fact]
    public void EntryWithoutItsFields()
    {
        var e = AssertLoadFails(Build(Tiny("""{"dtype":"F32","shape":[3],"data_offsets":[48,60]}""", "{}"), TinyData));
        Assert.Contains("hidden.bias has no dtype", e.Message);
        Assert.Contains("hidden.bias has no shape", e.Message);
        Assert.Contains("hidden.bias has no data_offsets", e.Message);
    }

    [Fact]
    public void EntryThatIsNotAnObject()
    {
        var e = AssertLoadFails(Build(Tiny("""{"dtype":"F32","shape":[3],"data_offsets":[48,60]}""", "42"), TinyData));
        Assert.Contains("hidden.bias is a JSON number, not an object", e.Message);
    }

    [Fact]
    public void EntryWithAnUnknownField()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3],", "\"shape\":[3],\"evil\":1,"), TinyData));
        Assert.Contains("hidden.bias has an unknown field evil", e.Message);
    }

    [Fact]
    public void NegativeDimension()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3]", "\"shape\":[-3]"), TinyData));
        Assert.Contains("hidden.bias has a shape that is not an array of non-negative integers", e.Message);
    }

    [Fact]
    public void FractionalDimension()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3]", "\"shape\":[3.0]"), TinyData));
        Assert.Contains("hidden.bias has a shape that is not an array of non-negative integers", e.Message);
    }

    [Fact]
    public void DimensionAsString()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3]", "\"shape\":[\"3\"]"), TinyData));
        Assert.Contains("hidden.bias has a shape that is not an array", e.Message);
    }

    [Fact]
    public void OffsetsBeginAfterEnd()
    {
        var e = AssertLoadFails(Build(Tiny("[48,60]", "[60,48]"), TinyData));
        Assert.Contains("hidden.bias has data_offsets [60, 48]: begin is after end", e.Message);
    }

    [Fact]
    public void OffsetsNotAPair()
    {
        var e = AssertLoadFails(Build(Tiny("[48,60]", "[48,60,72]"), TinyData));
        Assert.Contains("hidden.bias has data_offsets that are not two non-negative integers", e.Message);
    }

    [Fact]
    public void ShapeWhoseSizeOverflows()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3]", "\"shape\":[2147483647,2147483647,8]"), TinyData));
        Assert.Contains("hidden.bias has shape [2147483647, 2147483647, 8], whose size overflows 64 bits", e.Message);
    }

    [Fact]
    public void ShapeWhoseByteSizeOverflows()
    {
        // 2^61 elements fit a long, 2^63 bytes do not.
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3]", "\"shape\":[2305843009213693952]"), TinyData));
        Assert.Contains("overflows 64 bits", e.Message);
    }

    [Fact]
    public void OffsetsThatDoNotMatchTheShape()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3,4]", "\"shape\":[3,5]"), TinyData));
        Assert.Contains("hidden.weight has data_offsets [0, 48] (48 bytes), but F32 [3, 5] needs 60 bytes", e.Message);
    }

    [Fact]
    public void OverlappingTensors()
    {
        // logits.weight starts 4 bytes early and ends 4 bytes early: it overlaps hidden.bias and leaves a hole.
        var e = AssertLoadFails(Build(Tiny("[60,84]", "[56,80]"), TinyData));
        Assert.Contains("logits.weight (bytes 56..80) overlaps hidden.bias (bytes 48..60)", e.Message);
        Assert.Contains("bytes 80..84 of the data section belong to no tensor", e.Message);
    }

    [Fact]
    public void TwoTensorsOnTheSameBytes()
    {
        string header = Tiny("\"logits.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[84,92]}",
                             "\"logits.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[48,56]}");
        var e = AssertLoadFails(Build(header, TinyData[..84]));
        Assert.Contains("overlaps", e.Message);
    }

    [Fact]
    public void HoleBetweenTensors()
    {
        string header = Tiny("[60,84]", "[64,88]").Replace("[84,92]", "[88,96]");
        var e = AssertLoadFails(Build(header, [.. TinyData, 0, 0, 0, 0]));
        Assert.Contains("bytes 60..64 of the data section belong to no tensor (a hole before logits.weight)", e.Message);
    }

    [Fact]
    public void FirstTensorNotAtZero()
    {
        string header = TinyHeader.Replace("[0,48]", "[4,52]").Replace("[48,60]", "[52,64]").Replace("[60,84]", "[64,88]").Replace("[84,92]", "[88,96]");
        var e = AssertLoadFails(Build(header, [0, 0, 0, 0, .. TinyData]));
        Assert.Contains("bytes 0..4 of the data section belong to no tensor", e.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheData()
    {
        var e = AssertLoadFails(Build(TinyHeader, [.. TinyData, 1, 2, 3]));
        Assert.Contains("the tensors end at byte 92 of the data section, but 95 bytes follow the header", e.Message);
    }

    [Fact]
    public void TruncatedData()
    {
        var e = AssertLoadFails(Build(TinyHeader, TinyData[..90]));
        Assert.Contains("the tensors need 92 bytes of data, but only 90 bytes follow the header", e.Message);
    }

    [Fact]
    public void TruncatedHeader()
    {
        var file = Build(TinyHeader, TinyData);
        var e = AssertLoadFails(file[..50]);
        Assert.Contains($"header length is {TinyHeader.Length} bytes, but only 42 bytes follow", e.Message);
    }

    // ------------------------------------------------------------ dtypes

    [Theory]
    [InlineData("F16", 2)]
    [InlineData("BF16", 2)]
    [InlineData("F64", 8)]
    public void UnsupportedFloatTypesNameTheAlternatives(string dtype, int size)
    {
        // A well-formed file whose bias is stored in another float type: sizes consistent, only the dtype is wrong.
        int delta = 3 * size - 12;
        string header = TinyHeader
            .Replace("\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[48,60]", $"\"dtype\":\"{dtype}\",\"shape\":[3],\"data_offsets\":[48,{60 + delta}]")
            .Replace("[60,84]", $"[{60 + delta},{84 + delta}]").Replace("[84,92]", $"[{84 + delta},{92 + delta}]");
        var data = new byte[92 + delta];
        var e = AssertLoadFails(Build(header, data));
        Assert.Contains($"hidden.bias has dtype {dtype}, {Model} expects F32", e.Message);
        Assert.Contains("F16, BF16 and F64 are not supported", e.Message);
    }

    [Fact]
    public void UnknownDtype()
    {
        var e = AssertLoadFails(Build(Tiny("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"F33\",\"shape\":[3]"), TinyData));
        Assert.Contains("hidden.bias has dtype F33, which is not a safetensors dtype", e.Message);
    }

    [Fact]
    public void DtypeThatIsNotAString()
    {
        var e = AssertLoadFails(Build(Tiny("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":32,\"shape\":[3]"), TinyData));
        Assert.Contains("hidden.bias has a dtype that is a JSON number", e.Message);
    }

    // ------------------------------------------------------------ the model's key map

    [Fact]
    public void EveryMismatchWithTheModelIsReportedAtOnce()
    {
        // hidden.weight [4,3] instead of [3,4]; logits.bias renamed to extra.weight.
        string header = Tiny("\"shape\":[3,4]", "\"shape\":[4,3]").Replace("\"logits.bias\"", "\"extra.weight\"");
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains($"model.safetensors does not match {Model}: ", e.Message);
        Assert.Contains($"hidden.weight has shape [4, 3], {Model} expects [3, 4]", e.Message);
        Assert.Contains("missing tensor logits.bias [2]", e.Message);
        Assert.Contains("unexpected tensor extra.weight", e.Message);
        Assert.Equal(3, e.Problems.Count);
    }

    [Fact]
    public void ShapeWithADifferentRank()
    {
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3,4]", "\"shape\":[12]"), TinyData));
        Assert.Contains($"hidden.weight has shape [12], {Model} expects [3, 4]", e.Message);
    }

    [Fact]
    public void FormatAndModelProblemsAreListedTogether()
    {
        string header = Tiny("\"shape\":[3]", "\"shape\":[-1]").Replace("\"logits.bias\"", "\"extra.weight\"");
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains($"is not a valid safetensors file for {Model}", e.Message);
        Assert.Contains("hidden.bias has a shape that is not", e.Message);
        Assert.Contains("missing tensor logits.bias", e.Message);
        Assert.Contains("unexpected tensor extra.weight", e.Message);
    }

    [Fact]
    public void ManyProblemsAreCountedNotAllListed()
    {
        // A thousand unknown fields in one entry (a thousand extra entries would pass the
        // strict entry bound; see SafeTensorsHeaderBoundTests).
        var sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) sb.Append($"\"x{i}\":1,");
        var e = AssertLoadFails(Build(Tiny("\"shape\":[3],", "\"shape\":[3]," + sb), TinyData));
        Assert.Contains("hidden.bias has an unknown field x0", e.Message);
        Assert.Contains("and 980 more problems", e.Message);
        Assert.True(e.Message.Length < 2000, e.Message);
    }

    [Fact]
    public void HostileNamesAreEscapedAndShortenedInMessages()
    {
        string name = "evil\\nline" + new string('x', 10_000);
        var sb = new StringBuilder(TinyHeader.TrimEnd('}')).Append('}');
        sb.Append($",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[92,92]}}}}");
        var e = AssertLoadFails(Build(sb.ToString(), TinyData));
        Assert.Contains("unexpected tensor evil\\u000aline", e.Message);
        Assert.Contains("(10009 characters)", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    // ------------------------------------------------------------ metadata and data

    [Fact]
    public void ChecksumMismatchIsDetected()
    {
        var file = SaveToBytes(Values(TinyCount, 1), TinyKeyMap());
        file[^5] ^= 0x01; // one mantissa bit of the last value: still finite, only the hash can tell
        var e = AssertLoadFails(file);
        Assert.Contains("is corrupt", e.Message);
        Assert.Contains("axon.sha256 metadata is", e.Message);
        Assert.Contains("but the data section hashes to", e.Message);
    }

    [Fact]
    public void MalformedChecksum()
    {
        string header = "{\"__metadata__\":{\"axon.sha256\":\"abc\"}," + TinyHeader[1..];
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains("axon.sha256 metadata, abc, is not 64 hexadecimal digits", e.Message);
    }

    [Fact]
    public void MetadataValuesMustBeStrings()
    {
        string header = "{\"__metadata__\":{\"format\":\"pt\",\"epochs\":3}," + TinyHeader[1..];
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains("__metadata__ entry epochs is a JSON number, not a string", e.Message);
    }

    [Fact]
    public void MetadataMustBeAnObject()
    {
        string header = "{\"__metadata__\":[\"pt\"]," + TinyHeader[1..];
        var e = AssertLoadFails(Build(header, TinyData));
        Assert.Contains("__metadata__ is a JSON array", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void NonFiniteValuesAreRejected(float bad, string shown)
    {
        var values = Values(TinyCount, 1);
        values[12 + 1] = bad; // hidden.bias[1]
        values[15 + 4] = bad; // logits.weight[1, 1]
        values[15 + 5] = bad;
        var e = AssertLoadFails(TinyFile(values));
        Assert.Contains($"holds values {Model} cannot use", e.Message);
        Assert.Contains($"hidden.bias has 1 non-finite value (the first, at flat index 1, is {shown})", e.Message);
        Assert.Contains($"logits.weight has 2 non-finite values (the first, at flat index 4, is {shown})", e.Message);
    }

    [Fact]
    public void NonFiniteValuesAreRejectedEvenWithAValidChecksum()
    {
        var values = Values(TinyCount, 1);
        values[0] = float.NaN;
        var e = AssertLoadFails(SaveToBytes(values, TinyKeyMap()));
        Assert.Contains("hidden.weight has 1 non-finite value", e.Message);
    }

    [Fact]
    public void NonSeekableStreamWithTrailingBytes()
    {
        var file = Build(TinyHeader, [.. TinyData, 7]);
        var arena = Sentinel(TinyCount);
        var before = (float[])arena.Clone();
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new NonSeekableStream(new MemoryStream(file)), arena, TinyKeyMap(), Model));
        Assert.Contains("bytes follow the 92-byte data section", e.Message);
        AssertBitwiseEqual(before, arena);
    }

    [Fact]
    public void ReadHeaderReportsFormatProblems()
    {
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadHeader(new MemoryStream(Build(Tiny("[48,60]", "[48,64]"), TinyData))));
        Assert.StartsWith("the stream is not a valid safetensors file: ", e.Message);
        Assert.Contains("hidden.bias has data_offsets [48, 64] (16 bytes), but F32 [3] needs 12 bytes", e.Message);
    }

    // ------------------------------------------------------------ not file contents

    [Fact]
    public void MissingFileIsAnIOException()
    {
        using var dir = new ScratchDirectory();
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(Path.Combine(dir.Path, "nope.safetensors"), new float[TinyCount], TinyKeyMap(), Model));
        Assert.Throws<FileNotFoundException>(() => SafeTensors.ReadHeader(Path.Combine(dir.Path, "nope.safetensors")));
    }

    [Fact]
    public void KeyMapOutsideTheArenaIsAnArgumentError()
    {
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Load(new MemoryStream(TinyFile()), new float[20], TinyKeyMap(), Model));
        Assert.Contains("logits.weight [2, 3] at offset 15 does not fit an arena of 20 values", e.Message);
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new MemoryStream(), new float[20], TinyKeyMap(), Model));
    }

    [Fact]
    public void DuplicateNamesInTheKeyMapAreAnArgumentError()
    {
        TensorSpec[] map = [new("w", [2], 0), new("w", [2], 2)];
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new MemoryStream(), new float[4], map, Model));
    }
}
