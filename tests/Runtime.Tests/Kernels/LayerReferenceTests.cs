using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Kernels;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The layer kernels against PyTorch: committed values made by tools/pytorch/make_layer_reference.py
/// (CI cannot run Python) — F.conv2d on Keras-padded inputs, max/avg pooling with Keras's same
/// padding, nn.BatchNorm in training and eval mode with momentum 0.01 (Axon's 0.99) and
/// nn.LayerNorm — outputs, running statistics and autograd gradients of L = Σ r·y.
/// </summary>
public class LayerReferenceTests
{
    private static readonly Lazy<JsonDocument> s_reference = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Kernels", "Reference", "layers.json"))));

    private static JsonElement Case(string name) => s_reference.Value.RootElement.GetProperty("cases").GetProperty(name);

    public static IEnumerable<object[]> Names(string prefix)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Kernels", "Reference", "layers.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateObject())
            if (c.Name.StartsWith(prefix, StringComparison.Ordinal))
                yield return new object[] { c.Name };
    }

    public static IEnumerable<object[]> ConvCases() => Names("conv_");
    public static IEnumerable<object[]> PoolCases() => Names("maxpool_").Concat(Names("avgpool_"));
    public static IEnumerable<object[]> BatchNormCases() => Names("bn");
    public static IEnumerable<object[]> LayerNormCases() => Names("ln_");

    private static float[] F(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    private static int I(JsonElement c, string name) => c.GetProperty(name).GetInt32();

    /// <summary>Within 1e-5 relative to the tensor's largest magnitude (a normwise relative error: float sums in a different order cannot do better near zero).</summary>
    private static void Matches(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, torch has {expected.Length}");
        double scale = 0;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        double tolerance = 1e-5 * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= tolerance))
                Assert.Fail($"{what}[{i}]: torch {expected[i]:R}, Axon {actual[i]:R} (diff {diff:E2}, tolerance {tolerance:E2}).");
        }
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2DMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch");
        var s = Conv2DShape.Create(I(c, "channels"), I(c, "height"), I(c, "width"), I(c, "filters"), I(c, "kernel"), I(c, "stride"), c.GetProperty("same").GetBoolean());
        float[] x = F(c, "x"), w = F(c, "weight"), b = F(c, "bias"), r = F(c, "r");
        string act = c.GetProperty("activation").GetString()!;
        act = char.ToUpperInvariant(act[0]) + act[1..];
        var z = new float[batch * s.OutputSize];
        var y = new float[z.Length];
        var scratch = new float[s.ScratchLength];
        Conv2DTests.Forward(act, x, w, b, z, y, batch, s, scratch);
        Matches(F(c, "y"), y, $"{name} y");

        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
        Conv2DTests.Backward(act, x, w, z, y, r, dw, db, dx, batch, s, true, true, scratch);
        Matches(F(c, "dx"), dx, $"{name} dx");
        Matches(F(c, "dweight"), dw, $"{name} dweight");
        Matches(F(c, "dbias"), db, $"{name} dbias");
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void PoolingMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch");
        var s = Pool2DShape.Create(I(c, "channels"), I(c, "height"), I(c, "width"), I(c, "window"), I(c, "stride"), c.GetProperty("same").GetBoolean());
        float[] x = F(c, "x"), r = F(c, "r");
        var y = new float[batch * s.OutputSize];
        var dx = new float[x.Length];
        if (c.GetProperty("kind").GetString() == "maxpool")
        {
            MaxPool2D.Forward(x, y, batch, s);
            MaxPool2D.Backward(x, r, dx, batch, s);
        }
        else
        {
            AvgPool2D.Forward(x, y, batch, s);
            AvgPool2D.Backward(r, dx, batch, s);
        }
        Matches(F(c, "y"), y, $"{name} y");
        Matches(F(c, "dx"), dx, $"{name} dx");
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch"), channels = I(c, "channels"), spatial = I(c, "spatial");
        float epsilon = (float)c.GetProperty("epsilon").GetDouble(), momentum = (float)c.GetProperty("momentum").GetDouble();
        float[] x = F(c, "x"), gamma = F(c, "gamma"), beta = F(c, "beta"), rm = F(c, "running_mean"), rv = F(c, "running_var"), r = F(c, "r");
        var y = new float[x.Length];
        float[] dx = new float[x.Length], dGamma = new float[channels], dBeta = new float[channels];
        if (c.GetProperty("kind").GetString() == "bn_train")
        {
            var xhat = new float[x.Length];
            var invStd = new float[channels];
            BatchNorm.ForwardTraining(x, gamma, beta, rm, rv, y, xhat, invStd, batch, channels, spatial, momentum, epsilon);
            BatchNorm.BackwardTraining(xhat, gamma, invStd, r, dGamma, dBeta, dx, batch, channels, spatial, true, true);
        }
        else
        {
            BatchNorm.ForwardInference(x, gamma, beta, rm, rv, y, batch, channels, spatial, epsilon);
            BatchNorm.BackwardInference(x, gamma, rm, rv, r, dGamma, dBeta, dx, batch, channels, spatial, epsilon, true, true);
        }
        Matches(F(c, "y"), y, $"{name} y");
        Matches(F(c, "dx"), dx, $"{name} dx");
        Matches(F(c, "dgamma"), dGamma, $"{name} dgamma");
        Matches(F(c, "dbeta"), dBeta, $"{name} dbeta");
        // Training updated the running statistics (torch: unbiased variance); eval left them alone.
        Matches(F(c, "running_mean_after"), rm, $"{name} running mean");
        Matches(F(c, "running_var_after"), rv, $"{name} running variance");
    }

    [Theory]
    [MemberData(nameof(LayerNormCases))]
    public void LayerNormMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch"), features = I(c, "features");
        float epsilon = (float)c.GetProperty("epsilon").GetDouble();
        float[] x = F(c, "x"), gamma = F(c, "gamma"), beta = F(c, "beta"), r = F(c, "r");
        float[] y = new float[x.Length], xhat = new float[x.Length], invStd = new float[batch];
        LayerNorm.Forward(x, gamma, beta, y, xhat, invStd, batch, features, epsilon);
        float[] dx = new float[x.Length], dGamma = new float[features], dBeta = new float[features];
        LayerNorm.Backward(xhat, gamma, invStd, r, dGamma, dBeta, dx, batch, features, true, true);
        Matches(F(c, "y"), y, $"{name} y");
        Matches(F(c, "dx"), dx, $"{name} dx");
        Matches(F(c, "dgamma"), dGamma, $"{name} dgamma");
        Matches(F(c, "dbeta"), dBeta, $"{name} dbeta");
    }

    [Fact]
    public void ReferenceFileHoldsEveryKind()
    {
        // A regenerated file that lost a kind would silently skip its theory.
        foreach (var prefix in new[] { "conv_", "maxpool_", "avgpool_", "bn2d_train", "bn2d_eval", "bn1d_train", "bn1d_eval", "ln_" })
            Assert.NotEmpty(Names(prefix));
    }
}
