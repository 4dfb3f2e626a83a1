using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Low-rank adapters declared with [LoRA].</summary>
public class LoRATests
{
    private static float[] Random(int count, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
    }

    private static readonly int[] Labels = [0, 1, 2, 3, 0, 1, 2, 3];

    [Fact]
    public void FreshAdapters_LeaveTheOutputsBitwiseUnchanged()
    {
        var x = Random(8 * 12, 1);
        var plain = new BaseMlp(seed: 5);
        var adapted = new AdaptedMlp(seed: 5);
        Assert.Equal(plain.Hidden.Weight.ToArray(), adapted.Hidden.Weight.ToArray());
        var expected = new float[8 * 4];
        var actual = new float[8 * 4];
        plain.Predict(x, expected);
        adapted.Predict(x, actual);
        Assert.Equal(expected, actual);
        Assert.All(adapted.Adapters, a => Assert.All(a.Bias.ToArray(), b => Assert.Equal(0f, b)));   // B = 0
        Assert.Contains(adapted.Adapters[0].Weight.ToArray(), v => v != 0f);                           // A random
        Assert.True(adapted.Hidden.IsFrozen && adapted.Logits.IsFrozen);
        Assert.Equal(BaseMlp.ParameterCount + 2 * (12 + 10) + 2 * (10 + 4), AdaptedMlp.ParameterCount);
    }

    [Fact]
    public void Training_MovesOnlyTheAdapters_AndLowersTheLoss()
    {
        var x = Random(8 * 12, 2);
        var model = new AdaptedMlp(seed: 6);
        var hidden = model.Hidden.Weight.ToArray();
        var logits = model.Logits.Weight.ToArray();
        float first = model.TrainStep(x, Labels), last = first;
        for (int i = 0; i < 200; i++) last = model.TrainStep(x, Labels);
        Assert.Equal(hidden, model.Hidden.Weight.ToArray());
        Assert.Equal(logits, model.Logits.Weight.ToArray());
        Assert.Contains(model.Adapters[0].Bias.ToArray(), v => v != 0f);
        Assert.True(last < 0.7f * first, $"loss {first} -> {last}");   // measured 1.41 -> 0.71 with the base frozen
    }

    [Fact]
    public void AdapterGradients_MatchFiniteDifferences()
    {
        var x = Random(6 * 12, 3);
        var model = new AdaptedMlp(seed: 7);
        // Non-zero B everywhere, so both adapter factors carry gradient.
        var rng = new Rng(9);
        foreach (var adapter in model.Adapters)
        {
            var b = adapter.Bias;
            for (int i = 0; i < b.Length; i++) b[i] = rng.NextUniform(-0.5f, 0.5f);
        }
        int[] labels = [3, 1, 0, 2, 2, 1];
        model.ComputeGradients(x, labels);
        var analytic = model.Gradients.ToArray();
        var p = model.Parameters;
        const float h = 1e-2f;
        int compared = 0;
        foreach (var adapter in model.Adapters)
            for (int i = adapter.ParameterOffset; i < adapter.ParameterOffset + adapter.ParameterCount; i++)
            {
                float saved = p[i];
                p[i] = saved + h; double plus = model.ComputeLoss(x, labels);
                p[i] = saved - h; double minus = model.ComputeLoss(x, labels);
                p[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-2 * Math.Abs(numeric) + 3e-4, $"adapter parameter {i}: {numeric:G6} vs {analytic[i]:G6}");
                compared++;
            }
        Assert.Equal(2 * (12 + 10) + 2 * (10 + 4), compared);
        // The frozen base layers get no gradient at all.
        Assert.All(analytic.AsSpan(model.Hidden.ParameterOffset, model.Hidden.ParameterCount).ToArray(), g => Assert.Equal(0f, g));

        var inputGrad = new float[x.Length];
        model.InputGradient(x, labels, inputGrad);
        for (int i = 0; i < x.Length; i += 5)
        {
            float saved = x[i];
            x[i] = saved + h; double plus = 6.0 * model.ComputeLoss(x, labels);
            x[i] = saved - h; double minus = 6.0 * model.ComputeLoss(x, labels);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - inputGrad[i]) <= 2e-2 * Math.Abs(numeric) + 3e-4, $"input {i}: {numeric:G6} vs {inputGrad[i]:G6}");
        }
    }

    [Fact]
    public void MergedAndUnmerged_Agree_AndUnmergeRestoresTheBase()
    {
        var x = Random(8 * 12, 4);
        var model = new AdaptedMlp(seed: 8);
        for (int i = 0; i < 50; i++) model.TrainStep(x, Labels);
        var baseWeight = model.Hidden.Weight.ToArray();
        var unmerged = new float[8 * 4];
        var merged = new float[8 * 4];
        model.Predict(x, unmerged);
        model.MergeAdapters();
        Assert.True(model.AdaptersMerged);
        Assert.NotEqual(baseWeight, model.Hidden.Weight.ToArray());
        model.Predict(x, merged);
        for (int i = 0; i < merged.Length; i++) Assert.Equal(unmerged[i], merged[i], 4);
        Assert.Throws<InvalidOperationException>(() => model.MergeAdapters());
        Assert.Throws<InvalidOperationException>(() => model.Save(Path.GetTempFileName()));
        model.UnmergeAdapters();
        var restored = model.Hidden.Weight.ToArray();
        for (int i = 0; i < restored.Length; i++) Assert.Equal(baseWeight[i], restored[i], 5);
    }

    [Fact]
    public void SaveAdapters_WritesOnlyTheAdapters_AndLoadAdaptersRestoresThem()
    {
        var x = Random(8 * 12, 5);
        var model = new AdaptedMlp(seed: 9);
        for (int i = 0; i < 30; i++) model.TrainStep(x, Labels);
        string path = Path.Combine(Path.GetTempPath(), $"axon-lora-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.SaveAdapters(path);
            var names = Axon.Serialization.SafeTensors.ReadHeader(path).Tensors.Select(t => t.Name).OrderBy(n => n).ToArray();
            Assert.Equal(["hidden.lora_A.weight", "hidden.lora_B.weight", "logits.lora_A.weight", "logits.lora_B.weight"], names);

            var copy = new AdaptedMlp(seed: 9);   // same base weights, fresh adapters
            var before = new float[8 * 4];
            copy.Predict(x, before);
            copy.LoadAdapters(path);
            var expected = new float[8 * 4];
            var actual = new float[8 * 4];
            model.Predict(x, expected);
            copy.Predict(x, actual);
            Assert.Equal(expected, actual);
            Assert.NotEqual(before, actual);
        }
        finally { File.Delete(path); }
    }
}
