using System;
using Axon.Testing;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Generated models with Conv1D and the 1-D pools: gradients, training, threads and allocations.</summary>
public class Conv1DModelTests
{
    [Fact]
    public void SmoothSequenceConv_ParameterAndInputGradients_MatchFiniteDifferences()
    {
        var model = new SmoothSequenceConv(seed: 3);
        var x = FiniteDifferences.Random(3 * SmoothSequenceConv.InputSize, 4, 2f);
        var t = FiniteDifferences.Random(3 * SmoothSequenceConv.OutputSize, 5);
        model.ComputeGradients(x, t);
        FiniteDifferences.Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, t), "parameter");
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        FiniteDifferences.Check(x, grad, () => 3.0 * model.ComputeLoss(x, t), "input");
    }

    /// <summary>A target that needs the order of the steps: the mean of feature 0 over the last four steps minus the first four.</summary>
    private static (float[] X, float[] T) Trend(int n, int seed)
    {
        var x = FiniteDifferences.Random(n * SequenceConvNet.InputSize, seed);
        var t = new float[n];
        for (int s = 0; s < n; s++)
        {
            for (int k = 0; k < 4; k++)
                t[s] += (x[(s * 16 + 12 + k) * 2] - x[(s * 16 + k) * 2]) / 4f;
        }
        return (x, t);
    }

    [Fact]
    public void SequenceConvNet_LearnsATrend_ThatNeedsTheOrderOfTheSteps()
    {
        var model = new SequenceConvNet(seed: 2);
        var (x, t) = Trend(64, 11);
        var (testX, testT) = Trend(64, 12);
        double before = model.ComputeLoss(testX, testT);
        for (int epoch = 0; epoch < 150; epoch++) model.TrainStep(x, t);
        double after = model.ComputeLoss(testX, testT);
        Assert.True(after < 0.5 * before, $"held-out loss {before:G4} → {after:G4}");
    }

    [Fact]
    public void SequenceConvNet_TwoThreads_AreBitwiseIdenticalToOne()
    {
        var (x, t) = Trend(64, 21);
        float[] Train(int threads)
        {
            var model = new SequenceConvNet(seed: 4) { Threads = threads };
            for (int i = 0; i < 5; i++) model.TrainStep(x, t);
            var y = new float[64];
            model.Predict(x, y);
            return [.. model.Parameters.ToArray(), .. y];
        }
        Assert.Equal(Train(1), Train(2));
    }

    [Fact]
    public void SequenceConvNet_TrainStepAndPredict_AllocateNothingAfterWarmUp()
    {
        var model = new SequenceConvNet(seed: 1);
        var (x, t) = Trend(32, 31);
        var output = new float[1];
        var inputGradient = new float[x.Length];
        model.TrainStep(x, t);
        model.Predict(x.AsSpan(0, SequenceConvNet.InputSize), output);
        model.InputGradient(x, t, inputGradient);
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 50; i++) model.TrainStep(x, t); }));
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 500; i++) model.Predict(x.AsSpan(0, SequenceConvNet.InputSize), output); }));
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 10; i++) model.InputGradient(x, t, inputGradient); }));
    }
}
