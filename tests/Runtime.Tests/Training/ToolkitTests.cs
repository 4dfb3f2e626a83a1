using System;
using System.Linq;
using System.Text.Json;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Runtime.Tests.Training;

/// <summary>Callbacks, balanced sampling, history export, cross-validation and hyper-parameter search on test doubles.</summary>
public class ToolkitTests
{
    private static Dataset Ids(int n, Func<int, int> label)
    {
        var features = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++) { features[i * 2] = i; features[i * 2 + 1] = 1; labels[i] = label(i); }
        return Dataset.FromClassification(features, labels, 2);
    }

    private static Dataset Blobs(int n, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 4];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (j == y[i] ? 2f : 0f) + 0.5f * rng.NextGaussian();
        }
        return Dataset.FromClassification(x, y, 4);
    }

    [Fact]
    public void EarlyStopping_OnAFlatLoss_StopsAfterPatienceEpochs()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var stop = new EarlyStopping(Monitor.TrainLoss, patience: 2);
        var history = model.Fit(Ids(16, i => i % 3), new FitOptions { Epochs = 10, BatchSize = 8, Callbacks = [stop], Progress = ProgressMode.None });
        Assert.Equal(3, history.Count);   // epoch 1 sets the best, epochs 2 and 3 do not improve
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(3, stop.StoppedEpoch);
    }

    [Fact]
    public void EarlyStopping_OnValidationLoss_WithoutValidation_ThrowsBeforeTraining()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Ids(16, i => i % 3), new FitOptions { Callbacks = [new EarlyStopping()], Progress = ProgressMode.None }));
        Assert.Contains("no validation data", e.Message);
        Assert.Empty(model.TrainBatchSizes);
    }

    [Fact]
    public void ReduceLROnPlateau_HalvesTheRateAfterPatienceFlatEpochs()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        model.Optimizer.LearningRate = 0.8f;
        var plateau = new ReduceLROnPlateau(Monitor.TrainLoss, factor: 0.5, patience: 2);
        var history = model.Fit(Ids(16, i => i % 3), new FitOptions { Epochs = 7, BatchSize = 8, Callbacks = [plateau], Progress = ProgressMode.None });
        Assert.Equal([0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.2], history.Select(r => Math.Round(r.LearningRate, 6)));
        Assert.Equal(3, plateau.Reductions);
        Assert.Equal(0.1f, model.Optimizer.LearningRate);
    }

    [Fact]
    public void ReduceLROnPlateau_WithASchedule_IsRejected()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var o = new FitOptions { LearningRateSchedule = new ExponentialDecay(0.1f, 0.9f), Callbacks = [new ReduceLROnPlateau(Monitor.TrainLoss)], Progress = ProgressMode.None };
        Assert.Throws<ArgumentException>(() => model.Fit(Ids(16, i => i % 3), o));
        Assert.Empty(model.TrainBatchSizes);
    }

    [Fact]
    public void BalancedSampling_TrainsOnEachClassEqually()
    {
        var data = Ids(200, i => i < 180 ? 0 : 1);   // 90 % class 0
        var model = new RecordingModel(2, 2, maxBatchSize: 20);
        model.Fit(data, new FitOptions { Epochs = 5, BatchSize = 20, BalancedSampling = true, Progress = ProgressMode.None });
        var trained = model.TrainedPerEpoch.SelectMany(e => e).ToArray();
        Assert.Equal(1000, trained.Length);
        double minority = trained.Count(id => id >= 180) / (double)trained.Length;
        Assert.InRange(minority, 0.45, 0.55);
    }

    [Fact]
    public void ClassWeighting_Balanced_IsNOverKTimesCount()
    {
        var w = ClassWeighting.Balanced(Ids(100, i => i < 80 ? 0 : 1), 2);
        Assert.Equal(100f / (2 * 80), w[0]);
        Assert.Equal(100f / (2 * 20), w[1]);
    }

    [Fact]
    public void History_ExportsCsvJsonAndSvg()
    {
        var model = new LinearSoftmaxModel(4, 3);
        var data = Blobs(60, 1);
        var history = model.Fit(data, new FitOptions { Epochs = 3, ValidationSplit = 0.25, Progress = ProgressMode.None });

        var csv = history.ToCsv().TrimEnd('\n').Split('\n');
        Assert.Equal("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,samples_per_second,skipped_batches,train_mae,validation_mae", csv[0]);
        Assert.Equal(4, csv.Length);
        var row = csv[2].Split(',');
        Assert.Equal(history[1].TrainLoss, double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(history[1].ValidationAccuracy, double.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture));

        using var json = JsonDocument.Parse(history.ToJson());
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal(history[2].ValidationLoss, json.RootElement[2].GetProperty("validation_loss").GetDouble());

        string svg = history.ToSvg("run");
        Assert.StartsWith("<svg", svg);
        // Training and validation loss, validation accuracy (this test double reports no running training accuracy).
        Assert.Equal(3, svg.Split("<polyline").Length - 1);
        Assert.Equal(9, svg.Split("<circle").Length - 1);
        Assert.Contains("<title>run</title>", svg);
    }

    [Fact]
    public void History_WithoutValidation_LeavesFieldsEmpty()
    {
        var history = new RecordingModel(2, 3, 8).Fit(Ids(16, i => i % 3), new FitOptions { Epochs = 2, Progress = ProgressMode.None });
        var row = history.ToCsv().Split('\n')[1].Split(',');
        Assert.Equal("", row[3]);
        Assert.Equal(1, history.ToSvg().Split("<polyline").Length - 1);   // training loss only: no validation, no accuracy reported
    }

    [Fact]
    public void CrossValidation_StratifiedFolds_CoverEverySampleOnce_AndKeepProportions()
    {
        var data = Ids(90, i => i < 60 ? 0 : i < 80 ? 1 : 2);
        var models = new RecordingModel[3];
        var result = CrossValidation.Run(k => models[k] = new RecordingModel(2, 3, maxBatchSize: 64), data, folds: 3,
            new FitOptions { Progress = ProgressMode.None });
        Assert.Equal(3, result.Folds.Count);
        var held = models.SelectMany(m => m.Evaluated.Distinct()).OrderBy(i => i).ToArray();
        Assert.Equal(Enumerable.Range(0, 90), held);
        foreach (var f in result.Folds)
        {
            Assert.Equal(30, f.ValidationCount);
            Assert.Equal(60, f.TrainCount);
        }
        foreach (var m in models)
        {
            var ids = m.Evaluated.Distinct().ToArray();
            Assert.Equal(20, ids.Count(i => i < 60));
            Assert.Equal(7, ids.Count(i => i >= 60 && i < 80), new ToleranceComparer(1));
        }
        Assert.Equal(0.25, result.MeanLoss, 10);
        Assert.Contains("fold,train_count", result.ToCsv());
    }

    private sealed class ToleranceComparer(int tolerance) : System.Collections.Generic.IEqualityComparer<int>
    {
        public bool Equals(int a, int b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(int v) => 0;
    }

    [Fact]
    public void GridSearch_TrainsEveryCombination_AndPicksTheLowestValidationLoss()
    {
        var train = Blobs(90, 2);
        var validation = Blobs(30, 3);
        var search = new HyperparameterSearch().Choice("lr", 0.001, 0.1).Choice("epochs", 1, 3);
        var result = search.Grid(p => new LinearSoftmaxModel(4, 3, learningRate: p.Float("lr")), train, validation,
            p => new FitOptions { Epochs = p.Int("epochs"), Progress = ProgressMode.None });
        Assert.Equal(4, result.Trials.Count);
        Assert.Equal([(0.001, 1.0), (0.001, 3.0), (0.1, 1.0), (0.1, 3.0)], result.Trials.Select(t => (t.Parameters["lr"], t.Parameters["epochs"])));
        Assert.Equal(result.Trials.Min(t => t.Objective), result.Best.Objective);
        Assert.Equal(0.1, result.Best.Parameters["lr"]);
        Assert.Equal(5, result.ToCsv().TrimEnd('\n').Split('\n').Length);
        Assert.Contains("| trial | lr | epochs |", result.ToMarkdown());
    }

    [Fact]
    public void RandomSearch_DrawsInsideTheRanges_AndRepeatsWithTheSeed()
    {
        var train = Blobs(30, 4);
        var search = new HyperparameterSearch().LogUniform("lr", 1e-3, 1e-1).Uniform("x", 2, 3).Choice("k", 5, 7);
        SearchResult Run() => search.Random(5, p => new LinearSoftmaxModel(4, 3, learningRate: p.Float("lr")), train, train,
            p => new FitOptions { Progress = ProgressMode.None }, Monitor.ValidationAccuracy, seed: 9);
        var a = Run();
        var b = Run();
        Assert.All(a.Trials, t =>
        {
            Assert.InRange(t.Parameters["lr"], 1e-3, 1e-1);
            Assert.InRange(t.Parameters["x"], 2, 3);
            Assert.Contains(t.Parameters["k"], new[] { 5.0, 7.0 });
        });
        Assert.Equal(a.Trials.Select(t => t.Parameters["lr"]), b.Trials.Select(t => t.Parameters["lr"]));
        Assert.True(a.Maximize);
        Assert.Equal(a.Trials.Max(t => t.Objective), a.Best.Objective);
        Assert.Throws<InvalidOperationException>(() => search.Grid(p => new LinearSoftmaxModel(4, 3), train, train));
    }
}
