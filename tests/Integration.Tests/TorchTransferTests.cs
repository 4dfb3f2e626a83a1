using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Axon.Serialization;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// A whole CNN with BatchNorm moves between PyTorch and Axon: committed files made by
/// tools/pytorch/make_transfer_reference.py (CI runs no Python). Torch's trained file loads and
/// predicts torch's eval-mode outputs; Axon, trained from torch's initial state on the same batches,
/// arrives at torch's weights and running statistics; what Axon saves is torch's tensors under
/// torch's names, in the file whose loading into torch the script's --check mode verified.
/// </summary>
public class TorchTransferTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    private static readonly Lazy<JsonDocument> Json = new(() => JsonDocument.Parse(File.ReadAllBytes(Reference("transfer.json"))));

    private static JsonElement Root => Json.Value.RootElement;

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static float[] Rows(string property) => Root.GetProperty(property).EnumerateArray().SelectMany(Floats).ToArray();

    /// <summary>|a − b| ≤ tolerance·max(|b|, 1) for every element, with the worst offender in the message.</summary>
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
            if (!(error <= worst)) { worst = error; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: element {at} is {(at >= 0 ? actual[at] : 0):R}, torch {(at >= 0 ? expected[at] : 0):R} (relative error {worst:G3})");
    }

    private static Dictionary<string, float[]> TensorsOf(string path)
    {
        var header = SafeTensors.ReadHeader(path);
        var bytes = File.ReadAllBytes(path);
        var result = new Dictionary<string, float[]>();
        foreach (var t in header.Tensors)
        {
            Assert.Equal("F32", t.DType);
            var values = new float[t.Count];
            Buffer.BlockCopy(bytes, (int)(header.DataStart + t.Begin), values, 0, (int)(t.End - t.Begin));
            result.Add(t.Name, values);
        }
        return result;
    }

    [Fact]
    public void TorchsTrainedCnn_LoadsAndPredictsTorchsEvalOutputs()
    {
        var model = new TorchTwinCnn(seed: 1);
        model.Load(Reference("transfer.safetensors"));
        // The running statistics were trained away from their initial 0 and 1: the check is not vacuous.
        Assert.NotEqual(0f, model.Parameters[model.Norm.ParameterOffset + 2 * 4]);
        Assert.NotEqual(1f, model.Parameters[model.Norm2.ParameterOffset + 3 * 6]);

        var inputs = Rows("inputs");
        var expected = Rows("outputs");
        Assert.Equal(6 * TorchTwinCnn.InputSize, inputs.Length);
        var outputs = new float[expected.Length];
        model.Predict(inputs, outputs);
        AssertClose(expected, outputs, 1e-5, "eval-mode output");
    }

    [Fact]
    public void TrainingFromTorchsInitialState_ReachesTorchsWeightsAndStatistics()
    {
        // Same initial state, same five SGD steps on the same batches in training mode (batch
        // statistics, unbiased running variance, momentum 0.01 = Keras 0.99): the same result,
        // up to float rounding in a different summation order.
        var model = new TorchTwinCnn(seed: 1);
        model.Load(Reference("transfer.initial.safetensors"));
        var batches = Root.GetProperty("train_inputs").EnumerateArray().Select(Floats).ToArray();
        var labels = Root.GetProperty("train_labels").EnumerateArray().Select(b => b.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        var losses = Floats(Root.GetProperty("train_losses"));
        Assert.Equal(5, batches.Length);
        for (int s = 0; s < batches.Length; s++)
        {
            float loss = model.TrainStep(batches[s], labels[s]);
            Assert.True(Math.Abs(loss - losses[s]) <= 1e-5 * Math.Max(1, losses[s]), $"step {s}: loss {loss:R}, torch {losses[s]:R}");
        }

        var torch = TensorsOf(Reference("transfer.safetensors"));
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "trained.safetensors");
        model.Save(path);
        foreach (var (name, values) in TensorsOf(path))
            AssertClose(torch[name], values, 1e-4, name);
    }

    [Fact]
    public void AxonSavesTorchsTensorsUnderTorchsNames_InTheFileTorchReadBack()
    {
        var model = new TorchTwinCnn(seed: 1);
        model.Load(Reference("transfer.safetensors"));
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "transfer.axon.safetensors");
        model.Save(path);

        // Tensor by tensor: the same names, shapes and bits as torch's file (which lists them sorted by name).
        var torchHeader = SafeTensors.ReadHeader(Reference("transfer.safetensors"));
        var axonHeader = SafeTensors.ReadHeader(path);
        Assert.Equal(torchHeader.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), axonHeader.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains("norm2.running_var", axonHeader.Tensors.Select(t => t.Name));
        var torch = TensorsOf(Reference("transfer.safetensors"));
        var axon = TensorsOf(path);
        foreach (var t in torchHeader.Tensors)
        {
            Assert.Equal(t.Shape, axonHeader.Tensors.Single(a => a.Name == t.Name).Shape);
            Assert.Equal(torch[t.Name], axon[t.Name]);
        }
        foreach (var entry in Root.GetProperty("tensors").EnumerateObject())
            Assert.Equal(entry.Value.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(axon[entry.Name].AsSpan()))));

        // Byte for byte the file that `make_transfer_reference.py --check` loaded into torch.
        byte[] written = File.ReadAllBytes(path);
        string committed = Reference("transfer.axon.safetensors");
        if (!File.Exists(committed) || !written.AsSpan().SequenceEqual(File.ReadAllBytes(committed)))
        {
            string received = Path.Combine(Path.GetTempPath(), "transfer.axon.received.safetensors");
            File.WriteAllBytes(received, written);
            Assert.Fail($"Axon's file differs from Reference/transfer.axon.safetensors (or it is missing); check {received} with " +
                "`/usr/bin/python3 tools/pytorch/make_transfer_reference.py --check FILE` and commit it as tests/Integration.Tests/Reference/transfer.axon.safetensors.");
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("axon-transfer-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
