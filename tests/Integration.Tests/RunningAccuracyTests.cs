using System;
using System.Linq;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Trainer reports a running training accuracy, counted from each step's own forward pass before its update.</summary>
public class RunningAccuracyTests
{
    [Fact]
    public void TrainAccuracy_IsTheCorrectCountOfEachBatchBeforeItsUpdate()
    {
        var (train, _) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        const int samples = 1000, batch = 64;
        var x = train.Features.AsSpan(0, samples * 784).ToArray();
        var y = train.Labels!.AsSpan(0, samples).ToArray();
        var data = Dataset.FromClassification(x, y, 784);

        var fitted = new FashionMlp(seed: 4);
        var history = fitted.Fit(data, new FitOptions { Epochs = 2, BatchSize = batch, Shuffle = false, Progress = ProgressMode.None });

        // The same steps by hand: FashionMlp has no dropout or BatchNorm, so the inference-mode
        // Evaluate of a batch right before its TrainStep sees exactly the outputs TrainStep's forward sees.
        var manual = new FashionMlp(seed: 4);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            long correct = 0;
            for (int start = 0; start < samples; start += batch)
            {
                int n = Math.Min(batch, samples - start);
                var xb = x.AsSpan(start * 784, n * 784);
                var yb = y.AsSpan(start, n);
                correct += (long)Math.Round(manual.Evaluate(xb, yb).Accuracy * n);
                manual.TrainStep(xb, yb);
            }
            Assert.Equal((double)correct / samples, history[epoch].TrainAccuracy, 12);
        }
        Assert.Equal(manual.Parameters.ToArray(), fitted.Parameters.ToArray());
        // It learned during the epoch, and the figure is a running one, not the end-of-epoch accuracy.
        Assert.True(history[1].TrainAccuracy > history[0].TrainAccuracy);
        Assert.True(history[0].TrainAccuracy > 0.3, $"running accuracy {history[0].TrainAccuracy}");
    }

    [Fact]
    public void TrainAccuracy_IsNaN_ForAModelWithoutAccuracy()
    {
        var rng = new Rng(1);
        var features = new float[200 * 3];
        for (int i = 0; i < features.Length; i++) features[i] = rng.NextSingle();
        var targets = new float[200 * 2];
        for (int i = 0; i < targets.Length; i++) targets[i] = rng.NextSingle();
        var model = new Outer.NestedRegressor();
        var history = model.Fit(Dataset.FromRegression(features, targets, 3, 2), new FitOptions { Epochs = 1, Progress = ProgressMode.None });
        Assert.True(double.IsNaN(history[0].TrainAccuracy));
        Assert.True(double.IsFinite(history[0].TrainLoss));
    }
}
