using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Runtime.Tests.Data;
using Axon.Training;
using Xunit;

namespace Axon.Runtime.Tests.Training;

public class TrainerTests
{
    /// <summary>Three Gaussian blobs in 4-D, well separated: a linear classifier can reach ~100%.</summary>
    private static Dataset Blobs(int n, long seed)
    {
        var rng = new Rng(seed);
        var features = new float[n * 4];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < 4; j++)
                features[i * 4 + j] = (j == c ? 2f : 0f) + 0.5f * rng.NextGaussian();
        }
        return Dataset.FromClassification(features, labels, 4);
    }

    /// <summary>n samples with InputSize 2: feature 0 is the id, feature 1 is 1.</summary>
    private static Dataset Ids(int n, int classes = 3)
    {
        var features = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++) { features[i * 2] = i; features[i * 2 + 1] = 1; labels[i] = i % classes; }
        return Dataset.FromClassification(features, labels, 2);
    }

    private static FitOptions Quiet(int epochs = 1, int? batchSize = null, double split = 0, Dataset? validation = null, long seed = 0, Action<EpochResult>? onEpochEnd = null) => new()
    {
        Epochs = epochs,
        BatchSize = batchSize,
        ValidationSplit = split,
        Validation = validation,
        Seed = seed,
        OnEpochEnd = onEpochEnd,
        Progress = ProgressMode.None,
    };

    [Fact]
    public void Fit_ReducesTheLossAndLearns()
    {
        var model = new LinearSoftmaxModel(4, 3, maxBatchSize: 32, learningRate: 0.2f);
        var train = Blobs(600, seed: 1);
        var test = Blobs(300, seed: 2);
        double before = Trainer.Evaluate(model, test).Loss;

        var history = Trainer.Fit(model, train, Quiet(epochs: 5, batchSize: 16));

        Assert.Equal(5, history.Count);
        Assert.True(history.Last.TrainLoss < 0.5 * history[0].TrainLoss,
            $"train loss went from {history[0].TrainLoss} to {history.Last.TrainLoss}");
        var after = Trainer.Evaluate(model, test);
        Assert.True(after.Loss < 0.5 * before, $"test loss went from {before} to {after.Loss}");
        Assert.True(after.Accuracy > 0.9, $"test accuracy {after.Accuracy}");
        Assert.Equal(300, after.Count);
        Assert.Equal(5 * (600 / 16 + 1), model.TrainSteps);
    }

    [Fact]
    public void Fit_OnTheFashionMnistSubset_LearnsALinearClassifier()
    {
        var (train, test) = FashionMnist.Load(TestPaths.FashionSubset);
        var model = new LinearSoftmaxModel(784, 10, maxBatchSize: 64, learningRate: 0.1f);
        var history = model.Fit(train, epochs: 2, batchSize: 64, validation: test, progress: ProgressMode.None);
        Assert.True(history.Last.TrainLoss < history[0].TrainLoss);
        // A linear softmax model reaches ~80% on Fashion-MNIST; chance is 10%.
        Assert.True(history.Last.ValidationAccuracy > 0.7, $"validation accuracy {history.Last.ValidationAccuracy}");
    }

    [Fact]
    public void History_RecordsEveryEpoch_AndTheCallbackSeesTheSameResults()
    {
        var seen = new List<EpochResult>();
        var model = new LinearSoftmaxModel(4, 3);
        var history = Trainer.Fit(model, Blobs(90, 1), Quiet(epochs: 4, batchSize: 10, onEpochEnd: seen.Add));

        Assert.Equal(4, history.Count);
        Assert.Equal(history, seen);
        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Epoch));
        foreach (var e in history)
        {
            Assert.True(e.TrainLoss > 0 && double.IsFinite(e.TrainLoss));
            Assert.True(double.IsNaN(e.TrainAccuracy));
            Assert.True(double.IsNaN(e.ValidationLoss));
            Assert.True(double.IsNaN(e.ValidationAccuracy));
            Assert.False(e.HasValidation);
            Assert.True(e.Seconds > 0);
            Assert.True(e.SamplesPerSecond > 0);
        }
        Assert.Null(history.BestValidation);
        Assert.Equal(history.Sum(e => e.Seconds), history.TotalSeconds, 9);
    }

    [Fact]
    public void TrainLoss_IsTheSampleWeightedMeanOfTheStepLosses()
    {
        // Batches of 4, 4 and 2 with losses 1, 2, 3: (4·1 + 4·2 + 2·3) / 10 = 1.8.
        var model = new SequenceLossModel([1f, 2f, 3f]);
        var history = Trainer.Fit(model, Ids(10), Quiet(batchSize: 4));
        Assert.Equal(1.8, history.Last.TrainLoss, 6);
    }

    [Fact]
    public void ValidationSplit_HoldsOutTheRightSamples_NeverTrainsOnThem()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var history = Trainer.Fit(model, Ids(100), Quiet(epochs: 3, batchSize: 8, split: 0.2, seed: 5, onEpochEnd: _ => model.BeginEpoch()));

        var epochs = model.TrainedPerEpoch.Take(3).ToList();
        Assert.All(epochs, ids => Assert.Equal(80, ids.Count));
        Assert.Equal(3 * 20, model.Evaluated.Count);
        var held = model.Evaluated.Take(20).ToArray();
        Assert.Equal(20, held.Distinct().Count());
        // Same held-out samples every epoch, disjoint from the trained ones, together everything.
        Assert.Equal(held, model.Evaluated.Skip(20).Take(20));
        Assert.Equal(held, model.Evaluated.Skip(40));
        foreach (var ids in epochs)
        {
            Assert.Empty(ids.Intersect(held));
            Assert.Equal(Enumerable.Range(0, 100), ids.Concat(held).Order());
        }
        Assert.All(history, e => Assert.Equal(0.25, e.ValidationLoss, 12));
        Assert.All(history, e => Assert.Equal(held.Count(id => id % 2 == 0) / 20.0, e.ValidationAccuracy, 12));
        Assert.NotNull(history.BestValidation);
    }

    [Fact]
    public void ValidationSplit_IsDeterministicInTheSeed()
    {
        int[] Held(long seed)
        {
            var m = new RecordingModel(2, 3, maxBatchSize: 8);
            Trainer.Fit(m, Ids(50), Quiet(batchSize: 8, split: 0.3, seed: seed));
            return [.. m.Evaluated];
        }
        Assert.Equal(15, Held(1).Length);
        Assert.Equal(Held(1), Held(1));
        Assert.NotEqual(Held(1), Held(2));
    }

    [Fact]
    public void Shuffle_OrderIsDeterministicInTheSeed_AndOffMeansInOrder()
    {
        List<int> Order(long seed, bool shuffle)
        {
            var m = new RecordingModel(2, 3, maxBatchSize: 8);
            Trainer.Fit(m, Ids(40), new FitOptions { Epochs = 1, BatchSize = 8, Seed = seed, Shuffle = shuffle, Progress = ProgressMode.None });
            return m.TrainedPerEpoch[0];
        }
        Assert.Equal(Order(3, true), Order(3, true));
        Assert.NotEqual(Order(3, true), Order(4, true));
        Assert.Equal(Enumerable.Range(0, 40), Order(3, false));
    }

    [Fact]
    public void Fit_IsReproducible()
    {
        double[] Losses()
        {
            var model = new LinearSoftmaxModel(4, 3);
            return [.. Trainer.Fit(model, Blobs(120, 1), Quiet(epochs: 3, batchSize: 10, split: 0.25, seed: 11)).Select(e => e.TrainLoss)];
        }
        Assert.Equal(Losses(), Losses());
    }

    [Fact]
    public void ExplicitValidation_IsEvaluatedEveryEpoch()
    {
        var model = new LinearSoftmaxModel(4, 3);
        var validation = Blobs(45, 9);
        var history = Trainer.Fit(model, Blobs(90, 1), Quiet(epochs: 2, batchSize: 10, validation: validation));
        Assert.All(history, e => Assert.True(e.HasValidation));
        var final = Trainer.Evaluate(model, validation);
        Assert.Equal(final.Loss, history.Last.ValidationLoss, 12);
        Assert.Equal(final.Accuracy, history.Last.ValidationAccuracy, 12);
    }

    [Fact]
    public void EvaluateTrainingSet_ReportsEndOfEpochTrainAccuracy()
    {
        var model = new LinearSoftmaxModel(4, 3);
        var train = Blobs(90, 1);
        var history = Trainer.Fit(model, train, new FitOptions { Epochs = 2, BatchSize = 10, EvaluateTrainingSet = true, Progress = ProgressMode.None });
        var final = Trainer.Evaluate(model, train);
        Assert.Equal(final.Loss, history.Last.TrainLoss, 12);
        Assert.Equal(final.Accuracy, history.Last.TrainAccuracy, 12);
    }

    [Fact]
    public void BatchSizeAboveMaxBatchSize_Throws_BeforeAnyStep()
    {
        var model = new LinearSoftmaxModel(4, 3, maxBatchSize: 16);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, Blobs(30, 1), Quiet(batchSize: 17)));
        Assert.Contains("BatchSize is 17", e.Message);
        Assert.Contains("at most 16", e.Message);
        Assert.Contains("LinearSoftmax", e.Message);
        Assert.Equal(0, model.TrainSteps);
    }

    [Fact]
    public void DefaultBatchSize_Is32_CappedAtMaxBatchSize()
    {
        var small = new RecordingModel(2, 3, maxBatchSize: 12);
        Trainer.Fit(small, Ids(30), Quiet());
        Assert.Equal([12, 12, 6], small.TrainBatchSizes);

        var large = new RecordingModel(2, 3, maxBatchSize: 256);
        large.Fit(Ids(70), progress: ProgressMode.None);
        Assert.Equal([32, 32, 6], large.TrainBatchSizes);
    }

    [Fact]
    public void Evaluate_BatchesByMaxBatchSize_InOrder()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 7);
        var result = model.Evaluate(Ids(20));
        Assert.Equal([7, 7, 6], model.EvaluateBatchSizes);
        Assert.Equal(Enumerable.Range(0, 20), model.Evaluated);
        Assert.Equal(0.25, result.Loss, 12);
        Assert.Equal(0.5, result.Accuracy, 12);
        Assert.Equal(20, result.Count);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(-0.1, 0)]
    [InlineData(1.0, 0)]
    [InlineData(0.001, 0)] // holds out 0 of 100
    [InlineData(0.999, 0)] // holds out all 100
    public void BadValidationSplit_Throws(double split, int unused)
    {
        _ = unused;
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        if (split == 0.0)
        {
            // 0 is the valid "no split"; the theory row proves the other rows fail for their value, not for the setup.
            Trainer.Fit(model, Ids(100), Quiet(split: split));
            Assert.Empty(model.Evaluated);
            return;
        }
        Assert.ThrowsAny<ArgumentException>(() => Trainer.Fit(model, Ids(100), Quiet(split: split)));
        Assert.Empty(model.TrainBatchSizes);
    }

    [Fact]
    public void SplitAndValidationTogether_Throws()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, Ids(20), Quiet(split: 0.2, validation: Ids(5))));
        Assert.Contains("both ValidationSplit", e.Message);
    }

    [Fact]
    public void WrongFeatureCount_ThrowsNamingBoth()
    {
        var model = new RecordingModel(5, 3, maxBatchSize: 8);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, Ids(20), Quiet()));
        Assert.Contains("has 2 features per sample, Recorder expects 5", e.Message);
        var v = Assert.Throws<ArgumentException>(() => Trainer.Evaluate(model, Ids(20)));
        Assert.Contains("expects 5", v.Message);
    }

    [Fact]
    public void LabelOutOfRange_Throws()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, Ids(20, classes: 4), Quiet()));
        Assert.Contains("row 3: the label is 3", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        Assert.Empty(model.TrainBatchSizes);
    }

    [Fact]
    public void TargetKind_IsRespected()
    {
        var regression = Dataset.FromRegression([0, 1, 1, 1, 2, 1], [0.5f, 1.5f, 2.5f], featureSize: 2, targetSize: 1);
        var valuesModel = new RecordingModel(2, 1, maxBatchSize: 8, TargetKind.Values);
        var history = Trainer.Fit(valuesModel, regression, Quiet(validation: regression));
        Assert.Equal([3], valuesModel.TrainBatchSizes);
        Assert.True(double.IsNaN(history.Last.ValidationAccuracy));
        Assert.Equal(0.25, history.Last.ValidationLoss, 12);

        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(valuesModel, Ids(6, classes: 1), Quiet()));
        Assert.Contains("class labels", e.Message);
        var c = Assert.Throws<ArgumentException>(() => Trainer.Fit(new RecordingModel(2, 3, 8), regression, Quiet()));
        Assert.Contains("class indices", c.Message);
        var t = Assert.Throws<ArgumentException>(() => Trainer.Fit(new RecordingModel(2, 2, 8, TargetKind.Values), regression, Quiet()));
        Assert.Contains("1 target values per sample, Recorder expects 2", t.Message);
    }

    [Fact]
    public void EpochsBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(new RecordingModel(2, 3, 8), Ids(5), Quiet(epochs: 0)));

    [Theory]
    [InlineData(ProgressMode.None)]
    [InlineData(ProgressMode.Lines)]
    [InlineData(ProgressMode.Bar)]
    public void SteadyState_AllocatesNothingPerBatch(ProgressMode progress)
    {
        var model = new LinearSoftmaxModel(4, 3, maxBatchSize: 16);
        var train = Blobs(3000, 1);
        var validation = Blobs(300, 2);
        long atEpoch2 = 0, atEpoch6 = 0;
        var options = new FitOptions
        {
            Epochs = 6,
            BatchSize = 8,
            Validation = validation,
            EvaluateTrainingSet = true,
            Progress = progress,
            Output = TextWriter.Null,
            // Epochs 1-2 are the warm-up (JIT, first-call initialisation, the history's storage).
            OnEpochEnd = e =>
            {
                if (e.Epoch == 2) atEpoch2 = GC.GetAllocatedBytesForCurrentThread();
                if (e.Epoch == 6) atEpoch6 = GC.GetAllocatedBytesForCurrentThread();
            },
        };
        Trainer.Fit(model, train, options);

        // Between the ends of epochs 2 and 6 lie 4 x 375 training steps, 8 evaluations and 4
        // progress lines. A per-batch allocation shows in every run; the runtime's one-off work
        // (see Allocations) in one at most.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++)
        {
            Trainer.Fit(model, train, options);
            least = Math.Min(least, atEpoch6 - atEpoch2);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void LinesProgress_PrintsOneLinePerEpoch()
    {
        var output = new StringWriter();
        var model = new LinearSoftmaxModel(4, 3);
        Trainer.Fit(model, Blobs(60, 1), new FitOptions { Epochs = 3, BatchSize = 10, ValidationSplit = 0.25, Progress = ProgressMode.Lines, Output = output });
        string text = output.ToString();
        Assert.DoesNotContain('\r', text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            Assert.StartsWith($"Epoch {i + 1}/3  loss ", lines[i]);
            Assert.Contains("val_loss ", lines[i]);
            Assert.Contains("val_acc ", lines[i]);
            Assert.Contains(" samples/s", lines[i]);
        }
    }

    [Fact]
    public void AutoProgress_WithAnExplicitWriter_PrintsLines()
    {
        var output = new StringWriter();
        Trainer.Fit(new RecordingModel(2, 3, 8), Ids(40), new FitOptions { Epochs = 2, BatchSize = 8, Output = output });
        string text = output.ToString();
        Assert.DoesNotContain('\r', text);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void BarProgress_RedrawsWithCarriageReturns_AndEndsEachEpochWithALine()
    {
        var output = new StringWriter();
        Trainer.Fit(new RecordingModel(2, 3, 8), Ids(40), new FitOptions { Epochs = 2, BatchSize = 8, Progress = ProgressMode.Bar, Output = output });
        string text = output.ToString();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            // At least the first and the last batch are drawn, then the epoch summary.
            var draws = line.Split('\r', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(draws.Length >= 3, line);
            Assert.Contains("5/5", draws[^2]);
            Assert.Contains("[====================]", draws[^2]);
            Assert.StartsWith("Epoch ", draws[^1]);
            Assert.Contains("loss 0.5000", draws[^1]);
        }
    }

    [Fact]
    public void ExtensionFit_PassesTheArgumentsThrough()
    {
        var model = new RecordingModel(2, 3, maxBatchSize: 8);
        var history = model.Fit(Ids(40), epochs: 2, batchSize: 5, validationSplit: 0.25, seed: 3, progress: ProgressMode.None);
        Assert.Equal(2, history.Count);
        Assert.True(history.Last.HasValidation);
        Assert.Equal(Enumerable.Repeat(5, 12), model.TrainBatchSizes);
        Assert.Equal(20, model.Evaluated.Count);
    }

    /// <summary>Returns the given losses in turn, so the epoch's mean can be checked exactly.</summary>
    private sealed class SequenceLossModel(float[] losses) : IModel
    {
    public float InputMin => float.NegativeInfinity;
    public float InputMax => float.PositiveInfinity;
    public float InputGradient(in Batch batch, Span<float> inputGradient) => throw new NotSupportedException("test double");

        private int _step;
        public string Name => "Sequence";
        public int InputSize => 2;
        public int OutputSize => 3;
        public int ParameterCount => 0;
        public int MaxBatchSize => 64;
        public TargetKind TargetKind => TargetKind.ClassIndex;
        public bool HasAccuracy => true;
        public IReadOnlyList<Layer> Layers => [];
        public Axon.Optimizers.Optimizer Optimizer { get; } = new Axon.Optimizers.Sgd();
        public float TrainStep(in Batch batch) => losses[_step++ % losses.Length];
        public BatchResult EvaluateBatch(in Batch batch) => new(0, 0);
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) { }
        public void Save(string path) { }
        public void Load(string path) { }
    }
}
