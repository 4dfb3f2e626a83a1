using System;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Sequences <c>[T, F]</c> at run time: Dense applies per step with shared weights, and its backward is right.</summary>
public class SequenceShapeTests
{
    [Fact]
    public void PerStepDense_GivesEveryStepTheSameWeights_AsApplyingItToEachStepAlone()
    {
        var model = new PerStepOutput(seed: 2);
        var x = FiniteDifferences.Random(3 * PerStepOutput.InputSize, 5, 2f);
        var output = new float[3 * PerStepOutput.OutputSize];   // [n, 5, 4]
        model.Predict(x, output);
        Assert.Equal([5, 4], model.Step.OutputShape.ToArray());
        var w = model.Step.Weight.ToArray();
        var b = model.Step.Bias.ToArray();
        Assert.Equal((12, 4), (w.Length, b.Length));
        for (int s = 0; s < 3; s++)
            for (int t = 0; t < 5; t++)
                for (int u = 0; u < 4; u++)
                {
                    float z = b[u];
                    for (int f = 0; f < 3; f++) z += w[u * 3 + f] * x[(s * 5 + t) * 3 + f];
                    Assert.Equal(MathF.Tanh(z), output[(s * 5 + t) * 4 + u], 5);
                }
        Assert.Equal(12 + 4 + 2 * 20 + 20 * 2 + 2, PerStepRegressor.ParameterCount);
    }

    [Fact]
    public void PerStepDense_ParameterAndInputGradients_MatchFiniteDifferences()
    {
        var model = new PerStepRegressor(seed: 9);
        var x = FiniteDifferences.Random(4 * PerStepRegressor.InputSize, 6, 2f);
        var t = FiniteDifferences.Random(4 * PerStepRegressor.OutputSize, 7);
        model.ComputeGradients(x, t);
        FiniteDifferences.Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, t), "parameter");
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        FiniteDifferences.Check(x, grad, () => 4.0 * model.ComputeLoss(x, t), "input");
    }

    [Fact]
    public void PerStepRegressor_Trains_LossFallsOnALearnableTarget()
    {
        var model = new PerStepRegressor(seed: 1);
        int n = 16;
        var x = FiniteDifferences.Random(n * PerStepRegressor.InputSize, 8);
        var t = new float[n * 2];
        for (int s = 0; s < n; s++)
            for (int k = 0; k < 5; k++)
            {
                t[2 * s] += x[(s * 5 + k) * 3] / 5f;                 // mean of feature 0 over the steps
                t[2 * s + 1] += x[(s * 5 + k) * 3 + 1] * (k - 2) / 5f;  // a trend of feature 1
            }
        double before = model.ComputeLoss(x, t);
        for (int i = 0; i < 300; i++) model.TrainStep(x, t);
        double after = model.ComputeLoss(x, t);
        Assert.True(after < 0.1 * before, $"loss {before:G4} → {after:G4}");
    }
}
