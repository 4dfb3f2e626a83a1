using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Axon.Serialization;
using Xunit;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>Shared helpers: a tiny key map, hand-built files, sentinel arenas and the "unchanged" assertion.</summary>
internal static class SafeTensorsFixture
{
    public const string Model = "TinyMlp";

    /// <summary>A 4-3-2 MLP's key map, weight before bias, as the generator lays it out (23 floats).</summary>
    public static TensorSpec[] TinyKeyMap() =>
    [
        new("hidden.weight", [3, 4], 0),
        new("hidden.bias", [3], 12),
        new("logits.weight", [2, 3], 15),
        new("logits.bias", [2], 21),
    ];

    public const int TinyCount = 23;

    /// <summary>A valid header for <see cref="TinyKeyMap"/>, tensors in key-map order, no metadata (so data edits are not caught by a checksum).</summary>
    public const string TinyHeader =
        """{"hidden.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},"hidden.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"logits.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[60,84]},"logits.bias":{"dtype":"F32","shape":[2],"data_offsets":[84,92]}}""";

    /// <summary>Deterministic, finite, distinct values.</summary>
    public static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>An arena full of a recognisable pattern, to prove a failed load did not touch it.</summary>
    public static float[] Sentinel(int count) => Values(count, seed: 12345);

    public static byte[] FloatBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>A file from raw parts: the 8-byte length (the header's, unless overridden), the header text, the data.</summary>
    public static byte[] Build(string header, byte[] data, ulong? claimedLength = null) =>
        Build(Encoding.UTF8.GetBytes(header), data, claimedLength);

    public static byte[] Build(byte[] header, byte[] data, ulong? claimedLength = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, claimedLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A valid tiny file without metadata, with the given data.</summary>
    public static byte[] TinyFile(float[]? values = null) => Build(TinyHeader, FloatBytes(values ?? Values(TinyCount, 1)));

    public static byte[] SaveToBytes(float[] arena, TensorSpec[] map, string model = Model)
    {
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, arena, map, model);
        return stream.ToArray();
    }

    public static void AssertBitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var e = MemoryMarshal.Cast<float, int>(expected);
        var a = MemoryMarshal.Cast<float, int>(actual);
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] != a[i])
                Assert.Fail($"value {i} differs: expected {expected[i]:R} (0x{e[i]:X8}), got {actual[i]:R} (0x{a[i]:X8})");
        }
    }

    /// <summary>
    /// Loads <paramref name="file"/> three ways (path, seekable stream, non-seekable stream); each
    /// must throw <see cref="SafeTensorsException"/> and leave a sentinel arena bit-for-bit
    /// unchanged. Returns the exception from the path load (its message names the file).
    /// </summary>
    public static SafeTensorsException AssertLoadFails(byte[] file, TensorSpec[]? map = null, int arenaLength = TinyCount)
    {
        map ??= TinyKeyMap();
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        File.WriteAllBytes(path, file);

        var arena = Sentinel(arenaLength);
        var before = (float[])arena.Clone();
        var fromPath = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(path, arena, map, Model));
        AssertBitwiseEqual(before, arena);
        Assert.StartsWith(path + " ", fromPath.Message);
        Assert.Equal(path, fromPath.FileName);

        var fromStream = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new MemoryStream(file), arena, map, Model));
        AssertBitwiseEqual(before, arena);
        Assert.Equal(fromPath.Problems, fromStream.Problems);

        // A non-seekable stream cannot check lengths up front, but must reach the same verdict.
        Assert.Throws<SafeTensorsException>(() => SafeTensors.Load(new NonSeekableStream(new MemoryStream(file)), arena, map, Model));
        AssertBitwiseEqual(before, arena);
        return fromPath;
    }
}

/// <summary>A directory under the temp path, deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "axon-safetensors-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>A read-only view of a stream that cannot seek and does not know its length (a network stream, a pipe).</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes writes through until <c>limit</c> bytes, writes what fits, then fails: a crash or a full disk midway.</summary>
internal sealed class FailingStream(Stream inner, long limit) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = limit - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(0, room)]);
            inner.Flush();
            _written = limit;
            throw new IOException($"simulated failure after {limit} bytes");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);
}
