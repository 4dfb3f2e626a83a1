using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Axon.Data;

/// <summary>
/// The raw contents of an IDX file: its dimensions and its unsigned-byte values, row-major.
/// </summary>
/// <param name="Dimensions">The sizes from the header, outermost first (e.g. <c>[count, rows, columns]</c>).</param>
/// <param name="Data">The values; its length is the product of <paramref name="Dimensions"/>.</param>
public sealed record IdxArray(int[] Dimensions, byte[] Data);

/// <summary>
/// Images read from an IDX file: <see cref="Pixels"/> is <c>[Count, Rows·Columns]</c>, row-major,
/// each pixel <c>byte / 255</c> so values lie in [0, 1].
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps already-scaled pixels; the array is used, not copied.</summary>
    /// <exception cref="ArgumentException">The pixel count is not <c>count·rows·columns</c>.</exception>
    public IdxImages(float[] pixels, int count, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns > Array.MaxLength)
            throw new ArgumentException($"{rows} × {columns} pixels per image are more than one array holds ({Array.MaxLength}).", nameof(rows));
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException(
                $"pixels has {pixels.Length} values; expected {count} × {rows} × {columns} = {(long)count * rows * columns}.", nameof(pixels));
        Pixels = pixels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>All pixels, image after image, each image row-major; values in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Image height.</summary>
    public int Rows { get; }

    /// <summary>Image width.</summary>
    public int Columns { get; }

    /// <summary>Values per image: <c>Rows·Columns</c>.</summary>
    public int PixelsPerImage => Rows * Columns;
}

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic number
/// <c>00 00 TT NN</c> (TT the data type, NN the number of dimensions), NN big-endian 32-bit
/// sizes, then the values. Only unsigned bytes (type <c>0x08</c>) are supported, which is
/// what image and label files use.
/// </summary>
/// <remarks>
/// Files may be plain or gzip-compressed; compression is detected from the gzip magic bytes
/// <c>1F 8B</c>, not from the file extension, because downloaded copies are often renamed or
/// already decompressed by the browser. Validation is strict: a header that disagrees with the
/// data (too few or too many bytes), a wrong type or rank, or sizes that overflow all throw
/// <see cref="InvalidDataException"/> naming what was expected and what was found.
/// </remarks>
public static class Idx
{
    /// <summary>The IDX type code of unsigned bytes.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Magic number of a 3-dimensional unsigned-byte IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a 1-dimensional unsigned-byte IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int MaxDimensions = 8;

    // b / 255f exactly as torchvision's ToTensor computes it (b · (1/255f) differs in the last bit
    // for some b); a table keeps the exact division at the cost of a lookup.
    private static readonly float[] PixelValues = CreatePixelValues();

    private static float[] CreatePixelValues()
    {
        var table = new float[256];
        for (int b = 0; b < table.Length; b++) table[b] = b / 255f;
        return table;
    }

    /// <summary>Reads any unsigned-byte IDX file, plain or gzip-compressed.</summary>
    /// <remarks>
    /// Memory is bounded by what the file legitimately needs: a plain file's declared size is
    /// checked against its length before anything is allocated; a gzip file is held compressed
    /// (its own size) and inflated only up to the size its IDX header declares, one byte more
    /// proving trailing data (so a small file that inflates to gigabytes fails after the declared
    /// bytes, not after the gigabytes). The gzip trailer (CRC-32 and length) is verified, so a file
    /// cut short by a few bytes is refused. Only single-member gzip files (what <c>gzip</c> and
    /// <see cref="Write(Stream, ReadOnlySpan{int}, ReadOnlySpan{byte}, bool)"/> produce) are read.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a well-formed unsigned-byte IDX file; the message starts with the file's name.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadCore(file, Path.GetFileName(path));
    }

    /// <summary>Reads any unsigned-byte IDX file from <paramref name="stream"/> (to its end), plain or gzip-compressed.</summary>
    /// <param name="stream">The source; read to the end, not closed.</param>
    /// <param name="name">What to call the source in error messages. Default: <c>"stream"</c>.</param>
    /// <remarks>Resource bounds as for <see cref="Read(string)"/>.</remarks>
    /// <exception cref="InvalidDataException">The data is not a well-formed unsigned-byte IDX file.</exception>
    public static IdxArray Read(Stream stream, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, name);
    }

    /// <summary>
    /// Reads a 3-dimensional image file (<c>[count, rows, columns]</c>, magic <c>0x00000803</c>) and scales
    /// every pixel to <c>byte / 255</c>, in [0, 1].
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed image file.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ToImages(Read(path), Path.GetFileName(path));
    }

    /// <inheritdoc cref="ReadImages(string)"/>
    /// <param name="stream">The source; read to the end, not closed.</param>
    /// <param name="name">What to call the source in error messages. Default: <c>"stream"</c>.</param>
    public static IdxImages ReadImages(Stream stream, string name = "stream") => ToImages(Read(stream, name), name);

    /// <summary>Reads a 1-dimensional label file (<c>[count]</c>, magic <c>0x00000801</c>) as class indices.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed label file.</exception>
    public static int[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ToLabels(Read(path), Path.GetFileName(path));
    }

    /// <inheritdoc cref="ReadLabels(string)"/>
    /// <param name="stream">The source; read to the end, not closed.</param>
    /// <param name="name">What to call the source in error messages. Default: <c>"stream"</c>.</param>
    public static int[] ReadLabels(Stream stream, string name = "stream") => ToLabels(Read(stream, name), name);

    /// <summary>
    /// Reads an image file and its label file as a classification <see cref="Dataset"/> with
    /// <c>FeatureSize = rows·columns</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">Either file is malformed, or the label count differs from the image count.</exception>
    public static Dataset ReadClassification(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new InvalidDataException(
                $"{Path.GetFileName(labelsPath)} has {labels.Length} labels, but {Path.GetFileName(imagesPath)} has {images.Count} images; expected one label per image.");
        return Dataset.FromClassification(images.Pixels, labels, images.PixelsPerImage);
    }

    /// <summary>
    /// Writes an unsigned-byte IDX file: magic <c>00 00 08 NN</c>, the big-endian sizes, then
    /// <paramref name="data"/>; gzip-compressed when <paramref name="compress"/> is true (default: false).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes are negative, more than 255, or their product is not the data length.</exception>
    public static void Write(Stream stream, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (dimensions.Length is 0 or > 255)
            throw new ArgumentException($"an IDX file has 1 to 255 dimensions; {dimensions.Length} were given.", nameof(dimensions));
        long product = 1;
        foreach (int d in dimensions)
        {
            if (d < 0) throw new ArgumentException($"dimension sizes must be non-negative; {d} was given.", nameof(dimensions));
            product *= d;
            if (product > int.MaxValue) break;
        }
        if (product != data.Length)
            throw new ArgumentException($"data has {data.Length} bytes; the dimensions [{string.Join(", ", dimensions.ToArray())}] need {product}.", nameof(data));

        Stream target = compress ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
        try
        {
            Span<byte> header = stackalloc byte[4];
            header[0] = 0; header[1] = 0; header[2] = UnsignedByte; header[3] = (byte)dimensions.Length;
            target.Write(header);
            foreach (int d in dimensions)
            {
                BinaryPrimitives.WriteInt32BigEndian(header, d);
                target.Write(header);
            }
            target.Write(data);
        }
        finally
        {
            if (compress) target.Dispose();
        }
    }

    /// <summary>Writes an unsigned-byte IDX file to <paramref name="path"/>; see <see cref="Write(Stream, ReadOnlySpan{int}, ReadOnlySpan{byte}, bool)"/>.</summary>
    public static void Write(string path, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data, bool compress = false)
    {
        using var file = File.Create(path);
        Write(file, dimensions, data, compress);
    }

    private static IdxImages ToImages(IdxArray idx, string name)
    {
        RequireRank(idx, 3, "images", "[count, rows, columns]", name);
        int count = idx.Dimensions[0], rows = idx.Dimensions[1], columns = idx.Dimensions[2];
        var pixels = new float[idx.Data.Length];
        var bytes = idx.Data;
        var table = PixelValues;
        for (int i = 0; i < bytes.Length; i++)
            pixels[i] = table[bytes[i]];
        return new IdxImages(pixels, count, rows, columns);
    }

    private static int[] ToLabels(IdxArray idx, string name)
    {
        RequireRank(idx, 1, "labels", "[count]", name);
        var labels = new int[idx.Data.Length];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = idx.Data[i];
        return labels;
    }

    private static void RequireRank(IdxArray idx, int rank, string what, string shape, string name)
    {
        if (idx.Dimensions.Length != rank)
            throw new InvalidDataException(
                $"{name}: an IDX {what} file has {rank} dimension{(rank == 1 ? "" : "s")} {shape} (magic 0x{0x800 | rank:X8}), " +
                $"but this file has {idx.Dimensions.Length} (magic 0x{0x800 | idx.Dimensions.Length:X8}).");
    }

    private static IdxArray ReadCore(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[2];
        int got = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
            return ReadGzip(stream, name);
        long? length = stream.CanSeek ? got + Math.Max(0, stream.Length - stream.Position) : null;
        return ParseIdx(new PrefixedStream(magic[..got].ToArray(), stream), name, length, gzip: null);
    }

    private static IdxArray ReadGzip(Stream stream, string name)
    {
        // The compressed bytes are the file's own size; the trailer is their last 8 bytes.
        using var compressed = new MemoryStream();
        compressed.Write([0x1F, 0x8B]);
        stream.CopyTo(compressed);
        byte[] raw = compressed.GetBuffer();
        int length = (int)compressed.Length;
        if (length < 18)
            throw new InvalidDataException($"{name}: starts with the gzip magic bytes 1F 8B but has {length} bytes; a gzip file has at least 18 (header and trailer).");
        var trailer = new GzipTrailer(
            BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(length - 8, 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(length - 4, 4)));
        using var gzip = new GZipStream(new MemoryStream(raw, 0, length, writable: false), CompressionMode.Decompress);
        return ParseIdx(new CrcStream(gzip, name), name + " (gzip)", length: null, trailer);
    }

    /// <summary>The CRC-32 and the uncompressed length mod 2^32 a gzip file ends with.</summary>
    private readonly record struct GzipTrailer(uint Crc32, uint Length);

    private static IdxArray ParseIdx(Stream stream, string name, long? length, GzipTrailer? gzip)
    {
        Span<byte> head = stackalloc byte[4 + 4 * MaxDimensions];
        int got = stream.ReadAtLeast(head[..4], 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InvalidDataException(
                $"{name}: has {got} byte{(got == 1 ? "" : "s")}; expected at least 4 (the IDX magic number 00 00 08 NN).");
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException(
                $"{name}: bad IDX magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(head):X8}; expected 00 00 08 NN (two zero bytes, type 0x08, then the number of dimensions).");
        byte type = head[2];
        if (type != UnsignedByte)
            throw new InvalidDataException(
                $"{name}: IDX data type is 0x{type:X2} ({TypeName(type)}); expected 0x08 (unsigned byte), the only type Axon reads.");
        int rank = head[3];
        if (rank is 0 or > MaxDimensions)
            throw new InvalidDataException($"{name}: IDX header declares {rank} dimensions; expected 1 to {MaxDimensions}.");
        int headerLength = 4 + 4 * rank;
        got = 4 + stream.ReadAtLeast(head[4..headerLength], headerLength - 4, throwOnEndOfStream: false);
        if (got < headerLength)
            throw new InvalidDataException(
                $"{name}: header is truncated: {rank} dimensions need {headerLength} header bytes, but the file has {got}.");

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(head.Slice(4 + 4 * i));
            if (d > int.MaxValue)
                throw new InvalidDataException($"{name}: dimension {i} is {d}; expected at most {int.MaxValue}.");
            dims[i] = (int)d;
        }
        // Checked products, of the whole and of one item (all but the first dimension): with a
        // zero count, [0, 65536, 65536] has 0 values but an image of 2^32 pixels, which int
        // arithmetic later wraps (to 0, or to 1 for [0, 2^31-1, 2^31-1]).
        int expected = Product(dims, 0, name);
        Product(dims, 1, name);

        if (length is long known && known - headerLength != expected)
        {
            long actual = known - headerLength;
            throw new InvalidDataException(actual < expected
                ? $"{name}: data is truncated: dimensions [{string.Join(" × ", dims)}] need {expected} bytes after the {headerLength}-byte header, but only {actual} are present."
                : $"{name}: dimensions [{string.Join(" × ", dims)}] need {expected} bytes after the {headerLength}-byte header, but {actual} are present ({actual - expected} extra).");
        }

        // Allocate as bytes arrive (doubling up to the declared size) unless the length is known:
        // a header declaring 2 GB in a 3 MB gzip must not reserve 2 GB before the data runs out.
        byte[] data = length is null ? new byte[Math.Min(expected, 1 << 20)] : GC.AllocateUninitializedArray<byte>(expected);
        int filled = 0;
        while (filled < expected)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(expected, 2L * data.Length));
            int n = stream.Read(data, filled, data.Length - filled);
            if (n == 0)
                throw new InvalidDataException(
                    $"{name}: data is truncated: dimensions [{string.Join(" × ", dims)}] need {expected} bytes after the {headerLength}-byte header, but only {filled} are present.");
            filled += n;
        }

        // One byte more proves trailing data without inflating (or reading) the rest of it.
        Span<byte> one = stackalloc byte[1];
        if (length is null && stream.Read(one) > 0)
            throw new InvalidDataException(gzip is null
                ? $"{name}: dimensions [{string.Join(" × ", dims)}] need {expected} bytes after the {headerLength}-byte header, but more are present (extra data after them)."
                : $"{name}: inflates to more than the {headerLength + (long)expected} bytes its IDX header declares (dimensions [{string.Join(" × ", dims)}]): trailing data, or a decompression bomb.");

        if (gzip is GzipTrailer trailer && stream is CrcStream crc)
        {
            uint actualCrc = crc.Crc32, actualLength = (uint)crc.Count;
            if (actualCrc != trailer.Crc32 || actualLength != trailer.Length)
                throw new InvalidDataException(
                    $"{name}: the gzip trailer says CRC-32 {trailer.Crc32:X8} and length {trailer.Length}, but the inflated data has CRC-32 {actualCrc:X8} and length {actualLength}: the file is corrupt or cut short.");
        }
        return new IdxArray(dims, data);
    }

    /// <summary>The product of <c>dims[from..]</c>, or an <see cref="InvalidDataException"/> when it exceeds an array's capacity.</summary>
    private static int Product(int[] dims, int from, string name)
    {
        long total = 1;
        for (int i = from; i < dims.Length; i++)
        {
            total *= dims[i];
            if (total > Array.MaxLength)
                throw new InvalidDataException(from == 0
                    ? $"{name}: dimensions [{string.Join(" × ", dims[..(i + 1)])}] make more than {Array.MaxLength} values, the most an array can hold; the header is probably corrupt."
                    : $"{name}: dimensions [{string.Join(" × ", dims)}] make items of [{string.Join(" × ", dims[from..(i + 1)])}] = more than {Array.MaxLength} values each, the most an array can hold; the header is probably corrupt.");
            if (total == 0) break;
        }
        return (int)total;
    }

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown",
    };
}
