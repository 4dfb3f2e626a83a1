using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Optimizers;
using Xunit;
using static Axon.Runtime.Tests.Kernels.RecurrentTestSupport;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The LSTM and GRU kernels against PyTorch: committed values made by tools/pytorch/make_recurrent_reference.py
/// (CI cannot run Python) — nn.LSTM / nn.GRU with batch_first=True and their own initialisation: outputs (every
/// step or the last), autograd gradients of L = Σ r·y for the input and all four tensors, and the parameters
/// after three torch.optim.Adam steps (lr 0.01).
/// </summary>
public class RecurrentReferenceTests
{
    private static readonly string s_path = Path.Combine(AppContext.BaseDirectory, "Kernels", "Reference", "recurrent.json");
    private static readonly Lazy<JsonDocument> s_reference = new(() => JsonDocument.Parse(File.ReadAllBytes(s_path)));

    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(s_path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateObject())
            yield return new object[] { c.Name };
    }

    private static float[] F(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static float[] Concat(JsonElement c, string prefix, string a, string b) => [.. F(c, prefix + a), .. F(c, prefix + b)];

    /// <summary>Within 2e-5 relative to the tensor's largest magnitude (float sums in another order cannot do better near zero).</summary>
    private static void Matches(float[] expected, ReadOnlySpan<float> actual, string what, double extra = 0)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, torch has {expected.Length}");
        double scale = expected.Max(e => Math.Abs((double)e));
        double tolerance = 2e-5 * scale + extra;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= tolerance))
                Assert.Fail($"{what}[{i}]: torch {expected[i]:R}, Axon {actual[i]:R} (diff {diff:E2}, tolerance {tolerance:E2}).");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputsAndGradients_MatchTorch(string name)
    {
        var c = s_reference.Value.RootElement.GetProperty("cases").GetProperty(name);
        var (lstm, n, t, f, h, seq) = Sizes(c);
        float[] x = F(c, "x"), w = Concat(c, "", "weight_ih_l0", "weight_hh_l0"), b = Concat(c, "", "bias_ih_l0", "bias_hh_l0");
        var y = new float[n * h * (seq ? t : 1)];
        var ws = new float[n * Workspace(lstm, t, f, h)];
        Forward(lstm, x, w, b, y, ws, n, t, f, h, seq);
        Matches(F(c, "y"), y, $"{name} y");

        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
        Backward(lstm, x, w, F(c, "r"), ws, dw, db, dx, n, t, f, h, seq);
        Matches(F(c, "dx"), dx, $"{name} dx");
        Matches(Concat(c, "d", "weight_ih_l0", "weight_hh_l0"), dw, $"{name} dweight");
        Matches(Concat(c, "d", "bias_ih_l0", "bias_hh_l0"), db, $"{name} dbias");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThreeAdamSteps_MatchTorch(string name)
    {
        var c = s_reference.Value.RootElement.GetProperty("cases").GetProperty(name);
        var (lstm, n, t, f, h, seq) = Sizes(c);
        float[] x = F(c, "x"), w = Concat(c, "", "weight_ih_l0", "weight_hh_l0"), b = Concat(c, "", "bias_ih_l0", "bias_hh_l0");
        // One parameter block as a model holds it: the weights, then the biases.
        float[] p = [.. w, .. b], grad = new float[p.Length];
        int outputs = n * h * (seq ? t : 1);
        var rs = F(c, "adam_r");
        var adam = new Adam(learningRate: 0.01f);
        adam.Bind(p.Length);
        var ws = new float[n * Workspace(lstm, t, f, h)];
        var y = new float[outputs];
        for (int step = 0; step < 3; step++)
        {
            float[] pw = p[..w.Length], pb = p[w.Length..];
            Forward(lstm, x, pw, pb, y, ws, n, t, f, h, seq);
            float[] dw = new float[w.Length], db = new float[b.Length];
            Backward(lstm, x, pw, rs.AsSpan(step * outputs, outputs).ToArray(), ws, dw, db, new float[x.Length], n, t, f, h, seq);
            dw.CopyTo(grad, 0);
            db.CopyTo(grad, w.Length);
            adam.BeginStep();
            adam.Update(p, grad, 0, p.Length, 1f);
        }
        // Adam divides each gradient by its own running magnitude, so the rounding of a near-zero gradient moves its
        // parameter by a visible part of a step: allow 1% of one step (lr) on top.
        Matches(Concat(c, "adam_", "weight_ih_l0", "weight_hh_l0"), p.AsSpan(0, w.Length), $"{name} weights after 3 Adam steps", 1e-4);
        Matches(Concat(c, "adam_", "bias_ih_l0", "bias_hh_l0"), p.AsSpan(w.Length), $"{name} biases after 3 Adam steps", 1e-4);
    }

    private static (bool Lstm, int N, int T, int F, int H, bool Seq) Sizes(JsonElement c) =>
        (c.GetProperty("kind").GetString() == "lstm", c.GetProperty("batch").GetInt32(), c.GetProperty("steps").GetInt32(),
         c.GetProperty("features").GetInt32(), c.GetProperty("units").GetInt32(), c.GetProperty("return_sequences").GetBoolean());
}
