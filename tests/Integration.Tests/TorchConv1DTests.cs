using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Serialization;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// A Conv1D model moves between PyTorch and Axon: committed files made by tools/pytorch/make_conv1d_reference.py (CI
/// runs no Python). Torch's safetensors load into <see cref="TorchTwinConv1D"/> and predict torch's outputs; from torch's
/// initial state the first batch's input and parameter gradients are torch's; three Adam steps reach torch's weights.
/// </summary>
public class TorchConv1DTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    private static readonly Lazy<JsonDocument> Json = new(() => JsonDocument.Parse(File.ReadAllBytes(Reference("conv1d.json"))));

    private static JsonElement Root => Json.Value.RootElement;

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

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

    /// <summary>Each tensor of the model's safetensors file, by name.</summary>
    private static Dictionary<string, float[]> TensorsOf(TorchTwinConv1D model)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        model.Save(path);
        var header = SafeTensors.ReadHeader(path);
        var bytes = File.ReadAllBytes(path);
        var result = new Dictionary<string, float[]>();
        foreach (var t in header.Tensors)
        {
            var values = new float[t.Count];
            Buffer.BlockCopy(bytes, (int)(header.DataStart + t.Begin), values, 0, (int)(t.End - t.Begin));
            result.Add(t.Name, values);
        }
        return result;
    }

    [Fact]
    public void TorchsTrainedConv1DModel_LoadsAndPredictsTorchsOutputs()
    {
        var model = new TorchTwinConv1D(seed: 1);
        model.Load(Reference("conv1d.safetensors"));
        var inputs = Floats(Root.GetProperty("inputs"));
        var expected = Floats(Root.GetProperty("outputs"));
        var outputs = new float[expected.Length];
        model.Predict(inputs, outputs);
        AssertClose(expected, outputs, 1e-5, "output");
        // The same inputs through the untrained state give other outputs: the trained weights were read.
        Assert.NotEqual(Floats(Root.GetProperty("initial_outputs")), outputs);
    }

    [Fact]
    public void TheTensorsAreTorchsNamesAndShapes()
    {
        var header = SafeTensors.ReadHeader(Reference("conv1d.safetensors"));
        var shapes = header.Tensors.ToDictionary(t => t.Name, t => string.Join("x", t.Shape));
        var model = new TorchTwinConv1D(seed: 1);
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "axon.safetensors");
        model.Save(path);
        var ours = SafeTensors.ReadHeader(path).Tensors.ToDictionary(t => t.Name, t => string.Join("x", t.Shape));
        Assert.Equal(shapes.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
        Assert.Equal("4x3x3", ours["causal.weight"]);
        Assert.Equal("5x4x3", ours["strided.weight"]);
        Assert.Equal("3x5", ours["per_step.weight"]);
    }

    [Fact]
    public void AxonsSavedFile_IsTheOneTorchLoadedAndPredictedFrom()
    {
        var model = new TorchTwinConv1D(seed: 1);
        model.Load(Reference("conv1d.safetensors"));
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "conv1d.axon.safetensors");
        model.Save(path);
        // Byte for byte the file that `make_conv1d_reference.py --check` loaded into nn.Conv1d/nn.Linear with strict=True.
        byte[] written = File.ReadAllBytes(path);
        string committed = Reference("conv1d.axon.safetensors");
        if (!File.Exists(committed) || !written.AsSpan().SequenceEqual(File.ReadAllBytes(committed)))
        {
            string received = Path.Combine(Path.GetTempPath(), "conv1d.axon.received.safetensors");
            File.WriteAllBytes(received, written);
            Assert.Fail($"Axon's file differs from Reference/conv1d.axon.safetensors (or it is missing); check {received} with " +
                "`/usr/bin/python3 tools/pytorch/make_conv1d_reference.py --check FILE` and commit it as tests/Integration.Tests/Reference/conv1d.axon.safetensors.");
        }
    }

    [Fact]
    public void FromTorchsInitialState_TheFirstGradientsAreTorchs()
    {
        var model = new TorchTwinConv1D(seed: 1);
        model.Load(Reference("conv1d.initial.safetensors"));
        var x = Floats(Root.GetProperty("train_inputs")[0]);
        var t = Floats(Root.GetProperty("train_targets")[0]);
        float loss = model.ComputeGradients(x, t);
        Assert.True(Math.Abs(loss - Root.GetProperty("first_loss").GetDouble()) <= 1e-5, $"loss {loss:R}");
        foreach (var layer in model.Layers.Where(l => l.ParameterCount > 0))
        {
            string prefix = string.Concat(layer.Name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
            var gradients = Root.GetProperty("first_gradients");
            AssertClose(Floats(gradients.GetProperty(prefix + ".weight")), layer.WeightGradient, 1e-5, prefix + ".weight gradient");
            AssertClose(Floats(gradients.GetProperty(prefix + ".bias")), layer.BiasGradient, 1e-5, prefix + ".bias gradient");
        }
        // ∂L/∂x of the mean loss: InputGradient gives each sample's ∂L_i/∂x_i, L = mean over the batch of L_i.
        var inputGradient = new float[x.Length];
        model.InputGradient(x, t, inputGradient);
        int batch = x.Length / TorchTwinConv1D.InputSize;
        for (int i = 0; i < inputGradient.Length; i++) inputGradient[i] /= batch;
        AssertClose(Floats(Root.GetProperty("first_input_gradient")), inputGradient, 1e-5, "input gradient");
    }

    [Fact]
    public void ThreeAdamSteps_FromTorchsInitialState_ReachTorchsWeights()
    {
        var model = new TorchTwinConv1D(seed: 1);
        model.Load(Reference("conv1d.initial.safetensors"));
        var batches = Root.GetProperty("train_inputs").EnumerateArray().Select(Floats).ToArray();
        var targets = Root.GetProperty("train_targets").EnumerateArray().Select(Floats).ToArray();
        var losses = Floats(Root.GetProperty("train_losses"));
        Assert.Equal(3, batches.Length);
        for (int s = 0; s < batches.Length; s++)
        {
            float loss = model.TrainStep(batches[s], targets[s]);
            Assert.True(Math.Abs(loss - losses[s]) <= 1e-5 * Math.Max(1, losses[s]), $"step {s}: loss {loss:R}, torch {losses[s]:R}");
        }
        var torch = Root.GetProperty("tensors");
        foreach (var (name, values) in TensorsOf(model))
            AssertClose(Floats(torch.GetProperty(name)), values, 1e-4, name);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("axon-conv1d-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
