using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Kernels;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Conv1D and the 1-D pools against PyTorch: committed values made by tools/pytorch/make_conv1d_reference.py (CI runs no
/// Python): F.conv1d on the transposed, Keras-padded sequence (valid, same, causal; strides, dilations), F.max_pool1d,
/// the in-bounds mean, mean and amax over steps; outputs and autograd gradients of L = Σ r·y for input, weight and bias.
/// </summary>
public class Conv1DReferenceTests
{
    private static string Path_ => Path.Combine(AppContext.BaseDirectory, "Kernels", "Reference", "conv1d.json");

    private static readonly Lazy<JsonDocument> s_reference = new(() => JsonDocument.Parse(File.ReadAllBytes(Path_)));

    private static JsonElement Case(string name) => s_reference.Value.RootElement.GetProperty("cases").GetProperty(name);

    public static IEnumerable<object[]> Names(string prefix)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path_));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateObject())
            if (c.Name.StartsWith(prefix, StringComparison.Ordinal))
                yield return new object[] { c.Name };
    }

    public static IEnumerable<object[]> ConvCases() => Names("conv1d_");

    public static IEnumerable<object[]> PoolCases() => Names("maxpool1d_").Concat(Names("avgpool1d_"));

    private static float[] F(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static int I(JsonElement c, string name) => c.GetProperty(name).GetInt32();

    private static Padding Pad(JsonElement c) => c.GetProperty("padding").GetString() switch
    {
        "valid" => Padding.Valid,
        "same" => Padding.Same,
        _ => Padding.Causal,
    };

    /// <summary>Within 1e-5 of the tensor's largest magnitude (a normwise relative error: sums in another order cannot do better near zero).</summary>
    private static void Matches(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, torch has {expected.Length}");
        double scale = 0;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        double tolerance = 1e-5 * Math.Max(scale, 1e-3);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= tolerance))
                Assert.Fail($"{what}[{i}]: torch {expected[i]:R}, Axon {actual[i]:R} (diff {diff:E2}, tolerance {tolerance:E2}).");
        }
    }

    [Fact]
    public void TheReferenceCoversEveryPaddingDilationAndStride()
    {
        var convs = ConvCases().Select(n => Case((string)n[0])).ToList();
        Assert.Equal(new[] { "causal", "same", "valid" }, convs.Select(c => c.GetProperty("padding").GetString()).Distinct().Order());
        Assert.Contains(convs, c => I(c, "dilation") > 1 && c.GetProperty("padding").GetString() == "causal");
        Assert.Contains(convs, c => I(c, "dilation") > 1 && c.GetProperty("padding").GetString() == "same");
        Assert.Contains(convs, c => I(c, "stride") > 1 && c.GetProperty("padding").GetString() == "causal");
        Assert.Equal(4, PoolCases().Count());
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv1DMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch");
        var s = Conv1DShape.Create(I(c, "steps"), I(c, "channels"), I(c, "filters"), I(c, "kernel"), I(c, "stride"), I(c, "dilation"), Pad(c));
        Assert.Equal((I(c, "out_steps"), I(c, "pad_left")), (s.OutSteps, s.PadLeft));
        float[] x = F(c, "x"), w = F(c, "weight"), b = F(c, "bias");
        var cols = new float[batch * s.ColumnsLength];
        var z = new float[batch * s.OutputSize];
        var y = new float[z.Length];
        var dy = F(c, "r");
        var dw = new float[w.Length];
        var db = new float[b.Length];
        var dx = new float[x.Length];
        var dcols = new float[cols.Length];
        var scratch = new float[z.Length];
        switch (c.GetProperty("activation").GetString())
        {
            case "identity":
                Conv1D.Forward(x, w, b, z, y, cols, batch, s, new IdentityActivation());
                Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, s, new IdentityActivation(), true, true, null, scratch);
                break;
            case "relu":
                Conv1D.Forward(x, w, b, z, y, cols, batch, s, new ReluActivation());
                Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, s, new ReluActivation(), true, true, null, scratch);
                break;
            default:
                Conv1D.Forward(x, w, b, z, y, cols, batch, s, new GeluActivation());
                Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, s, new GeluActivation(), true, true, null, scratch);
                break;
        }
        Matches(F(c, "y"), y, "y");
        Matches(F(c, "dx"), dx, "dx");
        Matches(F(c, "dweight"), dw, "dweight");
        if (b.Length > 0) Matches(F(c, "dbias"), db, "dbias");
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pool1DMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch");
        var s = Pool1DShape.Create(I(c, "steps"), I(c, "channels"), I(c, "pool"), I(c, "stride"), Pad(c));
        Assert.Equal(I(c, "out_steps"), s.OutSteps);
        var x = F(c, "x");
        var y = new float[batch * s.OutputSize];
        var dx = new float[x.Length];
        if (c.GetProperty("kind").GetString() == "maxpool1d")
        {
            MaxPool1D.Forward(x, y, batch, s);
            MaxPool1D.Backward(x, F(c, "r"), dx, batch, s);
        }
        else
        {
            AvgPool1D.Forward(x, y, batch, s);
            AvgPool1D.Backward(F(c, "r"), dx, batch, s);
        }
        Matches(F(c, "y"), y, "y");
        Matches(F(c, "dx"), dx, "dx");
    }

    [Theory]
    [InlineData("gap1d")]
    [InlineData("gmp1d")]
    public void GlobalPool1DMatchesTorch(string name)
    {
        var c = Case(name);
        int batch = I(c, "batch"), steps = I(c, "steps"), channels = I(c, "channels");
        var x = F(c, "x");
        var y = new float[batch * channels];
        var dx = new float[x.Length];
        if (name == "gap1d")
        {
            GlobalAveragePool1D.Forward(x, y, batch, steps, channels);
            GlobalAveragePool1D.Backward(F(c, "r"), dx, batch, steps, channels);
        }
        else
        {
            GlobalMaxPool1D.Forward(x, y, batch, steps, channels);
            GlobalMaxPool1D.Backward(x, F(c, "r"), dx, batch, steps, channels);
        }
        Matches(F(c, "y"), y, "y");
        Matches(F(c, "dx"), dx, "dx");
    }
}
