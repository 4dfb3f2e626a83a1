using System;
using System.Linq;
using Axon.Data;
using Axon.Explanations;
using Axon.Metrics;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 64, Seed = 5)]
[Input(4)]
[Adam(LearningRate = 0.01f)]
public partial class ExplainedReluNet
{
    [Dense(16, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(8, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Logit { get; }
}

[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 64, Seed = 5)]
[Input(4)]
[Adam(LearningRate = 0.01f)]
public partial class ExplainedTanhNet
{
    [Dense(12, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Logit { get; }
}

/// <summary>Attributions on models trained on a nonlinear rule that uses features 0-2 and ignores feature 3.</summary>
public class ExplanationTests
{
    private static readonly Dataset s_train = Make(1500, seed: 1);
    private static readonly Dataset s_test = Make(600, seed: 2);
    private static readonly Lazy<ExplainedReluNet> s_relu = new(() => Trained(new ExplainedReluNet()));
    private static readonly Lazy<ExplainedTanhNet> s_tanh = new(() => Trained(new ExplainedTanhNet()));

    /// <summary>y = 1 when x0·x1 + sin(2·x2) &gt; 0: an interaction and a curve; x3 is noise.</summary>
    private static Dataset Make(int n, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) x[i * 4 + j] = rng.NextGaussian();
            y[i] = x[i * 4] * x[i * 4 + 1] + MathF.Sin(2 * x[i * 4 + 2]) > 0 ? 1 : 0;
        }
        return Dataset.FromRegression(x, y, 4);
    }

    private static T Trained<T>(T model) where T : IModel
    {
        model.Fit(s_train, new FitOptions { Epochs = 30, BatchSize = 32, Seed = 1, Progress = ProgressMode.None });
        return model;
    }

    private static void AssertLearned(IModel model)
    {
        var logits = new float[s_test.Count];
        model.Predict(s_test.Features, logits);
        Assert.True(BinaryRanking.RocAuc(logits, s_test.Targets!) > 0.85, $"{model.Name} did not learn the rule");
    }

    [Fact]
    public void Gradient_MatchesCentralDifferencesOfTheOutput()
    {
        var model = s_tanh.Value;
        var x = s_test.Features.AsSpan(0, 8 * 4).ToArray();
        var g = Attributions.Gradient(model, x);
        const float h = 1e-2f;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (float[])x.Clone(); plus[i] += h;
            var minus = (float[])x.Clone(); minus[i] -= h;
            float numeric = (Attributions.Outputs(model, plus)[i / 4] - Attributions.Outputs(model, minus)[i / 4]) / (2 * h);
            Assert.True(Math.Abs(numeric - g[i]) < 2e-3 + 2e-2 * Math.Abs(numeric), $"value {i}: analytic {g[i]}, numeric {numeric}");
        }
        Assert.Equal(g.Select(MathF.Abs), Attributions.Saliency(model, x));
    }

    [Fact]
    public void IntegratedGradients_AreComplete_WithinOnePercent_OnTrainedNonlinearModels()
    {
        var baseline = new float[4];
        foreach (IModel model in new IModel[] { s_relu.Value, s_tanh.Value })
        {
            AssertLearned(model);
            int checkedRows = 0;
            for (int r = 0; r < 20; r++)
            {
                var x = s_test.FeaturesOf(r);
                var ig = Attributions.IntegratedGradients(model, x, baseline);
                double difference = Attributions.Outputs(model, x)[0] - Attributions.Outputs(model, baseline)[0];
                if (Math.Abs(difference) < 0.05) continue;   // relative error of a near-zero difference says nothing
                double gap = Attributions.CompletenessGap(model, x, baseline, ig);
                Assert.True(gap < 0.01, $"{model.Name} row {r}: Σ IG = {ig.Sum()}, f(x) − f(x′) = {difference}, gap {gap:P2}");
                checkedRows++;
            }
            Assert.True(checkedRows >= 10, $"only {checkedRows} rows checked");
        }
    }

    [Fact]
    public void IntegratedGradients_GiveNothingToAValueEqualToTheBaseline_AndAreBatchedPerRow()
    {
        var model = s_relu.Value;
        var rows = s_test.Features.AsSpan(0, 3 * 4).ToArray();
        rows[1 * 4 + 2] = 0;   // row 1's x2 equals the baseline
        var ig = Attributions.IntegratedGradients(model, rows, new float[4]);
        Assert.Equal(0f, ig[1 * 4 + 2]);
        Assert.Equal(Attributions.IntegratedGradients(model, rows.AsSpan(8, 4), new float[4]), ig[8..12]);
    }

    [Fact]
    public void SmoothGrad_WithZeroNoise_IsTheGradient_AndIsFixedBySeed()
    {
        var model = s_tanh.Value;
        var x = s_test.Features.AsSpan(0, 2 * 4).ToArray();
        Assert.Equal(Attributions.Gradient(model, x), Attributions.SmoothGrad(model, x, sigma: 0, samples: 3));
        var a = Attributions.SmoothGrad(model, x, sigma: 0.3f, seed: 4);
        Assert.Equal(a, Attributions.SmoothGrad(model, x, sigma: 0.3f, seed: 4));
        Assert.NotEqual(a, Attributions.Gradient(model, x));
    }

    [Fact]
    public void PermutationImportance_RanksTheUsedFeaturesAboveTheNoise_AndGroupsByColumn()
    {
        var model = s_relu.Value;
        static double Auc(float[] o, float[] t) => BinaryRanking.RocAuc(o, t);
        var importance = PermutationImportance.Compute(model, s_test, Auc, repeats: 3, seed: 1);
        var noise = importance.Single(f => f.Feature == "3");
        Assert.True(Math.Abs(noise.Importance) < 0.02, $"noise feature importance {noise.Importance}");
        foreach (var used in new[] { "0", "1", "2" })
            Assert.True(importance.Single(f => f.Feature == used).Importance > 0.05, $"feature {used}: {string.Join(", ", importance)}");

        var grouped = PermutationImportance.Compute(model, s_test, Auc, ["product", "product", "curve", "noise"], repeats: 3, seed: 1);
        Assert.Equal(["curve", "noise", "product"], grouped.Select(f => f.Feature).Order());
        Assert.Equal(3, grouped.Length);
        Assert.Equal(grouped.Select(f => f.Importance).OrderDescending(), grouped.Select(f => f.Importance));
    }

    [Fact]
    public void FeatureReport_SumsExpansionsBackToTheirColumn()
    {
        string[] columns = ["Income", "Income", "Home", "Home", "Home"];
        float[] rows = [1, -0.5f, 0.25f, 0, 0.5f,
                        -2, 0, 0, -1, 0];
        var byColumn = FeatureReport.ByColumn(rows.AsSpan(0, 5), columns);
        Assert.Equal([("Income", 0.5), ("Home", 0.75)], byColumn);
        var mean = FeatureReport.MeanAbsoluteByColumn(rows, columns);
        Assert.Equal("Income", mean[0].Feature);
        Assert.Equal((0.5 + 2) / 2, mean[0].Importance, 6);
        Assert.Equal((0.75 + 1) / 2, mean[1].Importance, 6);
        Assert.Contains("| Income | 1.2500 |", FeatureReport.ToMarkdown(mean, "mean |IG|"));
    }
}
