using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Axon.Serialization;

/// <summary>
/// Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files
/// against a model's key map, so parameters move between Axon and PyTorch unchanged.
/// </summary>
/// <remarks>
/// <para>
/// The format: an 8-byte little-endian unsigned header length <c>N</c>, then <c>N</c> bytes of
/// UTF-8 JSON, <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {string: string}}</c>, then the raw little-endian tensor data; offsets are
/// relative to the start of the data section.
/// </para>
/// <para>
/// Files may be hostile (a downloaded model is untrusted input), so <see cref="Load(string, Span{float}, IReadOnlyList{TensorSpec}, string)"/>
/// validates everything before it touches the destination: the header length against the
/// format's 100 MB limit and the file's length (before allocating anything), the JSON's
/// structure and depth, every entry's dtype, shape (with overflow-checked products) and
/// offsets, that the offsets tile the data section exactly, that names and shapes equal the
/// model's key map, the <c>axon.sha256</c> checksum when present, and that every value is
/// finite. Bad contents always raise <see cref="SafeTensorsException"/> listing every problem
/// found; a failed load leaves the arena bit-for-bit unchanged. Memory allocated is bounded by
/// the bytes actually present in the file and by the model's own size, never by a length the
/// file merely claims.
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Largest header accepted, in bytes: 100 MB, the limit of the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Metadata key under which <see cref="Save(string, ReadOnlySpan{float}, IReadOnlyList{TensorSpec}, string)"/> stores the model's name.</summary>
    public const string ModelMetadataKey = "axon.model";

    /// <summary>Metadata key under which Axon stores the lowercase hex SHA-256 of the data section; verified on load when present.</summary>
    public const string Sha256MetadataKey = "axon.sha256";

    private const string MetadataKey = "__metadata__";

    // Legitimate headers nest three containers deep (root, entry, shape); one level of slack,
    // then the parser stops, so a header of a million '[' cannot exhaust the stack.
    private const int MaxJsonDepth = 4;

    // Messages list this many problems and count the rest: a hostile header with a million
    // bad entries must not produce a gigabyte-long message.
    private const int MaxListedProblems = 20;

    // I/O and hashing run in chunks of this many floats (1 MB), so no single span exceeds
    // int.MaxValue bytes even for models near the 2^31-float arena limit.
    private const int ChunkFloats = 1 << 18;

    // Element sizes of every safetensors dtype with a whole-byte size. Unknown and sub-byte
    // dtypes (F4, F6_*) are rejected: Axon could not size them and never needs them.
    private static readonly Dictionary<string, int> DTypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    // ---------------------------------------------------------------- Save

    /// <summary>
    /// Writes <paramref name="tensors"/> from <paramref name="arena"/> to <paramref name="path"/> as
    /// F32 safetensors, atomically: the bytes go to a temporary file in the same directory, are
    /// flushed to disk, and only then is the temporary file renamed over <paramref name="path"/>.
    /// If anything fails, the temporary file is deleted and an existing file at
    /// <paramref name="path"/> is left as it was.
    /// </summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map; tensors are written in this order, contiguously.</param>
    /// <param name="modelName">Stored as <c>axon.model</c> metadata and used in messages.</param>
    /// <remarks>
    /// The header is padded with spaces to a multiple of 8 bytes (as the reference implementation
    /// does, so the data section is aligned) and carries the metadata
    /// <c>{"format": "pt", "axon.model": modelName, "axon.sha256": hex SHA-256 of the data section}</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The key map is inconsistent with the arena (a tensor out of range, a duplicate name).</exception>
    public static void Save(string path, ReadOnlySpan<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName) =>
        Save(path, arena, tensors, modelName, wrapTempStream: null);

    /// <summary>
    /// The atomic save with a test seam: <paramref name="wrapTempStream"/> wraps the temporary
    /// file's stream, so a test can make the write fail midway (a process dying, a full disk) and
    /// check that the previous file survived byte for byte. A parameter rather than a static hook,
    /// so tests running in parallel cannot disturb each other's saves.
    /// </summary>
    internal static void Save(string path, ReadOnlySpan<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName,
        Func<Stream, Stream>? wrapTempStream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckKeyMap(arena.Length, tensors, modelName);

        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
            throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        // Same directory as the destination: File.Move is then a rename within one file system,
        // which replaces the destination atomically. A random suffix keeps concurrent saves apart.
        string tempPath = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");

        FileStream? file = null;
        try
        {
            file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            Stream target = wrapTempStream?.Invoke(file) ?? file;
            WriteCore(target, arena, tensors, modelName);
            target.Flush();
            // Flush(true) reaches the disk (fsync), so a power loss after the rename cannot leave
            // a renamed but empty or partial file.
            file.Flush(flushToDisk: true);
            file.Dispose();
            file = null;
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            file?.Dispose();
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> from <paramref name="arena"/> to <paramref name="stream"/>
    /// as F32 safetensors, starting at the stream's position. Not atomic (a stream has no rename):
    /// use <see cref="Save(string, ReadOnlySpan{float}, IReadOnlyList{TensorSpec}, string)"/> for files.
    /// The stream is flushed, not closed.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map; tensors are written in this order, contiguously.</param>
    /// <param name="modelName">Stored as <c>axon.model</c> metadata.</param>
    public static void Save(Stream stream, ReadOnlySpan<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        CheckKeyMap(arena.Length, tensors, modelName);
        WriteCore(stream, arena, tensors, modelName);
        stream.Flush();
    }

    private static void WriteCore(Stream stream, ReadOnlySpan<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName)
    {
        byte[] scratch = BitConverter.IsLittleEndian ? [] : new byte[ChunkFloats * sizeof(float)];

        // The checksum goes into the header, which precedes the data: hash first, write second.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tensors)
        {
            var values = arena.Slice(t.Offset, t.Count);
            for (int i = 0; i < values.Length; i += ChunkFloats)
                sha.AppendData(LittleEndianBytes(values.Slice(i, Math.Min(ChunkFloats, values.Length - i)), scratch));
        }
        string hash = Convert.ToHexStringLower(sha.GetHashAndReset());

        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            // Metadata first, as the reference implementation writes it.
            writer.WriteStartObject(MetadataKey);
            writer.WriteString("format", "pt");
            writer.WriteString(ModelMetadataKey, modelName);
            writer.WriteString(Sha256MetadataKey, hash);
            writer.WriteEndObject();
            long position = 0;
            foreach (var t in tensors)
            {
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in t.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(position);
                position += (long)t.Count * sizeof(float);
                writer.WriteNumberValue(position);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }

        // Spaces pad the header to a multiple of 8 so the data section starts 8-byte aligned
        // (what the reference implementation does; JSON ignores trailing whitespace).
        int padding = (8 - json.WrittenCount % 8) % 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(json.WrittenCount + padding));
        stream.Write(prefix);
        stream.Write(json.WrittenSpan);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');

        foreach (var t in tensors)
        {
            var values = arena.Slice(t.Offset, t.Count);
            for (int i = 0; i < values.Length; i += ChunkFloats)
                stream.Write(LittleEndianBytes(values.Slice(i, Math.Min(ChunkFloats, values.Length - i)), scratch));
        }
    }

    private static ReadOnlySpan<byte> LittleEndianBytes(ReadOnlySpan<float> values, byte[] scratch)
    {
        if (BitConverter.IsLittleEndian)
            return MemoryMarshal.AsBytes(values);
        var bytes = scratch.AsSpan(0, values.Length * sizeof(float));
        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, uint>(values), MemoryMarshal.Cast<byte, uint>(bytes));
        return bytes;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // ---------------------------------------------------------------- Load

    /// <summary>
    /// Reads <paramref name="tensors"/> from the safetensors file at <paramref name="path"/> into
    /// <paramref name="arena"/>. Everything is validated first (see <see cref="SafeTensors"/>);
    /// the data goes to a temporary buffer and is copied into the arena only after every check
    /// passed, so on any error the arena is unchanged.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map the file must match exactly: same names, same shapes, F32.</param>
    /// <param name="modelName">Used in messages (<c>model.safetensors does not match FashionMlp: ...</c>).</param>
    /// <exception cref="SafeTensorsException">The file is malformed, corrupt, holds non-finite values, or does not match the key map; the message lists every problem found.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The key map is inconsistent with the arena.</exception>
    public static void Load(string path, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long total = CheckKeyMap(arena.Length, tensors, modelName);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        LoadCore(file, path, arena, tensors, modelName, total);
    }

    /// <summary>
    /// Reads <paramref name="tensors"/> from a safetensors stream, starting at its position, into
    /// <paramref name="arena"/>, with the same validation and the same all-or-nothing guarantee as
    /// <see cref="Load(string, Span{float}, IReadOnlyList{TensorSpec}, string)"/>. A seekable stream
    /// must end exactly where the data section ends; a non-seekable one is read to its end, and
    /// extra bytes after the data section are rejected.
    /// </summary>
    /// <param name="stream">A readable stream; not closed.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map the stream must match exactly.</param>
    /// <param name="modelName">Used in messages.</param>
    /// <exception cref="SafeTensorsException">The contents are malformed, corrupt, hold non-finite values, or do not match the key map.</exception>
    public static void Load(Stream stream, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        long total = CheckKeyMap(arena.Length, tensors, modelName);
        LoadCore(stream, Describe(stream), arena, tensors, modelName, total);
    }

    private static void LoadCore(Stream stream, string source, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName, long modelFloats)
    {
        var parsed = ReadHeaderCore(stream, source);
        var problems = parsed.Problems;
        bool malformed = problems.Count > 0;
        CompareToModel(parsed, tensors, modelName, problems);
        if (problems.Count > 0)
            throw Fail(source, malformed ? $"is not a valid safetensors file for {modelName}" : $"does not match {modelName}", problems);

        // Names, shapes and dtypes equal the key map's and the offsets tile the data section, so
        // the data section is exactly the model's size: the staging buffer below is sized by the
        // caller's model, not by anything the file claims. (Checked anyway, cheaply.)
        long dataLength = parsed.DataLength;
        if (dataLength != modelFloats * sizeof(float))
            throw Fail(source, $"does not match {modelName}", Single($"its data section has {dataLength} bytes, {modelName} expects {modelFloats * sizeof(float)}"));

        // Stage the whole data section, in file order: F32 entries tiling from byte 0 means the
        // tensor at data_offsets [begin, end] is staging[begin/4 .. end/4].
        float[] staging = GC.AllocateUninitializedArray<float>((int)modelFloats);
        string? expectedHash = parsed.Metadata.GetValueOrDefault(Sha256MetadataKey);
        using var sha = expectedHash is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < staging.Length; i += ChunkFloats)
        {
            var chunk = staging.AsSpan(i, Math.Min(ChunkFloats, staging.Length - i));
            var bytes = MemoryMarshal.AsBytes(chunk);
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length)
                throw Fail(source, "is truncated", Single($"its data section ends after {(long)i * sizeof(float) + read} bytes, the header describes {dataLength}"));
            sha?.AppendData(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                var words = MemoryMarshal.Cast<float, uint>(chunk);
                BinaryPrimitives.ReverseEndianness(words, words);
            }
        }
        if (!stream.CanSeek)
        {
            // The length of a non-seekable stream was unknown while the header was checked:
            // reject trailing bytes now, as the seekable path did from the file's length.
            Span<byte> one = stackalloc byte[1];
            if (stream.Read(one) > 0)
                throw Fail(source, "is not a valid safetensors file", Single($"bytes follow the {dataLength}-byte data section the header describes"));
        }

        if (sha is not null)
        {
            string actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (!string.Equals(actual, expectedHash, StringComparison.OrdinalIgnoreCase))
                throw Fail(source, "is corrupt", Single($"its {Sha256MetadataKey} metadata is {expectedHash}, but the data section hashes to {actual}"));
        }

        // A file full of NaN would load "successfully" and silently break every prediction.
        var byName = parsed.ByName();
        var nonFinite = new ProblemList();
        foreach (var t in tensors)
        {
            var entry = byName[t.Name];
            var values = staging.AsSpan((int)(entry.Begin / sizeof(float)), t.Count);
            int bad = 0, first = -1;
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    if (bad++ == 0) first = i;
                }
            }
            if (bad > 0)
                nonFinite.Add($"{Show(t.Name)} has {bad} non-finite value{(bad == 1 ? "" : "s")} (the first, at flat index {first}, is {Describe(values[first])})");
        }
        if (nonFinite.Count > 0)
            throw Fail(source, $"holds values {modelName} cannot use", nonFinite);

        // Every check passed: now, and only now, the arena changes.
        foreach (var t in tensors)
            staging.AsSpan((int)(byName[t.Name].Begin / sizeof(float)), t.Count).CopyTo(arena.Slice(t.Offset, t.Count));
    }

    private static void CompareToModel(ParsedHeader parsed, IReadOnlyList<TensorSpec> tensors, string modelName, ProblemList problems)
    {
        var byName = parsed.ByName();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            expected.Add(t.Name);
            if (!byName.TryGetValue(t.Name, out var entry))
            {
                problems.Add($"missing tensor {Show(t.Name)} {t.ShapeText}");
                continue;
            }
            if (entry.DType is not null && entry.DType != "F32")
                problems.Add($"{Show(t.Name)} has dtype {entry.DType}, {modelName} expects F32 (F16, BF16 and F64 are not supported: convert with tensor.float() before saving)");
            if (entry.Shape is not null && !ShapeEquals(entry.Shape, t.Shape))
                problems.Add($"{Show(t.Name)} has shape {ShapeText(entry.Shape)}, {modelName} expects {t.ShapeText}");
        }
        foreach (var entry in parsed.Entries)
        {
            if (!expected.Contains(entry.Name))
                problems.Add($"unexpected tensor {Show(entry.Name)}");
        }
    }

    private static bool ShapeEquals(long[] given, int[] expected)
    {
        if (given.Length != expected.Length) return false;
        for (int i = 0; i < given.Length; i++)
            if (given[i] != expected[i]) return false;
        return true;
    }

    // ---------------------------------------------------------------- ReadHeader

    /// <summary>
    /// Reads and validates the header of the safetensors file at <paramref name="path"/> (format
    /// rules only: any known dtype is accepted, no model is compared) without reading tensor data.
    /// </summary>
    /// <param name="path">The file to inspect.</param>
    /// <returns>The tensors, in file order, and the metadata.</returns>
    /// <exception cref="SafeTensorsException">The header is malformed or its offsets do not tile the file's data section.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadHeaderChecked(file, path);
    }

    /// <summary>
    /// Reads and validates a safetensors header from <paramref name="stream"/>, starting at its
    /// position, and leaves the stream positioned at the start of the data section. When the
    /// stream can seek, the data section's length is checked against the header too; otherwise
    /// <see cref="SafeTensorsHeader.DataLength"/> is the length the header describes.
    /// </summary>
    /// <param name="stream">A readable stream; not closed.</param>
    /// <returns>The tensors, in file order, and the metadata.</returns>
    /// <exception cref="SafeTensorsException">The header is malformed or its offsets do not tile the data section.</exception>
    public static SafeTensorsHeader ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        return ReadHeaderChecked(stream, Describe(stream));
    }

    private static SafeTensorsHeader ReadHeaderChecked(Stream stream, string source)
    {
        var parsed = ReadHeaderCore(stream, source);
        if (parsed.Problems.Count > 0)
            throw Fail(source, "is not a valid safetensors file", parsed.Problems);
        var infos = new List<SafeTensorInfo>(parsed.Entries.Count);
        foreach (var e in parsed.Entries)
            infos.Add(new SafeTensorInfo(e.Name, e.DType!, e.Shape!, e.Count, e.Begin, e.End));
        return new SafeTensorsHeader(infos, parsed.Metadata, parsed.HeaderLength, parsed.DataLength);
    }

    /// <summary>
    /// Reads the length prefix and the JSON header and checks every format rule. Problems that
    /// leave nothing to inspect (a bad length, invalid JSON) throw at once; problems with single
    /// entries are collected, so one message can list them all with the model's mismatches.
    /// </summary>
    private static ParsedHeader ReadHeaderCore(Stream stream, string source)
    {
        // Bytes after the current position, when knowable: every claimed length is checked
        // against it before anything is allocated.
        long? available = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8)
            throw Fatal(source, $"it has {got} byte{(got == 1 ? "" : "s")}, but a safetensors file starts with an 8-byte header length");
        ulong claimed = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (claimed > MaxHeaderLength)
            throw Fatal(source, $"its header length is {claimed} bytes, more than the format's limit of {MaxHeaderLength} bytes (100 MB)");
        if (available is long avail && (long)claimed > avail - 8)
            throw Fatal(source, $"its header length is {claimed} bytes, but only {avail - 8} bytes follow the 8-byte length");
        if (claimed < 2)
            throw Fatal(source, $"its header length is {claimed} bytes, but the smallest header, {{}}, has 2");
        int headerLength = (int)claimed;

        byte[] json = ReadHeaderBytes(stream, headerLength, lengthVerified: available.HasValue, source);

        // Validate the encoding up front: System.Text.Json only checks UTF-8 lazily, when a
        // string is materialised, and its error there would not be a JsonException.
        if (!Utf8.IsValid(json))
            throw Fatal(source, "its header is not valid UTF-8");
        if (json[0] != (byte)'{')
            throw Fatal(source, $"its header must be a JSON object starting with '{{', but starts with byte 0x{json[0]:X2}");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw Fatal(source, $"its header is not valid JSON ({e.Message})", e);
        }

        var result = new ParsedHeader { HeaderLength = headerLength };
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Fatal(source, $"its header is a JSON {Kind(root)}, not an object");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!seen.Add(name))
                {
                    // Duplicate keys are ambiguous (parsers disagree on which one wins); refuse.
                    result.Problems.Add($"the header lists {Show(name)} twice");
                    continue;
                }
                if (name == MetadataKey)
                    ParseMetadata(property.Value, result.Metadata, result.Problems);
                else
                    result.Entries.Add(ParseEntry(name, property.Value, result.Problems));
            }
        }

        if (result.Metadata.TryGetValue(Sha256MetadataKey, out var hash) && !IsSha256Hex(hash))
            result.Problems.Add($"its {Sha256MetadataKey} metadata, {Show(hash)}, is not 64 hexadecimal digits");

        long end = 0;
        if (result.Problems.Count == 0)
            end = CheckTiling(result.Entries, result.Problems);
        result.DataLength = end;
        if (result.Problems.Count == 0 && available is long avail2)
        {
            long dataLength = avail2 - 8 - headerLength;
            if (end < dataLength)
                result.Problems.Add($"the tensors end at byte {end} of the data section, but {dataLength} bytes follow the header ({dataLength - end} unclaimed bytes at the end)");
            else if (end > dataLength)
                result.Problems.Add($"the tensors need {end} bytes of data, but only {dataLength} bytes follow the header (truncated?)");
            result.DataLength = dataLength;
        }
        return result;
    }

    private static byte[] ReadHeaderBytes(Stream stream, int length, bool lengthVerified, string source)
    {
        if (lengthVerified)
        {
            // The file is long enough for the claimed header: allocating it is proportional to the file.
            byte[] exact = new byte[length];
            int read = stream.ReadAtLeast(exact, length, throwOnEndOfStream: false);
            if (read < length)
                throw Fatal(source, $"its header is truncated: {read} of {length} bytes");
            return exact;
        }

        // Unknown stream length: grow the buffer only as bytes actually arrive, so a claimed
        // 100 MB header on a 20-byte stream allocates kilobytes, not 100 MB.
        byte[] buffer = new byte[Math.Min(length, 1 << 16)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
                throw Fatal(source, $"its header is truncated: {filled} of {length} bytes");
            filled += n;
        }
        return buffer;
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, ProblemList problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{MetadataKey} is a JSON {Kind(value)}, not an object of strings");
            return;
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                problems.Add($"{MetadataKey} entry {Show(item.Name)} is a JSON {Kind(item.Value)}, not a string");
            else if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                problems.Add($"{MetadataKey} lists {Show(item.Name)} twice");
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, ProblemList problems)
    {
        var entry = new Entry(name);
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{Show(name)} is a JSON {Kind(value)}, not an object with dtype, shape and data_offsets");
            return entry;
        }

        bool hasDType = false, hasShape = false, hasOffsets = false;
        int dtypeSize = 0;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when !hasDType:
                    hasDType = true;
                    if (field.Value.ValueKind != JsonValueKind.String)
                    {
                        problems.Add($"{Show(name)} has a dtype that is a JSON {Kind(field.Value)}, not a string");
                       
                    }
                    else if (!DTypeSizes.TryGetValue(field.Value.GetString()!, out dtypeSize))
                    {
                        problems.Add($"{Show(name)} has dtype {Show(field.Value.GetString()!)}, which is not a safetensors dtype (F32 expected)");
                       
                    }
                    else
                    {
                        entry.DType = field.Value.GetString();
                    }
                    break;
                case "shape" when !hasShape:
                    hasShape = true;
                    entry.Shape = ReadIntegers(field.Value);
                    if (entry.Shape is null)
                    {
                        problems.Add($"{Show(name)} has a shape that is not an array of non-negative integers");
                       
                    }
                    break;
                case "data_offsets" when !hasOffsets:
                    hasOffsets = true;
                    var offsets = ReadIntegers(field.Value);
                    if (offsets is null || offsets.Length != 2)
                    {
                        problems.Add($"{Show(name)} has data_offsets that are not two non-negative integers [begin, end]");
                       
                    }
                    else if (offsets[0] > offsets[1])
                    {
                        problems.Add($"{Show(name)} has data_offsets [{offsets[0]}, {offsets[1]}]: begin is after end");
                       
                    }
                    else
                    {
                        entry.Begin = offsets[0];
                        entry.End = offsets[1];
                    }
                    break;
                case "dtype" or "shape" or "data_offsets":
                    problems.Add($"{Show(name)} lists {field.Name} twice");
                   
                    break;
                default:
                    problems.Add($"{Show(name)} has an unknown field {Show(field.Name)} (expected dtype, shape and data_offsets)");
                   
                    break;
            }
        }
        if (!hasDType) { problems.Add($"{Show(name)} has no dtype"); }
        if (!hasShape) { problems.Add($"{Show(name)} has no shape"); }
        if (!hasOffsets) { problems.Add($"{Show(name)} has no data_offsets"); }

        if (entry.Shape is not null)
        {
            // Checked arithmetic: [2147483647, 2147483647, 8] must be an error, not a small
            // wrapped-around count that happens to match the offsets.
            try
            {
                long count = 1;
                foreach (long d in entry.Shape) count = checked(count * d);
                entry.Count = count;
                if (entry.DType is not null)
                {
                    long bytes = checked(count * dtypeSize);
                    if (entry.End >= 0 && entry.End - entry.Begin != bytes)
                    {
                        problems.Add($"{Show(name)} has data_offsets [{entry.Begin}, {entry.End}] ({entry.End - entry.Begin} bytes), but {entry.DType} {ShapeText(entry.Shape)} needs {bytes} bytes");
                       
                    }
                }
            }
            catch (OverflowException)
            {
                problems.Add($"{Show(name)} has shape {ShapeText(entry.Shape)}, whose size overflows 64 bits");
                entry.Count = -1;
               
            }
        }
        return entry;
    }

    /// <summary>An array of non-negative integers that fit in a long, or null.</summary>
    private static long[]? ReadIntegers(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            return null;
        // The array's length is bounded by the header's size, which was bounded by the file's.
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            // TryGetInt64 refuses fractions and exponents ("1.5", "1e3") and out-of-range values.
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                return null;
            result[i++] = v;
        }
        return result;
    }

    /// <summary>
    /// Checks that the entries' byte ranges tile the data section from 0 with no holes and no
    /// overlaps (what the reference implementation requires); returns where the last one ends.
    /// </summary>
    private static long CheckTiling(List<Entry> entries, ProblemList problems)
    {
        var sorted = new List<Entry>(entries);
        // Ties on begin put empty tensors first, so an empty tensor at a boundary is not an overlap.
        sorted.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < position)
                problems.Add($"{Show(e.Name)} (bytes {e.Begin}..{e.End}) overlaps {Show(previous!.Name)} (bytes {previous.Begin}..{previous.End})");
            else if (e.Begin > position)
                problems.Add($"bytes {position}..{e.Begin} of the data section belong to no tensor (a hole before {Show(e.Name)})");
            if (e.End > position)
            {
                position = e.End;
                previous = e;
            }
            previous ??= e;
        }
        return position;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Checks the caller's key map against the arena; returns the total number of floats.</summary>
    private static long CheckKeyMap(int arenaLength, IReadOnlyList<TensorSpec> tensors, string modelName)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(modelName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var t in tensors)
        {
            if (t is null || string.IsNullOrEmpty(t.Name) || t.Shape is null)
                throw new ArgumentException($"{modelName}'s key map has an entry without a name or a shape.", nameof(tensors));
            if (t.Name == MetadataKey || !names.Add(t.Name))
                throw new ArgumentException($"{modelName}'s key map uses the name {t.Name} twice or reserves it.", nameof(tensors));
            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                    throw new ArgumentException($"{modelName}'s tensor {t.Name} has a negative dimension: {t.ShapeText}.", nameof(tensors));
                count *= d;
                if (count > int.MaxValue)
                    throw new ArgumentException($"{modelName}'s tensor {t.Name} {t.ShapeText} has more than {int.MaxValue} values.", nameof(tensors));
            }
            if (t.Offset < 0 || t.Offset + count > arenaLength)
                throw new ArgumentException(
                    $"{modelName}'s tensor {t.Name} {t.ShapeText} at offset {t.Offset} does not fit an arena of {arenaLength} values.", nameof(tensors));
            total += count;
        }
        if (total > Array.MaxLength)
            throw new ArgumentException($"{modelName}'s key map holds {total} values, more than one array can stage.", nameof(tensors));
        return total;
    }

    private static bool IsSha256Hex(string s)
    {
        if (s.Length != 64) return false;
        foreach (char c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    private static string Describe(Stream stream) => stream is FileStream file ? file.Name : "the stream";

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    private static string ShapeText(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// A name from the file, made safe to put in a message: control characters escaped (no
    /// forged log lines) and long names cut (no megabyte-long messages).
    /// </summary>
    private static string Show(string name)
    {
        const int max = 64;
        var sb = new StringBuilder(Math.Min(name.Length, max) + 8);
        for (int i = 0; i < name.Length && i < max; i++)
        {
            char c = name[i];
            if (char.IsControl(c) || char.IsSurrogate(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (name.Length > max) sb.Append($"... ({name.Length} characters)");
        return sb.ToString();
    }

    private static ProblemList Single(string problem)
    {
        var list = new ProblemList();
        list.Add(problem);
        return list;
    }

    private static SafeTensorsException Fatal(string source, string problem, Exception? inner = null) =>
        new(source, $"{source} is not a valid safetensors file: {problem}.", [problem], inner);

    private static SafeTensorsException Fail(string source, string lead, ProblemList problems)
    {
        string more = problems.Count > problems.Listed.Count ? $"; and {problems.Count - problems.Listed.Count} more problems" : "";
        return new(source, $"{source} {lead}: {string.Join("; ", problems.Listed)}{more}.", problems.Listed);
    }

    /// <summary>Collects problems; keeps the first few for the message, counts the rest.</summary>
    private sealed class ProblemList
    {
        private readonly List<string> _listed = [];
        public int Count { get; private set; }
        public IReadOnlyList<string> Listed => _listed;

        public void Add(string problem)
        {
            if (Count++ < MaxListedProblems) _listed.Add(problem);
        }
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;
        public string? DType { get; set; }
        public long[]? Shape { get; set; }
        public long Count { get; set; } = -1;
        public long Begin { get; set; } = -1;
        public long End { get; set; } = -1;
    }

    private sealed class ParsedHeader
    {
        public List<Entry> Entries { get; } = [];
        public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
        public ProblemList Problems { get; } = new();
        public long HeaderLength { get; init; }
        public long DataLength { get; set; }

        public Dictionary<string, Entry> ByName()
        {
            var map = new Dictionary<string, Entry>(Entries.Count, StringComparer.Ordinal);
            foreach (var e in Entries) map.TryAdd(e.Name, e);
            return map;
        }
    }
}
