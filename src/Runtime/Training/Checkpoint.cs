using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Axon.Training;

/// <summary>
/// Training checkpoints (<see cref="ModelCheckpoint"/>, <see cref="TrainingContext.SaveCheckpoint"/>, <see cref="FitOptions.ResumeFrom"/>).
/// A checkpoint is a safetensors file (so the safetensors tools open it) with two F32 tensors, <c>parameters</c> (the whole
/// parameter arena, <see cref="IModel.Parameters"/>) and <c>optimizer.state</c> (<see cref="Optimizers.Optimizer.State"/>), and
/// string metadata: <c>axon.checkpoint</c> (format version 1), the model name, the optimizer's type, step count and learning rate (its
/// exact bits), the completed epoch, the step counter, the batch size, seed, shuffle and sampling settings of the run, the Gaussian-noise
/// generator's state, the model's dropout generator (<see cref="IModel.RandomState"/>), the adversarial attack counter, the history so far (JSON) and the SHA-256 of the data section.
/// </summary>
internal static class Checkpoint
{
    private const string Version = "1";

    public static void Save(string path, FitRun run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = run.Model;
        var parameters = model.Parameters;
        var state = model.Optimizer.State;
        var o = run.Options;
        var (s0, s1, s2, s3) = run.Noise.State;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["axon.checkpoint"] = Version,
            ["axon.model"] = model.Name,
            ["optimizer"] = model.Optimizer.GetType().FullName!,
            ["optimizer.steps"] = Int(model.Optimizer.StepCount),
            ["optimizer.learning_rate"] = Bits(model.Optimizer.LearningRate),
            ["epoch"] = Int(run.Epoch),
            ["global_step"] = Int(run.GlobalStep),
            ["batch_size"] = Int(run.BatchSize),
            ["seed"] = Int(o.Seed),
            ["shuffle"] = o.Shuffle ? "true" : "false",
            ["balanced_sampling"] = o.BalancedSampling ? "true" : "false",
            ["training_samples"] = Int(run.Train.Count),
            ["rng.noise"] = RngText((s0, s1, s2, s3)),
            ["adversarial.steps"] = Int(run.Adversarial?.Steps ?? 0),
            ["rng.model"] = model.RandomState is { } modelRng ? RngText(modelRng.State) : "",
            ["history"] = HistoryExport.Json(run.History, indented: false),
        };
        byte[] data = new byte[(parameters.Length + state.Length) * sizeof(float)];
        Write(parameters, data.AsSpan(0, parameters.Length * sizeof(float)));
        Write(state, data.AsSpan(parameters.Length * sizeof(float)));
        metadata["axon.sha256"] = Convert.ToHexStringLower(SHA256.HashData(data));
        byte[] header = Header(metadata, parameters.Length, state.Length);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            stream.Write(data);
        });
    }

    /// <summary>Reads and checks a checkpoint completely, then puts the run and the model in its state; on any error nothing changes.</summary>
    public static void Resume(string path, FitRun run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = run.Model;
        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"the checkpoint '{path}' does not exist.", path); }
        Exception Bad(string why) => new InvalidDataException($"'{path}' is not a usable Axon checkpoint: {why}.");
        if (file.Length < 8) throw Bad("it is shorter than a safetensors header");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)file.Length - 8) throw Bad($"its header length {headerLength} exceeds the file");
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        long pBegin = -1, pEnd = -1, sBegin = -1, sEnd = -1;
        try
        {
            using var doc = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject()) meta[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var offsets = entry.Value.GetProperty("data_offsets");
                long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
                if (entry.Value.GetProperty("dtype").GetString() != "F32") throw Bad($"tensor {entry.Name} is not F32");
                if (entry.Name == "parameters") (pBegin, pEnd) = (begin, end);
                else if (entry.Name == "optimizer.state") (sBegin, sEnd) = (begin, end);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{path}' is not a usable Axon checkpoint: its header is malformed ({e.Message}).", e);
        }
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw Bad($"the metadata has no '{key}'");
        if (!meta.TryGetValue("axon.checkpoint", out var version))
            throw Bad("it has no 'axon.checkpoint' metadata (a weights file? load those with model.Load)");
        if (version != Version) throw Bad($"its format version is {version}; this Axon reads version {Version}");
        if (Get("axon.model") != model.Name) throw new ArgumentException($"the checkpoint '{path}' is of {Get("axon.model")}, not {model.Name}.");
        int parameterCount = model.Parameters.Length, stateCount = model.Optimizer.StateLength;
        string optimizer = model.Optimizer.GetType().FullName!;
        if (Get("optimizer") != optimizer)
            throw new ArgumentException($"the checkpoint '{path}' was written with optimizer {Get("optimizer")}; {model.Name} uses {optimizer}.");
        if (pEnd - pBegin != parameterCount * 4L)
            throw new ArgumentException($"the checkpoint '{path}' holds {(pEnd - pBegin) / 4} parameter values; {model.Name} has {parameterCount}.");
        if (sEnd - sBegin != stateCount * 4L)
            throw new ArgumentException($"the checkpoint '{path}' holds {(sEnd - sBegin) / 4} optimizer values; {model.Name}'s {model.Optimizer.GetType().Name} has {stateCount} (different momentum settings?).");
        long dataStart = 8 + (long)headerLength;
        if (pBegin < 0 || sBegin < 0 || dataStart + Math.Max(pEnd, sEnd) > file.Length) throw Bad("its tensors lie outside the file");
        var data = file.AsSpan((int)dataStart);
        if (Convert.ToHexStringLower(SHA256.HashData(data)) != Get("axon.sha256")) throw Bad("its data does not match its SHA-256 (a damaged file)");

        var o = run.Options;
        Same(path, "batch_size", Get("batch_size"), Int(run.BatchSize), "BatchSize");
        Same(path, "seed", Get("seed"), Int(o.Seed), "Seed");
        Same(path, "shuffle", Get("shuffle"), o.Shuffle ? "true" : "false", "Shuffle");
        Same(path, "balanced_sampling", Get("balanced_sampling"), o.BalancedSampling ? "true" : "false", "BalancedSampling");
        Same(path, "training_samples", Get("training_samples"), Int(run.Train.Count), "the training set's size");
        var history = HistoryExport.ParseJson(Get("history"));
        int epoch = int.Parse(Get("epoch"), CultureInfo.InvariantCulture);
        long steps = long.Parse(Get("optimizer.steps"), CultureInfo.InvariantCulture);
        long globalStep = long.Parse(Get("global_step"), CultureInfo.InvariantCulture);
        float learningRate = BitConverter.Int32BitsToSingle(int.Parse(Get("optimizer.learning_rate"), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        var noise = ParseRng(Get("rng.noise")) ?? throw Bad("its 'rng.noise' is not four numbers");
        string modelText = meta.TryGetValue("rng.model", out var modelValue) ? modelValue : "";
        var modelRng = modelText.Length == 0 ? ((uint, uint, uint, uint)?)null : ParseRng(modelText) ?? throw Bad("its 'rng.model' is not four numbers");
        if (modelRng is not null && model.RandomState is null)
            throw new ArgumentException($"the checkpoint '{path}' holds a dropout random state, but {model.Name} has none.");
        long attacks = long.Parse(Get("adversarial.steps"), CultureInfo.InvariantCulture);
        if (epoch < 0 || epoch != history.Count || steps < 0 || globalStep < 0) throw Bad("its counters are inconsistent");

        // Everything is checked: now change the model and the run.
        var parameters = new float[parameterCount];
        var state = new float[stateCount];
        Read(data.Slice((int)pBegin, parameterCount * 4), parameters);
        Read(data.Slice((int)sBegin, stateCount * 4), state);
        parameters.CopyTo(model.Parameters);
        model.Optimizer.RestoreState(state, steps);
        model.Optimizer.LearningRate = learningRate;
        run.Epoch = epoch;
        run.GlobalStep = globalStep;
        run.Noise.State = noise;
        if (modelRng is { } dropout)
        {
            var r = new Rng(0);
            r.State = dropout;
            model.RandomState = r;
        }
        if (run.Adversarial is not null) run.Adversarial.Steps = attacks;
        foreach (var e in history) run.History.Add(e);
        run.SkipEpochs(epoch);
    }

    private static void Same(string path, string key, string saved, string now, string option)
    {
        if (saved != now)
            throw new ArgumentException(
                $"the checkpoint '{path}' was written by a run with {option} {saved}; this Fit has {now}. A resumed run needs the same options and data.");
    }

    private static byte[] Header(Dictionary<string, string> metadata, int parameters, int state)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach (var (k, v) in metadata) w.WriteString(k, v);
            w.WriteEndObject();
            Tensor(w, "parameters", parameters, 0);
            Tensor(w, "optimizer.state", state, parameters * 4L);
            w.WriteEndObject();
        }
        var bytes = new List<byte>(stream.ToArray());
        while (bytes.Count % 8 != 0) bytes.Add((byte)' ');
        return bytes.ToArray();
    }

    private static void Tensor(Utf8JsonWriter w, string name, int count, long begin)
    {
        w.WriteStartObject(name);
        w.WriteString("dtype", "F32");
        w.WriteStartArray("shape");
        w.WriteNumberValue(count);
        w.WriteEndArray();
        w.WriteStartArray("data_offsets");
        w.WriteNumberValue(begin);
        w.WriteNumberValue(begin + count * 4L);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Write(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian) { MemoryMarshal.AsBytes(values).CopyTo(destination); return; }
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4), values[i]);
    }

    private static void Read(ReadOnlySpan<byte> source, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
    }

    private static string RngText((uint, uint, uint, uint) s) => string.Join(",", Hex(s.Item1), Hex(s.Item2), Hex(s.Item3), Hex(s.Item4));

    private static (uint, uint, uint, uint)? ParseRng(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 4) return null;
        foreach (var p in parts)
            if (!uint.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)) return null;
        return (U(parts[0]), U(parts[1]), U(parts[2]), U(parts[3]));
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Bits(float v) => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture);
    private static string Hex(uint v) => v.ToString("x8", CultureInfo.InvariantCulture);
    private static uint U(string s) => uint.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed over the destination.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        if (Path.GetFileName(full).Length == 0) throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        // A short random name: a long destination name must not make the temporary name too long.
        string temp = Path.Combine(directory, $".axon-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"could not write '{path}': {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
