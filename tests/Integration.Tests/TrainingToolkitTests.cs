using System;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Optimizers;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Data checks before Fit (issue 10 item 4) and the divergence guard (issue 11 item 2).</summary>
public class DataCheckAndDivergenceTests
{
    internal static Dataset Classes(int n, int features, int classes, long seed, float scale = 1f)
    {
        var rng = new Rng(seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            for (int j = 0; j < features; j++) x[i * features + j] = scale * (rng.NextUniform(0f, 1f) * 0.5f + (j % classes == y[i] ? 0.5f : 0f));
        }
        return Dataset.FromClassification(x, y, features);
    }

    private static FitOptions Quiet(int epochs = 1, int batch = 8, bool shuffle = false) =>
        new() { Epochs = epochs, BatchSize = batch, Shuffle = shuffle, Progress = ProgressMode.None };

    [Fact]
    public void Fit_NaNInDataset_NamesDatasetRowAndColumn_AndTrainsNothing()
    {
        var data = Classes(200, 6, 3, 1);
        data.Features[137 * 6 + 4] = float.NaN;
        var model = new ToolkitNet();
        var before = model.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, Quiet(shuffle: true)));
        Assert.Contains("the training set, row 137, column 4: the value is NaN", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(0, model.Optimizer.StepCount);
    }

    [Fact]
    public void Fit_NaNInValidationSet_IsReportedBeforeTraining()
    {
        var validation = Classes(20, 6, 3, 2);
        validation.Features[5 * 6] = float.PositiveInfinity;
        var model = new ToolkitNet();
        var o = new FitOptions { Validation = validation, Progress = ProgressMode.None };
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Classes(40, 6, 3, 1), o));
        Assert.Contains("the validation set, row 5, column 0", e.Message);
        Assert.Equal(0, model.Optimizer.StepCount);
    }

    [Fact]
    public void Fit_Pixels0To255_OnModelDeclared0To1_ThrowsByDefault_TrainsWithOptOut()
    {
        var data = Classes(40, 784, 10, 3, scale: 255f);
        var model = new FashionMlp();
        var before = model.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, Quiet()));
        Assert.Contains("declares its input range as [0, 1]", e.Message);
        Assert.Contains("divide by 255", e.Message);
        Assert.Contains("CheckInputRange = false", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());

        model.Fit(data, new FitOptions { BatchSize = 8, CheckInputRange = false, Progress = ProgressMode.None });
        Assert.Equal(5, model.Optimizer.StepCount);
        Assert.Throws<ArgumentException>(() => model.Evaluate(data));
        Assert.Equal(40, Trainer.Evaluate(model, data, checkInputRange: false).Count);
    }

    [Fact]
    public void Evaluate_NaN_NamesRow()
    {
        var data = Classes(30, 6, 3, 4);
        data.Features[29 * 6 + 5] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => new ToolkitNet().Evaluate(data));
        Assert.Contains("row 29, column 5", e.Message);
    }

    [Fact]
    public void Fit_Sgd1e30_StopsWithDivergedException_WeightsAndOptimizerFromBeforeTheFailingStep()
    {
        var data = Classes(64, 784, 10, 5);
        var model = new FashionMlp(optimizer: new Sgd(1e30f));
        var e = Assert.Throws<TrainingDivergedException>(() => model.Fit(data, Quiet(epochs: 2)));
        Assert.Contains("diverged at epoch 1, step", e.Message);
        Assert.Equal(1, e.Epoch);
        Assert.True(e.Step >= 2, $"failed at step {e.Step}");
        Assert.True(Guard.IndexOfNonFinite(model.Parameters) < 0, "the weights must be finite");
        Assert.Equal(e.Step - 1, model.Optimizer.StepCount);

        // The same steps by hand, up to the one before the failing step: bitwise the same weights.
        var reference = new FashionMlp(optimizer: new Sgd(1e30f));
        for (int s = 0; s < e.Step - 1; s++)
            reference.TrainStep(data.Features.AsSpan(s * 8 * 784, 8 * 784), data.Labels.AsSpan(s * 8, 8));
        Assert.Equal(reference.Parameters.ToArray(), model.Parameters.ToArray());

        // The model still saves and loads.
        string path = Path.Combine(Path.GetTempPath(), $"axon-diverged-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            var loaded = new FashionMlp();
            loaded.Load(path);
            Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        }
        finally { File.Delete(path); }
    }

    /// <summary>Batch 2 (rows 8-15) holds a row of values so large that the first layer overflows to +∞: its loss is NaN.</summary>
    private static Dataset WithPoisonedBatch()
    {
        var data = Classes(32, 6, 3, 6);
        data.Features.AsSpan(10 * 6, 6).Fill(3e38f);
        return data;
    }

    /// <summary>Positive first-layer weights, so the poisoned row's pre-activations are 6 · 0.5 · 3e38 = +∞ whatever the seed.</summary>
    private static ToolkitNet PositiveNet()
    {
        var model = new ToolkitNet();
        var w = model.Hidden.Weight;
        for (int i = 0; i < w.Length; i++) w[i] = 0.5f + 0.01f * (i % 7);
        return model;
    }

    [Fact]
    public void Fit_NonFiniteLoss_Stop_RestoresWeightsAndAdamState()
    {
        var data = WithPoisonedBatch();
        var model = PositiveNet();
        var e = Assert.Throws<TrainingDivergedException>(() => model.Fit(data, Quiet()));
        Assert.Equal((1, 2), (e.Epoch, e.Step));
        Assert.Contains("before step 2 of epoch 1", e.Message);

        var reference = PositiveNet();
        reference.TrainStep(data.Features.AsSpan(0, 48), data.Labels.AsSpan(0, 8));
        Assert.Equal(reference.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Equal(reference.Optimizer.State.ToArray(), model.Optimizer.State.ToArray());
        Assert.Equal(1, model.Optimizer.StepCount);
    }

    [Fact]
    public void Fit_NonFiniteLoss_SkipBatch_SkipsOnlyThatBatch()
    {
        var data = WithPoisonedBatch();
        var model = PositiveNet();
        var history = model.Fit(data, new FitOptions { Epochs = 2, BatchSize = 8, Shuffle = false, OnNonFinite = NonFiniteAction.SkipBatch, Progress = ProgressMode.None });
        Assert.All(history, r => Assert.Equal(1, r.SkippedBatches));

        var reference = PositiveNet();
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (int b in new[] { 0, 2, 3 })
                reference.TrainStep(data.Features.AsSpan(b * 48, 48), data.Labels.AsSpan(b * 8, 8));
        Assert.Equal(reference.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Equal(reference.Optimizer.State.ToArray(), model.Optimizer.State.ToArray());
    }

    [Fact]
    public void Fit_PlainOptions_IsBitwiseTheModelsOwnTrainStep()
    {
        var data = Classes(40, 6, 3, 7);
        var model = new ToolkitNet();
        model.Fit(data, Quiet(epochs: 2));
        var reference = new ToolkitNet();
        for (int epoch = 0; epoch < 2; epoch++)
            for (int b = 0; b < 5; b++)
                reference.TrainStep(data.Features.AsSpan(b * 48, 48), data.Labels.AsSpan(b * 8, 8));
        Assert.Equal(reference.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void ClassWeightsOfOne_AndPositiveWeightOne_AreBitwisePlainTraining()
    {
        var data = Classes(40, 6, 3, 8);
        var plain = new ToolkitNet();
        plain.Fit(data, Quiet(epochs: 2));
        var weighted = new ToolkitNet();
        weighted.Fit(data, new FitOptions { Epochs = 2, BatchSize = 8, Shuffle = false, ClassWeights = [1f, 1f, 1f], Progress = ProgressMode.None });
        Assert.Equal(plain.Parameters.ToArray(), weighted.Parameters.ToArray());

        var binary = Binary(48, 9);
        var b1 = new ToolkitBinary();
        b1.Fit(binary, Quiet(epochs: 2));
        var b2 = new ToolkitBinary();
        b2.Fit(binary, new FitOptions { Epochs = 2, BatchSize = 8, Shuffle = false, ClassWeights = [1f, 1f], PositiveClassWeight = 1f, Progress = ProgressMode.None });
        Assert.Equal(b1.Parameters.ToArray(), b2.Parameters.ToArray());
    }

    internal static Dataset Binary(int n, long seed, double positive = 0.5)
    {
        var rng = new Rng(seed);
        var x = new float[n * 4];
        var t = new float[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = rng.NextSingle() < positive ? 1f : 0f;
            for (int j = 0; j < 4; j++) x[i * 4 + j] = rng.NextUniform(-1f, 1f) + (j == 0 ? 1.5f * t[i] : 0f);
        }
        return Dataset.FromRegression(x, t, 4);
    }

    [Fact]
    public void PositiveClassWeight_RaisesRecallOnTheMinorityClass()
    {
        var data = Binary(256, 10, positive: 0.1);
        double Recall(float p)
        {
            var model = new ToolkitBinary();
            model.Fit(data, new FitOptions { Epochs = 15, BatchSize = 32, PositiveClassWeight = p, Progress = ProgressMode.None });
            var z = new float[data.Count];
            model.Predict(data.Features, z);
            int tp = 0, pos = 0;
            for (int i = 0; i < data.Count; i++)
                if (data.Targets![i] == 1f) { pos++; if (z[i] > 0) tp++; }
            return (double)tp / pos;
        }
        double plain = Recall(1f), weighted = Recall(9f);
        Assert.True(weighted > plain, $"recall {weighted} with pos_weight 9 vs {plain} without");
    }

    [Fact]
    public void L1_AddsLambdaSignToTheWeightGradientOnly()
    {
        var data = Classes(8, 6, 3, 11);
        var plain = new ToolkitNet(optimizer: new Sgd(0.1f));
        plain.Fit(data, Quiet());
        var l1 = new ToolkitNet(optimizer: new Sgd(0.1f));
        var w0 = l1.Hidden.Weight.ToArray();
        l1.Fit(data, new FitOptions { BatchSize = 8, Shuffle = false, L1 = 0.01f, Progress = ProgressMode.None });
        var a = plain.Hidden.Weight;
        var b = l1.Hidden.Weight;
        for (int i = 0; i < a.Length; i++)
            Assert.Equal(a[i] - 0.1f * 0.01f * MathF.Sign(w0[i]), b[i], 6);
        Assert.Equal(plain.Hidden.Bias.ToArray(), l1.Hidden.Bias.ToArray());
    }

    [Fact]
    public void GradientClipNorm_BoundsTheUpdate()
    {
        var data = Classes(8, 6, 3, 12);
        var model = new ToolkitNet(optimizer: new Sgd(1f));
        var before = model.Parameters.ToArray();
        model.Fit(data, new FitOptions { BatchSize = 8, Shuffle = false, GradientClipNorm = 0.05f, Progress = ProgressMode.None });
        double squares = 0;
        var after = model.Parameters;
        for (int i = 0; i < before.Length; i++) squares += (double)(after[i] - before[i]) * (after[i] - before[i]);
        Assert.InRange(Math.Sqrt(squares), 0.049, 0.0501);
    }
}
