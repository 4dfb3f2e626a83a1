using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

public class SafeTensorsRoundTripTests
{
    // Values a naive text or double round trip would damage: signed zero, subnormals, extremes.
    private static float[] SpecialValues(int count)
    {
        var values = Values(count, seed: 7);
        float[] special = [-0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-40f, 0.1f, 1f / 3];
        special.AsSpan(0, Math.Min(special.Length, count)).CopyTo(values);
        return values;
    }

    [Fact]
    public void SavedFileLoadsBackBitForBit()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "tiny.safetensors");
        var map = TinyKeyMap();
        var saved = SpecialValues(TinyCount);
        SafeTensors.Save(path, saved, map, Model);

        var loaded = new float[TinyCount];
        SafeTensors.Load(path, loaded, map, Model);
        AssertBitwiseEqual(saved, loaded);
    }

    [Fact]
    public void StreamOverloadsRoundTripAndLeaveTheStreamOpen()
    {
        var map = TinyKeyMap();
        var saved = SpecialValues(TinyCount);
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, saved, map, Model);
        stream.Position = 0;

        var loaded = new float[TinyCount];
        SafeTensors.Load(stream, loaded, map, Model);
        AssertBitwiseEqual(saved, loaded);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void NonSeekableStreamLoads()
    {
        var map = TinyKeyMap();
        var saved = Values(TinyCount, 3);
        var loaded = new float[TinyCount];
        SafeTensors.Load(new NonSeekableStream(new MemoryStream(SaveToBytes(saved, map))), loaded, map, Model);
        AssertBitwiseEqual(saved, loaded);
    }

    [Fact]
    public void OffsetsInTheArenaAreHonouredAndGapsUntouched()
    {
        // Tensors at scattered offsets, a scalar and an empty tensor: only their slots change.
        TensorSpec[] map = [new("a.weight", [2, 2], 10), new("a.scale", [], 3), new("empty.weight", [0, 5], 0), new("b.bias", [3], 20)];
        var source = Values(30, 5);
        var bytes = SaveToBytes(source, map);

        var target = Sentinel(30);
        var expected = (float[])target.Clone();
        foreach (var t in map) source.AsSpan(t.Offset, t.Count).CopyTo(expected.AsSpan(t.Offset));
        SafeTensors.Load(new MemoryStream(bytes), target, map, Model);
        AssertBitwiseEqual(expected, target);
    }

    [Fact]
    public void SaveWritesKeyMapOrderPaddedHeaderAndMetadata()
    {
        var map = TinyKeyMap();
        var values = Values(TinyCount, 9);
        var bytes = SaveToBytes(values, map);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", header);
        string json0 = header.TrimEnd(' ');
        Assert.EndsWith("}", json0);
        Assert.InRange(header.Length - json0.Length, 0, 7);

        using var json = JsonDocument.Parse(header);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").ToArray();
        Assert.Equal(map.Select(t => t.Name), names);

        var data = bytes.AsSpan(8 + (int)headerLength);
        Assert.Equal(TinyCount * 4, data.Length);
        long position = 0;
        foreach (var t in map)
        {
            var entry = json.RootElement.GetProperty(t.Name);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal([position, position + t.Count * 4L], offsets);
            AssertBitwiseEqual(values.AsSpan(t.Offset, t.Count), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data.Slice((int)position, t.Count * 4)));
            position += t.Count * 4L;
        }

        var metadata = json.RootElement.GetProperty("__metadata__");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal(Model, metadata.GetProperty("axon.model").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), metadata.GetProperty("axon.sha256").GetString());
    }

    [Fact]
    public void ReadHeaderReturnsTensorsAndMetadataWithoutData()
    {
        var map = TinyKeyMap();
        var bytes = SaveToBytes(Values(TinyCount, 2), map);
        using var stream = new MemoryStream(bytes);

        var header = SafeTensors.ReadHeader(stream);
        Assert.Equal(header.DataStart, stream.Position);
        Assert.Equal(TinyCount * 4L, header.DataLength);
        Assert.Equal(bytes.Length, header.DataStart + header.DataLength);
        Assert.Equal(map.Select(t => t.Name), header.Tensors.Select(t => t.Name));
        Assert.Equal("[3, 4]", header.Tensors[0].ShapeText);
        Assert.Equal(12, header.Tensors[0].Count);
        Assert.Equal((0L, 48L), (header.Tensors[0].Begin, header.Tensors[0].End));
        Assert.Equal("F32", header.Tensors[0].DType);
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(Model, header.Metadata[SafeTensors.ModelMetadataKey]);
        Assert.Equal(64, header.Metadata[SafeTensors.Sha256MetadataKey].Length);
    }

    [Fact]
    public void ReadHeaderFromPathAcceptsAnyKnownDtype()
    {
        // ReadHeader checks the format only: an F16 file is well-formed, merely not loadable.
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "half.safetensors");
        File.WriteAllBytes(path, Build("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]}}""", new byte[8]));

        var header = SafeTensors.ReadHeader(path);
        var tensor = Assert.Single(header.Tensors);
        Assert.Equal("F16", tensor.DType);
        Assert.Equal([2L, 2L], tensor.Shape);
        Assert.Equal("pt", header.Metadata["format"]);
    }

    [Fact]
    public void EmptyKeyMapRoundTrips()
    {
        var bytes = SaveToBytes([], []);
        SafeTensors.Load(new MemoryStream(bytes), Span<float>.Empty, [], Model);
        Assert.Empty(SafeTensors.ReadHeader(new MemoryStream(bytes)).Tensors);
    }

    [Fact]
    public void FileWithoutMetadataLoads()
    {
        var values = Values(TinyCount, 4);
        var arena = new float[TinyCount];
        SafeTensors.Load(new MemoryStream(TinyFile(values)), arena, TinyKeyMap(), Model);
        AssertBitwiseEqual(values, arena);
    }
}
