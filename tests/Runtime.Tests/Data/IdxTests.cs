using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

public class IdxTests
{
    // Two 2×3 images, built by hand: magic 00 00 08 03, dims 2, 2, 3 (big-endian), 12 pixels.
    private static readonly byte[] ImagePixels = [0, 255, 51, 102, 153, 204, 1, 2, 3, 254, 128, 127];

    private static readonly byte[] ImageFile =
    [
        0x00, 0x00, 0x08, 0x03,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x03,
        .. ImagePixels,
    ];

    private static readonly byte[] LabelFile =
    [
        0x00, 0x00, 0x08, 0x01,
        0x00, 0x00, 0x00, 0x04,
        9, 0, 3, 255,
    ];

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(raw);
        return output.ToArray();
    }

    private static void AssertImages(IdxImages images)
    {
        Assert.Equal(2, images.Count);
        Assert.Equal(2, images.Rows);
        Assert.Equal(3, images.Columns);
        Assert.Equal(6, images.PixelsPerImage);
        Assert.Equal(ImagePixels.Length, images.Pixels.Length);
        for (int i = 0; i < ImagePixels.Length; i++)
            Assert.Equal(ImagePixels[i] / 255f, images.Pixels[i]);
        Assert.Equal(0f, images.Pixels[0]);
        Assert.Equal(1f, images.Pixels[1]);
    }

    [Fact]
    public void ReadImages_PlainStream_ScalesBytesToUnitInterval() =>
        AssertImages(Idx.ReadImages(new MemoryStream(ImageFile)));

    [Fact]
    public void ReadImages_GzipStream_DecompressesByMagicBytes() =>
        AssertImages(Idx.ReadImages(new MemoryStream(Gzip(ImageFile))));

    [Fact]
    public void ReadImages_DetectsCompressionByContentNotExtension()
    {
        using var dir = new TempDirectory();
        // A gzip file without .gz, and a plain file with .gz: both must read.
        File.WriteAllBytes(dir.File("images.idx"), Gzip(ImageFile));
        File.WriteAllBytes(dir.File("images.gz"), ImageFile);
        AssertImages(Idx.ReadImages(dir.File("images.idx")));
        AssertImages(Idx.ReadImages(dir.File("images.gz")));
    }

    [Fact]
    public void ReadLabels_PlainAndGzip_ReturnClassIndices()
    {
        Assert.Equal([9, 0, 3, 255], Idx.ReadLabels(new MemoryStream(LabelFile)));
        Assert.Equal([9, 0, 3, 255], Idx.ReadLabels(new MemoryStream(Gzip(LabelFile))));
    }

    [Fact]
    public void Read_ReturnsDimensionsAndRawBytes()
    {
        var idx = Idx.Read(new MemoryStream(ImageFile));
        Assert.Equal([2, 2, 3], idx.Dimensions);
        Assert.Equal(ImagePixels, idx.Data);
    }

    [Fact]
    public void Write_Plain_ProducesTheHandBuiltBytes()
    {
        var stream = new MemoryStream();
        Idx.Write(stream, [2, 2, 3], ImagePixels);
        Assert.Equal(ImageFile, stream.ToArray());
    }

    [Fact]
    public void Write_Gzip_RoundTripsThroughRead()
    {
        using var dir = new TempDirectory();
        Idx.Write(dir.File("labels.gz"), [4], LabelFile.AsSpan(8), compress: true);
        byte[] written = File.ReadAllBytes(dir.File("labels.gz"));
        Assert.Equal(0x1F, written[0]);
        Assert.Equal(0x8B, written[1]);
        Assert.Equal([9, 0, 3, 255], Idx.ReadLabels(dir.File("labels.gz")));
    }

    [Fact]
    public void Write_DataLengthDisagreeingWithDimensions_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Idx.Write(new MemoryStream(), [2, 3], new byte[5]));
        Assert.Contains("5 bytes", e.Message);
        Assert.Contains("need 6", e.Message);
    }

    public static IEnumerable<object[]> Malformed()
    {
        // name, bytes, fragments the message must contain (what was expected and what was given)
        yield return ["empty", Array.Empty<byte>(), new[] { "has 0 bytes", "at least 4" }];
        yield return ["three bytes", new byte[] { 0, 0, 8 }, new[] { "has 3 bytes", "at least 4" }];
        yield return ["bad magic", new byte[] { 0x01, 0x02, 0x08, 0x03, 0, 0, 0, 0 }, new[] { "0x01020803", "expected 00 00 08 NN" }];
        yield return ["float data", new byte[] { 0, 0, 0x0D, 0x01, 0, 0, 0, 0 }, new[] { "0x0D (float32)", "expected 0x08 (unsigned byte)" }];
        yield return ["zero dims", new byte[] { 0, 0, 0x08, 0x00 }, new[] { "declares 0 dimensions", "expected 1 to 8" }];
        yield return ["truncated header", ImageFile[..10], new[] { "header is truncated", "need 16 header bytes", "has 10" }];
        yield return ["truncated data", ImageFile[..^1], new[] { "truncated", "need 12 bytes", "only 11 are present" }];
        yield return ["extra data", (byte[])[.. ImageFile, 7], new[] { "need 12 bytes", "13 are present", "1 extra" }];
        yield return ["dimension above int.MaxValue",
            new byte[] { 0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { "dimension 0 is 4294967295", "at most 2147483647" }];
        yield return ["product overflows",
            new byte[] { 0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, new[] { "65536 × 65536", "more than 2147483591" }];
        yield return ["corrupt gzip", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, new[] { "gzip" }];
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_MalformedFile_ThrowsNamingExpectedAndGiven(string name, byte[] bytes, string[] fragments)
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(bytes), name));
        Assert.StartsWith(name, e.Message);
        foreach (var fragment in fragments)
            Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Read_TruncatedGzip_Throws()
    {
        byte[] gz = Gzip(ImageFile);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(gz[..(gz.Length / 2)]), "cut.gz"));
        Assert.Contains("cut.gz", e.Message);
    }

    [Fact]
    public void ReadImages_OnLabelFile_ThrowsNamingRanks()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(new MemoryStream(LabelFile), "labels.idx"));
        Assert.Contains("3 dimensions [count, rows, columns]", e.Message);
        Assert.Contains("this file has 1", e.Message);
    }

    [Fact]
    public void ReadLabels_OnImageFile_ThrowsNamingRanks()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(new MemoryStream(ImageFile), "images.idx"));
        Assert.Contains("1 dimension [count]", e.Message);
        Assert.Contains("this file has 3", e.Message);
    }

    [Fact]
    public void ReadClassification_LabelCountDifferentFromImageCount_ThrowsWithBothCounts()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("images.gz"), Gzip(ImageFile));
        File.WriteAllBytes(dir.File("labels.gz"), Gzip(LabelFile));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadClassification(dir.File("images.gz"), dir.File("labels.gz")));
        Assert.Contains("labels.gz has 4 labels", e.Message);
        Assert.Contains("images.gz has 2 images", e.Message);
    }

    [Fact]
    public void ReadClassification_MatchingFiles_GivesDataset()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("images"), ImageFile);
        Idx.Write(dir.File("labels"), [2], [4, 1]);
        var data = Idx.ReadClassification(dir.File("images"), dir.File("labels"));
        Assert.Equal(2, data.Count);
        Assert.Equal(6, data.FeatureSize);
        Assert.Equal([4, 1], data.Labels!);
        Assert.Equal(1f, data.FeaturesOf(0)[1]);
    }
}
