using System;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Testing;
using Axon.Training;
using Xunit;
using static Axon.Integration.Tests.FiniteDifferences;

namespace Axon.Integration.Tests;

/// <summary>
/// Generated forward and backward through convolutions, pooling, normalisation and dropout: finite
/// differences, training/inference modes, freezing, serialization and the Fashion-MNIST CNN.
/// </summary>
public class SpatialLayerTests
{
    [Fact]
    public void TinyConvNet_ParameterGradients_MatchFiniteDifferences()
    {
        var model = new TinyConvNet(seed: 3);
        var x = Random(4 * TinyConvNet.InputSize, 1, 2f);
        int[] labels = [0, 2, 1, 2];
        model.ComputeGradients(x, labels);
        // A smaller step: ±1e-2 on a first-layer weight can move a max-pool window's winner, a kink
        // the difference would straddle; the loss of 4 samples still resolves ±2e-3.
        Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, labels), "TinyConvNet parameter", h: 2e-3f);
    }

    [Fact]
    public void TinyConvNet_InputGradient_MatchesFiniteDifferences()
    {
        var model = new TinyConvNet(seed: 4);
        var x = Random(3 * TinyConvNet.InputSize, 2, 2f);
        int[] labels = [1, 0, 2];
        var grad = new float[x.Length];
        model.InputGradient(x, labels, grad);
        Check(x, grad, () => 3.0 * model.ComputeLoss(x, labels), "TinyConvNet input");
    }

    [Fact]
    public void ReshapeNet_GradientsFlowThroughBothReshapes()
    {
        var model = new ReshapeNet(seed: 8);
        var x = Random(4 * ReshapeNet.InputSize, 21, 2f);
        int[] labels = [0, 1, 2, 1];
        model.ComputeGradients(x, labels);
        Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, labels), "ReshapeNet parameter");
        Assert.Contains("[2, 4, 4]", ReshapeNet.Summary);
        var grad = new float[x.Length];
        model.InputGradient(x, labels, grad);
        Check(x, grad, () => 4.0 * model.ComputeLoss(x, labels), "ReshapeNet input");
    }

    [Fact]
    public void NormNet_TrainingModeGradients_MatchFiniteDifferencesOfTheTrainingLoss()
    {
        // In training mode BatchNorm normalises with the batch's own statistics, so the loss whose
        // gradient ComputeGradients returns is the one ComputeGradients computes (running statistics
        // move on every call but do not enter it).
        var model = new NormNet(seed: 5);
        var x = Random(5 * NormNet.InputSize, 3, 2f);
        var t = Random(5 * NormNet.OutputSize, 4);
        model.ComputeGradients(x, t);
        var analytic = model.Gradients.ToArray();
        Check(model.Parameters, analytic, () => model.ComputeGradients(x, t), "parameter");
    }

    [Fact]
    public void NormNet_InputGradient_UsesInferenceMode_AndMatchesFiniteDifferences()
    {
        var model = new NormNet(seed: 6);
        var x = Random(6 * NormNet.InputSize, 5, 2f);
        var t = Random(6 * NormNet.OutputSize, 6);
        for (int i = 0; i < 5; i++) model.TrainStep(x, t);   // running statistics away from (0, 1)
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        // ComputeLoss runs in inference mode, as InputGradient does; the per-sample losses sum to n · mean.
        Check(x, grad, () => 6.0 * model.ComputeLoss(x, t), "input");
    }

    [Fact]
    public void BatchNorm_RunningStatistics_FollowTheDeclaredMomentum()
    {
        var model = new NormNet(seed: 7);
        var x = Random(4 * NormNet.InputSize, 8);
        var t = Random(4 * NormNet.OutputSize, 9);
        var p = model.Parameters;
        int offset = model.SpatialNorm.ParameterOffset + model.SpatialNorm.ParameterCount;
        Assert.Equal([0f, 0f, 0f, 0f], p.Slice(offset, 4).ToArray());
        Assert.Equal([1f, 1f, 1f, 1f], p.Slice(offset + 4, 4).ToArray());

        model.ComputeGradients(x, t);
        var mean = p.Slice(offset, 4).ToArray();
        var variance = p.Slice(offset + 4, 4).ToArray();
        // Momentum 0.9: running = 0.9·old + 0.1·batch, so every channel moved by exactly a tenth of its batch value.
        Assert.All(mean, m => Assert.True(m != 0f));
        Assert.All(variance, v => Assert.True(v != 1f && v > 0.9f - 1e-6f));
        model.ComputeGradients(x, t);
        for (int c = 0; c < 4; c++)
        {
            // Same batch twice: m2 = 0.9·m1 + 0.1·b where m1 = 0.1·b, so m2 = 1.9·m1.
            Assert.Equal(1.9f * mean[c], p[offset + c], 5);
            Assert.Equal(0.9f * variance[c] + (variance[c] - 0.9f), p[offset + 4 + c], 5);
        }
    }

    [Fact]
    public void FrozenBatchNorm_KeepsItsParametersAndStatisticsBitwise_WhileOthersTrain()
    {
        var model = new NormNet(seed: 8);
        var x = Random(8 * NormNet.InputSize, 10);
        var t = Random(8 * NormNet.OutputSize, 11);
        model.TrainStep(x, t);
        model.SpatialNorm.Freeze();
        var layer = model.SpatialNorm;
        // γ, β and both running statistics: the layer's whole arena slot.
        var before = model.Parameters.Slice(layer.ParameterOffset, 4 * 4).ToArray();
        var conv = model.Conv.Weight.ToArray();
        var hidden = model.Hidden.Weight.ToArray();
        for (int i = 0; i < 5; i++) model.TrainStep(x, t);
        Assert.Equal(before, model.Parameters.Slice(layer.ParameterOffset, 4 * 4).ToArray());
        Assert.NotEqual(conv, model.Conv.Weight.ToArray());     // the layer below still learns through the frozen one
        Assert.NotEqual(hidden, model.Hidden.Weight.ToArray());
    }

    [Fact]
    public void Dropout_IsActiveInTrainingOnly_AndReproducibleFromTheSeed()
    {
        var x = Random(2 * FashionCnn.InputSize, 12).Select(Math.Abs).ToArray();
        int[] labels = [3, 7];
        var a = new FashionCnn(seed: 1);
        var first = a.Predict(x.AsSpan(0, FashionCnn.InputSize));
        Assert.Equal(first, a.Predict(x.AsSpan(0, FashionCnn.InputSize)));      // inference: no dropout, deterministic
        float l1 = a.ComputeGradients(x, labels), l2 = a.ComputeGradients(x, labels);
        Assert.NotEqual(l1, l2);                                                  // a fresh mask per training pass

        float[] Train()
        {
            var m = new FashionCnn(seed: 9);
            for (int i = 0; i < 3; i++) m.TrainStep(x, labels);
            return m.Parameters.ToArray();
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void InputGradient_RunsInInferenceMode_NoDropoutNoStatistics()
    {
        // What attacks use: with dropout active or batch statistics moving, the same input would give
        // a different gradient each call (the ART/torchattacks "forgot model.eval()" mistake).
        var cnn = new FashionCnn(seed: 3);
        var x = Random(4 * FashionCnn.InputSize, 22).Select(Math.Abs).ToArray();
        int[] labels = [1, 2, 3, 4];
        var first = new float[x.Length];
        var second = new float[x.Length];
        cnn.InputGradient(x, labels, first);
        cnn.InputGradient(x, labels, second);
        Assert.Equal(first, second);

        var norm = new NormNet(seed: 3);
        var y = Random(4 * NormNet.InputSize, 23);
        var t = Random(4 * NormNet.OutputSize, 24);
        norm.TrainStep(y, t);
        var statistics = norm.Parameters.ToArray();
        norm.InputGradient(y, t, new float[y.Length]);
        Assert.Equal(statistics, norm.Parameters.ToArray());
    }

    [Fact]
    public void Summary_AndTensors_CarryEveryInferredShape()
    {
        Assert.Equal(16 * 9 + 16 + 32 * 16 * 9 + 32 + 32 * 7 * 7 * 10 + 10, FashionCnn.ParameterCount);
        Assert.Contains("Conv1 (Conv2D, relu)", FashionCnn.Summary);
        Assert.Contains("[16, 28, 28]", FashionCnn.Summary);
        Assert.Contains("[32, 7, 7]", FashionCnn.Summary);
        Assert.Contains("[1568]", FashionCnn.Summary);
        var model = new FashionCnn();
        Assert.Equal([32, 14, 14], model.Conv2.OutputShape.ToArray());
        Assert.Equal(32 * 16 * 9, model.Conv2.Weight.Length);
        Assert.Contains("Non-trainable: 20", NormNet.Summary);
    }

    [Fact]
    public void SaveLoad_RoundTripsRunningStatistics_UnderPyTorchNames()
    {
        var model = new NormNet(seed: 13);
        var x = Random(4 * NormNet.InputSize, 14);
        var t = Random(4 * NormNet.OutputSize, 15);
        for (int i = 0; i < 3; i++) model.TrainStep(x, t);
        string path = Path.Combine(Path.GetTempPath(), $"axon-normnet-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            var header = Axon.Serialization.SafeTensors.ReadHeader(path);
            var names = header.Tensors.Select(s => s.Name).ToList();
            Assert.Contains("spatial_norm.running_mean", names);
            Assert.Contains("spatial_norm.running_var", names);
            Assert.Contains("conv.weight", names);
            Assert.Equal([4L, 2, 3, 3], header.Tensors.Single(s => s.Name == "conv.weight").Shape.Select(d => (long)d).ToArray());
            var copy = new NormNet(seed: 99);
            copy.Load(path);
            Assert.Equal(model.Parameters.ToArray(), copy.Parameters.ToArray());
            var expected = new float[4 * NormNet.OutputSize];
            var actual = new float[expected.Length];
            model.Predict(x, expected);
            copy.Predict(x, actual);
            Assert.Equal(expected, actual);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Cnn_TrainStepAndPredict_AllocateNothingAfterWarmUp()
    {
        var model = new FashionCnn();
        var x = Random(16 * FashionCnn.InputSize, 16).Select(Math.Abs).ToArray();
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var output = new float[16 * FashionCnn.OutputSize];
        var grad = new float[x.Length];
        model.TrainStep(x, labels);
        model.Predict(x, output);
        model.InputGradient(x, labels, grad);
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 5; i++) model.TrainStep(x, labels);
            model.Predict(x, output);
            model.InputGradient(x, labels, grad);
        }));
    }

    [Fact]
    public void Cnn_TwoThreads_AreBitwiseIdenticalToOne()
    {
        var x = Random(32 * FashionCnn.InputSize, 17).Select(Math.Abs).ToArray();
        var labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        float[] Run(int threads)
        {
            var model = new FashionCnn(seed: 2) { Threads = threads };
            for (int i = 0; i < 3; i++) model.TrainStep(x, labels);
            return model.Parameters.ToArray();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void Cnn_BeatsTheMlp_OnTheCommittedSubset()
    {
        var dir = FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory);
        var (train, test) = FashionMnist.Load(dir);
        var mlp = new FashionMlp(seed: 1);
        var cnn = new FashionCnn(seed: 1);
        mlp.Fit(train, epochs: 3, batchSize: 32, progress: ProgressMode.None);
        cnn.Fit(train, epochs: 3, batchSize: 32, progress: ProgressMode.None);
        double mlpAccuracy = mlp.Evaluate(test.Features, test.Labels!).Accuracy;
        double cnnAccuracy = cnn.Evaluate(test.Features, test.Labels!).Accuracy;
        Assert.True(cnnAccuracy > mlpAccuracy + 0.01, $"CNN {cnnAccuracy:F4}, MLP {mlpAccuracy:F4}");
        Assert.True(cnnAccuracy >= 0.84, $"CNN test accuracy {cnnAccuracy:F4}");
    }
}
