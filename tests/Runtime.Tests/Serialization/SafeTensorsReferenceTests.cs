using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// Interop with PyTorch through committed files made by tools/pytorch/make_safetensors_reference.py
/// (CI cannot run Python): torch's files load with torch's values, and what Axon writes is the
/// file that script's --check mode read back into torch.nn.Linear layers.
/// </summary>
public class SafeTensorsReferenceTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "Serialization", "Reference", name);

    private static TensorSpec[] MlpKeyMap(int input, int hidden, int output) =>
    [
        new("hidden.weight", [hidden, input], 0),
        new("hidden.bias", [hidden], hidden * input),
        new("logits.weight", [output, hidden], hidden * input + hidden),
        new("logits.bias", [output], hidden * input + hidden + output * hidden),
    ];

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>Dense, ReLU, Dense, in float: the model the script ran in torch.</summary>
    private static float[] Forward(float[] arena, TensorSpec[] map, float[] x)
    {
        float[] Dense(float[] input, TensorSpec w, TensorSpec b, bool relu)
        {
            int outSize = w.Shape[0], inSize = w.Shape[1];
            var y = new float[outSize];
            for (int o = 0; o < outSize; o++)
            {
                float sum = arena[b.Offset + o];
                for (int i = 0; i < inSize; i++) sum += arena[w.Offset + o * inSize + i] * input[i];
                y[o] = relu ? Math.Max(sum, 0f) : sum;
            }
            return y;
        }
        return Dense(Dense(x, map[0], map[1], relu: true), map[2], map[3], relu: false);
    }

    private static void AssertMatchesTorch(string name, TensorSpec[] map, float tolerance)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Reference(name + ".json")));
        var reference = json.RootElement;
        int count = map.Sum(t => t.Count);
        var arena = new float[count];
        SafeTensors.Load(Reference(name + ".safetensors"), arena, map, "Mlp");

        foreach (var t in map)
        {
            var expected = reference.GetProperty("tensors").GetProperty(t.Name);
            Assert.Equal(t.Shape, expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            var values = arena.AsSpan(t.Offset, t.Count);
            Assert.Equal(expected.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values))));
            if (expected.TryGetProperty("values", out var dumped))
                AssertBitwiseEqual(Floats(dumped), values);
        }

        var inputs = reference.GetProperty("inputs").EnumerateArray().Select(Floats).ToArray();
        var outputs = reference.GetProperty("outputs").EnumerateArray().Select(Floats).ToArray();
        Assert.NotEmpty(inputs);
        for (int r = 0; r < inputs.Length; r++)
        {
            var y = Forward(arena, map, inputs[r]);
            for (int k = 0; k < y.Length; k++)
                Assert.True(Math.Abs(y[k] - outputs[r][k]) <= tolerance * (1 + Math.Abs(outputs[r][k])),
                    $"row {r}, output {k}: Axon {y[k]:R}, torch {outputs[r][k]:R}");
        }
    }

    [Fact]
    public void TinyTorchFileLoadsTorchsValues() => AssertMatchesTorch("tiny", MlpKeyMap(4, 3, 2), 1e-6f);

    [Fact]
    public void Mlp784TorchFileLoadsTorchsValues() => AssertMatchesTorch("mlp", MlpKeyMap(784, 128, 10), 1e-5f);

    [Fact]
    public void TorchFileHeaderIsReadInFileOrder()
    {
        // The reference writer sorts tensors by name, unlike Axon's key-map order: offsets, not order, place them.
        var header = SafeTensors.ReadHeader(Reference("tiny.safetensors"));
        Assert.Equal(["hidden.bias", "hidden.weight", "logits.bias", "logits.weight"], header.Tensors.Select(t => t.Name));
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(0, header.HeaderLength % 8);
    }

    [Fact]
    public void AxonWritesTheFileTorchReadBack()
    {
        // tiny.axon.safetensors was written by Axon from tiny.safetensors and then checked by
        // `make_safetensors_reference.py --check` (values and outputs equal torch's). Saving must
        // still produce exactly those bytes.
        var map = MlpKeyMap(4, 3, 2);
        var arena = new float[map.Sum(t => t.Count)];
        SafeTensors.Load(Reference("tiny.safetensors"), arena, map, "TinyMlp");

        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "tiny.axon.safetensors");
        SafeTensors.Save(path, arena, map, "TinyMlp");
        byte[] written = File.ReadAllBytes(path);
        byte[] committed = File.ReadAllBytes(Reference("tiny.axon.safetensors"));
        if (!written.AsSpan().SequenceEqual(committed))
        {
            string received = Path.Combine(Path.GetTempPath(), "tiny.axon.received.safetensors");
            File.WriteAllBytes(received, written);
            Assert.Fail($"Axon's output changed; if intended, check {received} with the script's --check mode and commit it as Reference/tiny.axon.safetensors.");
        }
    }
}
