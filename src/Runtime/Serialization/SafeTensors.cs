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
/// finite (and ≥ 0 for <see cref="TensorSpec.NonNegative"/> tensors such as BatchNorm's running
/// variance). Bad contents always raise <see cref="SafeTensorsException"/> listing every problem
/// found, naming the file; a failed load leaves the arena bit-for-bit unchanged.
/// </para>
/// <para>
/// Resources are bounded by what the file legitimately needs, never by a length the file merely
/// claims. A strict load reads at most <see cref="MaxStrictHeaderLength"/> header bytes (1 MiB plus
/// 4 KiB per model tensor; a longer header is refused before it is read) and stops after the
/// model's tensor count plus 20 entries; its memory is then that header once, a few hundred bytes
/// per entry, and one staging copy of the model's parameters. Reading a header alone
/// (<see cref="ReadHeader(Stream)"/>, or a non-strict load) accepts up to
/// <see cref="MaxHeaderLength"/> bytes and costs the header's bytes plus about 330 bytes per
/// tensor listed. The JSON is read token by token (no document tree), shapes longer than
/// <see cref="MaxRank"/> dimensions are refused without being stored, and nesting deeper than
/// a valid header's is refused.
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

    /// <summary>
    /// Most dimensions a tensor's shape may have: 32 (PyTorch tensors in practice have at most a
    /// handful; Axon's at most 4). A longer shape array is rejected without being stored.
    /// </summary>
    public const int MaxRank = 32;

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
    /// <remarks>
    /// The temporary file is <c>.axon-&lt;8 hex: the destination name's hash&gt;-&lt;8 random hex&gt;.tmp</c>
    /// (a fixed 27 characters, so any legal destination name works); a save removes such files of
    /// the same destination older than 10 minutes, left by a save that was killed. A symbolic link
    /// is followed to its final target, which is replaced; the link stays. A replaced file keeps its
    /// Unix permissions. I/O errors name the destination, not the temporary file.
    /// </remarks>
    /// <exception cref="ArgumentException">The key map is inconsistent with the arena (a tensor out of range, a duplicate name),
    /// or <paramref name="path"/> is empty, only white space, or a directory.</exception>
    /// <exception cref="IOException">Writing failed; the message names <paramref name="path"/>, and an existing file there is unchanged.</exception>
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
        string destination = ResolveDestination(path);
        CheckKeyMap(arena.Length, tensors, modelName);

        string directory = Path.GetDirectoryName(destination)!;
        string fileName = Path.GetFileName(destination);
        // Same directory as the destination: File.Move is then a rename within one file system,
        // which replaces the destination atomically. The name is short and fixed-length (a
        // 255-byte destination name must not make a longer temporary name), tagged with a hash
        // of the destination's name so the next save can recognise and remove what a killed one
        // left, and random so concurrent saves stay apart.
        string tag = TempTag(fileName);
        string tempPath = Path.Combine(directory, $"{TempPrefix}{tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}{TempSuffix}");
        RemoveStaleTempFiles(directory, tag);

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
            // A replaced file keeps its permissions (a 0400 file stays read-only, 0600 stays private).
            if (!OperatingSystem.IsWindows() && File.Exists(destination))
                File.SetUnixFileMode(tempPath, File.GetUnixFileMode(destination));
            File.Move(tempPath, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file?.Dispose();
            TryDelete(tempPath);
            // The caller knows the destination, not our temporary file: name the destination.
            string message = $"Could not save {destination}: {e.Message.Replace(tempPath, destination, StringComparison.Ordinal)}";
            throw e switch
            {
                DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
                PathTooLongException => new PathTooLongException(message, e),
                UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
                _ => new IOException(message, e),
            };
        }
        catch
        {
            file?.Dispose();
            TryDelete(tempPath);
            throw;
        }
    }

    private const string TempPrefix = ".axon-";
    private const string TempSuffix = ".tmp";

    /// <summary>
    /// Temporary files older than this are debris of a save that died (kill -9, power loss) and
    /// are removed by the next save to the same destination; younger ones may belong to a save
    /// still running and are left alone.
    /// </summary>
    internal static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(10);

    /// <summary>8 hex digits of the destination file name's hash: which destination a temporary file was for.</summary>
    private static string TempTag(string fileName) =>
        Convert.ToHexStringLower(System.IO.Hashing.XxHash32.Hash(Encoding.UTF8.GetBytes(fileName)));

    /// <summary>
    /// Deletes <c>.axon-&lt;tag&gt;-&lt;8 hex&gt;.tmp</c> files of this destination last written more than
    /// <see cref="StaleTempAge"/> ago. Only exact matches of that pattern, only regular files;
    /// failures are ignored (another process may be cleaning too).
    /// </summary>
    private static void RemoveStaleTempFiles(string directory, string tag)
    {
        string prefix = TempPrefix + tag + "-";
        string[] candidates;
        try { candidates = Directory.GetFiles(directory, prefix + "*" + TempSuffix); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        DateTime cutoff = DateTime.UtcNow - StaleTempAge;
        foreach (string candidate in candidates)
        {
            string name = Path.GetFileName(candidate);
            if (name.Length != prefix.Length + 8 + TempSuffix.Length || !name.StartsWith(prefix, StringComparison.Ordinal)
                || !name.EndsWith(TempSuffix, StringComparison.Ordinal))
                continue;
            bool hex = true;
            foreach (char c in name.AsSpan(prefix.Length, 8)) hex &= char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c);
            if (!hex) continue;
            try
            {
                var info = new FileInfo(candidate);
                if (info.LinkTarget is null && info.LastWriteTimeUtc < cutoff)
                    info.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The file a save writes: <paramref name="path"/> made absolute, and through any symbolic
    /// links to the final target (saving through a link updates what it points to instead of
    /// replacing the link with a file).
    /// </summary>
    private static string ResolveDestination(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"The path must name a file; {(path.Length == 0 ? "an empty string" : $"'{path}' (only white space)")} was given.", nameof(path));
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (string.IsNullOrWhiteSpace(fileName))
            throw new ArgumentException($"'{path}' names a directory, not a file (its last part is {(fileName.Length == 0 ? "empty" : "only white space")}).", nameof(path));
        if (Directory.Exists(fullPath) && new DirectoryInfo(fullPath).LinkTarget is null)
            throw new ArgumentException($"'{path}' is a directory; give a file name inside it, such as '{Path.Combine(path, "model.safetensors")}'.", nameof(path));
        var info = new FileInfo(fullPath);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is not null)
            {
                if (target is DirectoryInfo || Directory.Exists(target.FullName))
                    throw new ArgumentException($"'{path}' links to the directory {target.FullName}, not a file.", nameof(path));
                fullPath = target.FullName;
            }
        }
        return fullPath;
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
    /// <exception cref="SafeTensorsException">The file is malformed, corrupt, holds non-finite values (or a negative
    /// value in a <see cref="TensorSpec.NonNegative"/> tensor), or does not match the key map; the message lists every problem found.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The key map is inconsistent with the arena.</exception>
    public static void Load(string path, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName) =>
        Load(path, arena, tensors, modelName, LoadOptions.Default);

    /// <summary>
    /// Reads the tensors of the file at <paramref name="path"/> into <paramref name="arena"/>,
    /// renaming them by <see cref="LoadOptions.NameMap"/> and, when <see cref="LoadOptions.Strict"/>
    /// is false, loading only the tensors the file and the key map share. Validation and the
    /// all-or-nothing guarantee are those of <see cref="Load(string, Span{float}, IReadOnlyList{TensorSpec}, string)"/>.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map.</param>
    /// <param name="modelName">Used in messages.</param>
    /// <param name="options">Renaming and strictness.</param>
    /// <returns>What was loaded and what was skipped.</returns>
    /// <exception cref="SafeTensorsException">The file is malformed or corrupt, a loaded tensor does not match its key-map entry, or (strict) the names differ.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The key map is inconsistent with the arena, or the name map names a tensor the key map lacks.</exception>
    public static LoadReport Load(string path, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName, LoadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        CheckKeyMap(arena.Length, tensors, modelName);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return LoadCore(file, path, arena, tensors, modelName, options);
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
    public static void Load(Stream stream, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName) =>
        Load(stream, arena, tensors, modelName, LoadOptions.Default);

    /// <summary>The stream form of <see cref="Load(string, Span{float}, IReadOnlyList{TensorSpec}, string, LoadOptions)"/>.</summary>
    /// <param name="stream">A readable stream; not closed.</param>
    /// <param name="arena">The parameter arena the key map's offsets point into.</param>
    /// <param name="tensors">The key map.</param>
    /// <param name="modelName">Used in messages.</param>
    /// <param name="options">Renaming and strictness.</param>
    /// <returns>What was loaded and what was skipped.</returns>
    public static LoadReport Load(Stream stream, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        if (!stream.CanRead)
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        CheckKeyMap(arena.Length, tensors, modelName);
        return LoadCore(stream, Describe(stream), arena, tensors, modelName, options);
    }

    /// <summary>
    /// Largest header accepted when loading into a model strictly: 1 MiB for metadata and
    /// formatting plus 4 KiB per tensor of the key map (Axon writes about 100 bytes per tensor),
    /// capped at <see cref="MaxHeaderLength"/>. A header longer than that cannot describe the model,
    /// so it is refused before it is read.
    /// </summary>
    public static long MaxStrictHeaderLength(int tensorCount) => Math.Min(MaxHeaderLength, (1L << 20) + 4096L * tensorCount);

    private static LoadReport LoadCore(Stream stream, string source, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName, LoadOptions options)
    {
        var keyMap = new Dictionary<string, TensorSpec>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors) keyMap.Add(t.Name, t);
        if (options.NameMap is { } nameMap)
        {
            foreach (var (fileName, modelTensor) in nameMap)
            {
                if (fileName is null || modelTensor is null || !keyMap.ContainsKey(modelTensor))
                    throw new ArgumentException(
                        $"options.NameMap maps {Show(fileName ?? "null")} to {Show(modelTensor ?? "null")}, which is not one of {modelName}'s tensors ({string.Join(", ", Names(tensors))}).",
                        nameof(options));
            }
        }

        // Strict: the file holds exactly the model's tensors, so its header is small and lists
        // at most that many entries (plus a few, so a near miss still names the strangers).
        var limits = options.Strict
            ? new HeaderLimits(MaxStrictHeaderLength(tensors.Count), tensors.Count + MaxListedProblems, modelName)
            : new HeaderLimits(MaxHeaderLength, int.MaxValue, modelName);
        var parsed = ReadHeaderCore(stream, source, limits);
        var problems = parsed.Problems;
        bool malformed = problems.Count > 0;

        // Match file entries to key-map tensors (by the name map, else by name).
        var matched = new List<(Entry Entry, TensorSpec Spec)>();
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        var skippedFile = new List<string>();
        foreach (var entry in parsed.Entries)
        {
            string target = options.NameMap is { } map && map.TryGetValue(entry.Name, out var mapped) ? mapped : entry.Name;
            if (!keyMap.TryGetValue(target, out var spec))
            {
                if (options.Strict) problems.Add($"unexpected tensor {Show(entry.Name)}");
                else skippedFile.Add(entry.Name);
                continue;
            }
            if (!targets.TryAdd(target, entry.Name))
            {
                problems.Add($"{Show(entry.Name)} and {Show(targets[target])} both map to {Show(target)}");
                continue;
            }
            if (entry.DType is not null && entry.DType != "F32")
                problems.Add($"{Show(entry.Name)} has dtype {entry.DType}, {modelName} expects F32 (F16, BF16 and F64 are not supported: convert with tensor.float() before saving)");
            if (entry.Shape is not null && !ShapeEquals(entry.Shape, spec.Shape))
                problems.Add($"{Show(entry.Name)} has shape {ShapeText(entry.Shape)}, {modelName}{(target == entry.Name ? "" : $"'s {Show(target)}")} expects {spec.ShapeText}");
            matched.Add((entry, spec));
        }
        var notLoaded = new List<string>();
        foreach (var t in tensors)
        {
            if (targets.ContainsKey(t.Name)) continue;
            if (options.Strict) problems.Add($"missing tensor {Show(t.Name)} {t.ShapeText}");
            else notLoaded.Add(t.Name);
        }
        if (problems.Count > 0)
            throw Fail(source, malformed ? $"is not a valid safetensors file for {modelName}" : $"does not match {modelName}", problems);

        // Stage the loaded tensors, reading the data section once in file order (the offsets tile
        // it, so entries follow each other): the staging buffer is sized by the model's tensors,
        // never by anything the file claims; bytes of skipped tensors pass through a small buffer.
        matched.Sort((a, b) => a.Entry.Begin.CompareTo(b.Entry.Begin));
        long stagedFloats = 0;
        foreach (var (_, spec) in matched) stagedFloats += spec.Count;
        float[] staging = GC.AllocateUninitializedArray<float>((int)stagedFloats);
        var stagedAt = new int[matched.Count];
        long dataLength = parsed.DataLength;
        string? expectedHash = parsed.Metadata.GetValueOrDefault(Sha256MetadataKey);
        using var sha = expectedHash is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[]? skipBuffer = null;
        long position = 0;
        int next = 0;
        for (int k = 0; k < matched.Count; k++)
        {
            var entry = matched[k].Entry;
            Skip(stream, entry.Begin - position, sha, ref skipBuffer, source, dataLength);
            position = entry.Begin;
            stagedAt[k] = next;
            var values = staging.AsSpan(next, (int)entry.Count);
            for (int i = 0; i < values.Length; i += ChunkFloats)
            {
                var chunk = values.Slice(i, Math.Min(ChunkFloats, values.Length - i));
                var bytes = MemoryMarshal.AsBytes(chunk);
                int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                if (read < bytes.Length)
                    throw Fail(source, "is truncated", Single($"its data section ends after {position + (long)i * sizeof(float) + read} bytes, the header describes {dataLength}"));
                sha?.AppendData(bytes);
                if (!BitConverter.IsLittleEndian)
                {
                    var words = MemoryMarshal.Cast<float, uint>(chunk);
                    BinaryPrimitives.ReverseEndianness(words, words);
                }
            }
            position = entry.End;
            next += values.Length;
        }
        Skip(stream, dataLength - position, sha, ref skipBuffer, source, dataLength);
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

        // A file full of NaN would load "successfully" and silently break every prediction; so
        // would a negative variance (BatchNorm divides by √(var + ε)).
        var invalid = new ProblemList();
        for (int k = 0; k < matched.Count; k++)
        {
            var (entry, spec) = matched[k];
            var values = staging.AsSpan(stagedAt[k], spec.Count);
            int bad = 0, first = -1, negative = 0, firstNegative = -1;
            for (int i = 0; i < values.Length; i++)
            {
                float v = values[i];
                if (!float.IsFinite(v))
                {
                    if (bad++ == 0) first = i;
                }
                else if (v < 0f && spec.NonNegative)
                {
                    if (negative++ == 0) firstNegative = i;
                }
            }
            if (bad > 0)
                invalid.Add($"{Show(entry.Name)} has {bad} non-finite value{(bad == 1 ? "" : "s")} (the first, at flat index {first}, is {Describe(values[first])})");
            if (negative > 0)
                invalid.Add($"{Show(entry.Name)} has {negative} negative value{(negative == 1 ? "" : "s")} (the first, at flat index {firstNegative}, is {values[firstNegative].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}), but a variance cannot be negative");
        }
        if (invalid.Count > 0)
            throw Fail(source, $"holds values {modelName} cannot use", invalid);

        // Every check passed: now, and only now, the arena changes.
        var loaded = new List<string>(matched.Count);
        for (int k = 0; k < matched.Count; k++)
        {
            var spec = matched[k].Spec;
            staging.AsSpan(stagedAt[k], spec.Count).CopyTo(arena.Slice(spec.Offset, spec.Count));
            loaded.Add(spec.Name);
        }
        return new LoadReport(loaded, skippedFile, notLoaded);
    }

    /// <summary>Reads and hashes <paramref name="count"/> bytes of tensors nobody asked for.</summary>
    private static void Skip(Stream stream, long count, IncrementalHash? sha, ref byte[]? buffer, string source, long dataLength)
    {
        long done = 0;
        while (done < count)
        {
            buffer ??= new byte[1 << 16];
            int want = (int)Math.Min(buffer.Length, count - done);
            int read = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
            sha?.AppendData(buffer, 0, read);
            done += read;
            if (read < want)
                throw Fail(source, "is truncated", Single($"its data section ends early; the header describes {dataLength} bytes"));
        }
    }

    private static IEnumerable<string> Names(IReadOnlyList<TensorSpec> tensors)
    {
        foreach (var t in tensors) yield return t.Name;
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
        var parsed = ReadHeaderCore(stream, source, new HeaderLimits(MaxHeaderLength, int.MaxValue, null));
        if (parsed.Problems.Count > 0)
            throw Fail(source, "is not a valid safetensors file", parsed.Problems);
        var infos = new List<SafeTensorInfo>(parsed.Entries.Count);
        foreach (var e in parsed.Entries)
            infos.Add(new SafeTensorInfo(e.Name, e.DType!, e.Shape!, e.Count, e.Begin, e.End));
        return new SafeTensorsHeader(infos, parsed.Metadata, parsed.HeaderLength, parsed.DataLength);
    }

    /// <summary>How much of a header the caller can legitimately need.</summary>
    private readonly record struct HeaderLimits(long MaxBytes, int MaxEntries, string? ModelName);

    /// <summary>
    /// Reads the length prefix and the JSON header and checks every format rule. Problems that
    /// leave nothing to inspect (a bad length, invalid JSON) throw at once; problems with single
    /// entries are collected, so one message can list them all with the model's mismatches.
    /// </summary>
    /// <remarks>
    /// The JSON is read token by token (no document tree): besides the header's bytes, memory is
    /// a few small objects per entry, shapes are cut at <see cref="MaxRank"/> dimensions, and a
    /// strict load stops at <see cref="HeaderLimits.MaxEntries"/> entries.
    /// </remarks>
    private static ParsedHeader ReadHeaderCore(Stream stream, string source, HeaderLimits limits)
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
        if (claimed > (ulong)limits.MaxBytes)
            throw Fatal(source, $"its header length is {claimed} bytes, more than the {limits.MaxBytes} bytes a header for {limits.ModelName}'s tensors can need");
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

        var result = new ParsedHeader { HeaderLength = headerLength };
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            reader.Read(); // the '{' checked above
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = ReadString(ref reader, source);
                reader.Read();
                if (!seen.Add(name))
                {
                    // Duplicate keys are ambiguous (parsers disagree on which one wins); refuse.
                    result.Problems.Add($"the header lists {Show(name)} twice");
                    reader.Skip();
                    continue;
                }
                if (name == MetadataKey)
                {
                    ParseMetadata(ref reader, source, result.Metadata, result.Problems);
                    continue;
                }
                if (result.Entries.Count == limits.MaxEntries)
                    throw Fatal(source, $"its header lists more than {limits.MaxEntries} tensors; {limits.ModelName} has {limits.MaxEntries - MaxListedProblems}");
                result.Entries.Add(ParseEntry(name, ref reader, source, result.Problems));
            }
            // Anything but whitespace after the closing brace is an error (Read throws).
            if (reader.Read())
                throw Fatal(source, "its header has more than one JSON value");
        }
        catch (JsonException e)
        {
            throw Fatal(source, $"its header is not valid JSON ({e.Message})", e);
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

    /// <summary>
    /// The current string or property name. A <c>\u</c> escape may decode to half of a UTF-16
    /// surrogate pair (<c>"\ud800"</c>): valid JSON syntax, valid UTF-8 bytes, but no text, and
    /// System.Text.Json throws <see cref="InvalidOperationException"/> when asked to decode it. So
    /// escaped strings are checked here, before decoding.
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader, string source)
    {
        if (reader.ValueIsEscaped && FindLoneSurrogateEscape(reader.ValueSpan) is int at)
        {
            string escape = Encoding.ASCII.GetString(reader.ValueSpan.Slice(at, 6));
            throw Fatal(source, $"its header has a string (at byte {reader.TokenStartIndex}) whose escape {escape} is half of a UTF-16 surrogate pair, which is not text");
        }
        return reader.GetString()!;
    }

    /// <summary>Index of the first <c>\uXXXX</c> escape that is an unpaired surrogate in raw JSON string bytes, or null.</summary>
    internal static int? FindLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length) { i++; continue; }
            if (raw[i + 1] != (byte)'u') { i += 2; continue; }
            if (!TryHex4(raw, i + 2, out int unit)) return i;
            if (unit is >= 0xDC00 and <= 0xDFFF) return i;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 11 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u'
                    && TryHex4(raw, i + 8, out int low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 12;
                    continue;
                }
                return i;
            }
            i += 6;
        }
        return null;
    }

    private static bool TryHex4(ReadOnlySpan<byte> raw, int at, out int value)
    {
        value = 0;
        if (at + 4 > raw.Length) return false;
        for (int k = 0; k < 4; k++)
        {
            int digit = HexValue(raw[at + k]);
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>An entry's field name; the three known ones without allocating (a header may have millions).</summary>
    private static string FieldName(ref Utf8JsonReader reader, string source)
    {
        if (!reader.ValueIsEscaped)
        {
            if (reader.ValueSpan.SequenceEqual("dtype"u8)) return "dtype";
            if (reader.ValueSpan.SequenceEqual("shape"u8)) return "shape";
            if (reader.ValueSpan.SequenceEqual("data_offsets"u8)) return "data_offsets";
        }
        return ReadString(ref reader, source);
    }

    /// <summary>The shared key string of a known, unescaped dtype, or null.</summary>
    private static string? KnownDType(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 8) return null;
        foreach (var key in DTypeSizes.Keys)
            if (reader.ValueTextEquals(key)) return key;
        return null;
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, string source, Dictionary<string, string> metadata, ProblemList problems)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problems.Add($"{MetadataKey} is a JSON {Kind(reader.TokenType)}, not an object of strings");
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = ReadString(ref reader, source);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                problems.Add($"{MetadataKey} entry {Show(key)} is a JSON {Kind(reader.TokenType)}, not a string");
                reader.Skip();
            }
            else if (!metadata.TryAdd(key, ReadString(ref reader, source)))
            {
                problems.Add($"{MetadataKey} lists {Show(key)} twice");
            }
        }
    }

    private static Entry ParseEntry(string name, ref Utf8JsonReader reader, string source, ProblemList problems)
    {
        var entry = new Entry(name);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problems.Add($"{Show(name)} is a JSON {Kind(reader.TokenType)}, not an object with dtype, shape and data_offsets");
            reader.Skip();
            return entry;
        }

        bool hasDType = false, hasShape = false, hasOffsets = false;
        int dtypeSize = 0;
        Span<long> dims = stackalloc long[MaxRank];
        Span<long> offsets = stackalloc long[2];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = FieldName(ref reader, source);
            reader.Read();
            switch (field)
            {
                case "dtype" when !hasDType:
                    hasDType = true;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        problems.Add($"{Show(name)} has a dtype that is a JSON {Kind(reader.TokenType)}, not a string");
                        reader.Skip();
                    }
                    else
                    {
                        string dtype = KnownDType(ref reader) ?? ReadString(ref reader, source);
                        if (!DTypeSizes.TryGetValue(dtype, out dtypeSize))
                            problems.Add($"{Show(name)} has dtype {Show(dtype)}, which is not a safetensors dtype (F32 expected)");
                        else
                            entry.DType = dtype;
                    }
                    break;
                case "shape" when !hasShape:
                    hasShape = true;
                    if (ReadIntegers(ref reader, dims, out int rank, out bool tooLong))
                        entry.Shape = rank == 0 ? [] : dims[..rank].ToArray();
                    else if (tooLong)
                        problems.Add($"{Show(name)} has a shape of more than {MaxRank} dimensions");
                    else
                        problems.Add($"{Show(name)} has a shape that is not an array of non-negative integers");
                    break;
                case "data_offsets" when !hasOffsets:
                    hasOffsets = true;
                    if (!ReadIntegers(ref reader, offsets, out int n, out _) || n != 2)
                        problems.Add($"{Show(name)} has data_offsets that are not two non-negative integers [begin, end]");
                    else if (offsets[0] > offsets[1])
                        problems.Add($"{Show(name)} has data_offsets [{offsets[0]}, {offsets[1]}]: begin is after end");
                    else
                    {
                        entry.Begin = offsets[0];
                        entry.End = offsets[1];
                    }
                    break;
                case "dtype" or "shape" or "data_offsets":
                    problems.Add($"{Show(name)} lists {field} twice");
                    reader.Skip();
                    break;
                default:
                    problems.Add($"{Show(name)} has an unknown field {Show(field)} (expected dtype, shape and data_offsets)");
                    reader.Skip();
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
                        problems.Add($"{Show(name)} has data_offsets [{entry.Begin}, {entry.End}] ({entry.End - entry.Begin} bytes), but {entry.DType} {ShapeText(entry.Shape)} needs {bytes} bytes");
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

    /// <summary>
    /// Reads an array of at most <c>destination.Length</c> non-negative integers that fit in a
    /// long into <paramref name="destination"/>; false (the rest of the value skipped) for anything
    /// else. A longer array sets <paramref name="tooLong"/> and is never stored: its length is
    /// bounded only by the header's.
    /// </summary>
    private static bool ReadIntegers(ref Utf8JsonReader reader, scoped Span<long> destination, out int count, out bool tooLong)
    {
        tooLong = false;
        count = 0;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // TryGetInt64 refuses fractions and exponents ("1.5", "1e3") and out-of-range values.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
            {
                SkipRestOfArray(ref reader);
                return false;
            }
            if (count == destination.Length)
            {
                tooLong = true;
                SkipRestOfArray(ref reader);
                return false;
            }
            destination[count++] = v;
        }
        return true;
    }

    /// <summary>From inside an array, moves the reader to the array's end.</summary>
    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth - 1;
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
        while (!(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (!reader.Read()) return;
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
        }
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

    private static string Kind(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
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
