using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

/// <summary>
/// Hostile IDX files, generated small: a gzip bomb, gzip files cut short by 1-8 bytes or with a
/// wrong CRC, headers whose per-image size overflows int. Each must give an
/// <see cref="InvalidDataException"/> naming the file, with memory bounded by what the header
/// legitimately declares.
/// </summary>
public class IdxHostileFileTests
{
    private static byte[] Header(params uint[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = 0x08;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    /// <summary>Gzips <paramref name="header"/> followed by <paramref name="zeros"/> zero bytes.</summary>
    private static byte[] GzipWithZeros(byte[] header, long zeros)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(header);
            var chunk = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= chunk.Length)
                gz.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }
        return output.ToArray();
    }

    private static byte[] ValidGzip() => GzipWithZeros(Header(2, 28, 28), 2 * 28 * 28);

    [Fact]
    public void GzipBombDeclaringOneImageFailsAfterTheDeclaredBytesWithBoundedMemory()
    {
        // One 28×28 image declared, 64 MB of zeros inflated (a 64 KB file; the 3 MB file held 3 GB).
        byte[] bomb = GzipWithZeros(Header(1, 28, 28), 64L << 20);
        Assert.True(bomb.Length < 256 << 10, $"{bomb.Length} bytes");
        var stream = new MemoryStream(bomb);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(stream, "bomb.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("bomb.gz", e.Message);
        Assert.Contains("inflates to more than the 800 bytes its IDX header declares", e.Message);
        // The compressed copy and the inflater's buffers; the old reader allocated the 64 MB.
        Assert.True(allocated < 3L * bomb.Length + (2 << 20), $"allocated {allocated} bytes for a {bomb.Length}-byte file");
    }

    [Fact]
    public void GzipDeclaringFarMoreThanItHoldsAllocatesOnlyWhatArrives()
    {
        // [1, 46340, 46340] declares 2.1 GB; the file inflates to 64 KB of it.
        byte[] file = GzipWithZeros(Header(1, 46340, 46340), 64 << 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(file), "short.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("short.gz", e.Message);
        Assert.Contains("data is truncated", e.Message);
        Assert.Contains("only 65536 are present", e.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void GzipCutShortByAFewBytesIsRefusedNamingTheFile(int cut)
    {
        byte[] gz = ValidGzip();
        Assert.Equal(2, Idx.ReadImages(new MemoryStream(gz), "whole.gz").Count);
        string path = Path.Combine(Path.GetTempPath(), $"axon-idx-cut-{cut}-{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(path, gz[..^cut]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
            Assert.StartsWith(Path.GetFileName(path), e.Message);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(8, "CRC-32")]   // first CRC byte
    [InlineData(5, "CRC-32")]   // last CRC byte
    [InlineData(1, "length")]   // last ISIZE byte
    public void GzipWithAWrongTrailerIsRefused(int fromEnd, string what)
    {
        byte[] gz = ValidGzip();
        gz[^fromEnd] ^= 0x5A;
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(gz), "crc.gz"));
        // zlib checks the trailer when it reaches it; Axon checks it too (for files cut short, where zlib never does).
        Assert.StartsWith("crc.gz", e.Message);
        Assert.Contains("gzip", e.Message);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Theory]
    [InlineData(65536u, 65536u)]
    [InlineData(2147483647u, 2147483647u)]
    public void ZeroImagesOfAnOverflowingSizeThrowInvalidDataNamingTheFile(uint rows, uint columns)
    {
        // 0 images: 0 values, but one image would be rows·columns pixels, which int wraps (to 0 or 1).
        byte[] file = Header(0, rows, columns);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(new MemoryStream(file), "empty-images.idx"));
        Assert.StartsWith("empty-images.idx", e.Message);
        Assert.Contains($"{rows} × {columns}", e.Message);
        Assert.Contains("more than 2147483591 values each", e.Message);

        string dir = Path.Combine(Path.GetTempPath(), "axon-idx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "images.idx"), file);
            File.WriteAllBytes(Path.Combine(dir, "labels.idx"), Header(0));
            var c = Assert.Throws<InvalidDataException>(() => Idx.ReadClassification(Path.Combine(dir, "images.idx"), Path.Combine(dir, "labels.idx")));
            Assert.StartsWith("images.idx", c.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void PlainNonSeekableStreamWithTrailingBytesIsRefused()
    {
        byte[] file = [.. Header(2, 1, 1), 7, 8, 9];
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new NonSeekable(new MemoryStream(file)), "pipe"));
        Assert.StartsWith("pipe", e.Message);
        Assert.Contains("extra data", e.Message);
        Assert.Equal([7, 8], Idx.Read(new NonSeekable(new MemoryStream(file[..^1])), "pipe").Data);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
