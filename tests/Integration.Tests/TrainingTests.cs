using System;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

public class TrainingTests
{
    [Fact]
    public void Xor_IsLearned()
    {
        var model = new XorNet();
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] t = [0, 1, 1, 0];
        float first = model.TrainStep(x, t), last = first;
        for (int i = 0; i < 500; i++) last = model.TrainStep(x, t);
        Assert.True(last < 0.05f * first, $"loss went from {first} to {last}");
        var probabilities = new float[4];
        model.PredictProbabilities(x, probabilities);
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(probabilities[i] - t[i]) < 0.2f, $"sample {i}: p = {probabilities[i]}, target {t[i]}");
        Assert.Equal(1.0, model.Evaluate(x, t).Accuracy);
    }

    [Fact]
    public void FashionSubset_ReachesAtLeast80PercentTestAccuracy()
    {
        var dir = FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory);
        var (train, test) = FashionMnist.Load(dir);
        var model = new FashionMlp();
        var history = model.Fit(train, epochs: 5, batchSize: 64, progress: ProgressMode.None);
        Assert.Equal(5, history.Count);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss);
        var result = model.Evaluate(test.Features, test.Labels!);
        Assert.True(result.Accuracy >= 0.80, $"test accuracy {result.Accuracy:F4}");
        Assert.Equal(test.Count, result.Count);
    }

    [Fact]
    public void SameSeed_GivesBitwiseIdenticalTraining()
    {
        float[] Run()
        {
            var model = new ActivationZoo(seed: 5);
            var rng = new Rng(1);
            var x = new float[8 * ActivationZoo.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextUniform(-1, 1);
            int[] labels = [0, 1, 2, 3, 0, 1, 2, 3];
            for (int i = 0; i < 20; i++) model.TrainStep(x, labels);
            return model.Parameters.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void FrozenLayer_IsNotUpdated_AndOthersAre()
    {
        var model = new FashionMlp(seed: 2);
        var rng = new Rng(3);
        var x = new float[16 * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        model.Hidden.Freeze();
        var hidden = model.Hidden.Weight.ToArray();
        var hiddenBias = model.Hidden.Bias.ToArray();
        var logits = model.Logits.Weight.ToArray();
        for (int i = 0; i < 5; i++) model.TrainStep(x, labels);
        Assert.Equal(hidden, model.Hidden.Weight.ToArray());
        Assert.Equal(hiddenBias, model.Hidden.Bias.ToArray());
        Assert.NotEqual(logits, model.Logits.Weight.ToArray());

        model.Hidden.Unfreeze();
        model.TrainStep(x, labels);
        Assert.NotEqual(hidden, model.Hidden.Weight.ToArray());
    }

    [Fact]
    public void Summary_ListsLayersAndParameterCounts()
    {
        Assert.Equal(784 * 128 + 128 + 128 * 10 + 10, FashionMlp.ParameterCount);
        Assert.Contains("Hidden (Dense, relu)", FashionMlp.Summary);
        Assert.Contains("100,480", FashionMlp.Summary);
        Assert.Contains("Total params: 101,770", FashionMlp.Summary);
        Assert.Equal(3, Outer.NestedRegressor.InputSize);
    }

    [Fact]
    public void Layers_ExposeShapesAndArenaViews()
    {
        var model = new FashionMlp();
        Assert.Equal(2, model.Layers.Count);
        Assert.Same(model.Hidden, model.Layers[0]);
        Assert.Equal(784 * 128, model.Hidden.Weight.Length);
        Assert.Equal(128, model.Hidden.Bias.Length);
        Assert.Equal(0, new BinaryModel().Output.BiasCount);
        // PyTorch's nn.Linear default: uniform in ±1/√fan_in.
        float bound = 1f / MathF.Sqrt(784);
        Assert.All(model.Hidden.Weight.ToArray(), w => Assert.InRange(w, -bound, bound));
    }
}
