using System;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// Central finite differences against the generated backward, for every activation and loss.
/// The tolerance (2% relative, with a small absolute floor for float32 noise) catches a wrong sign or
/// a factor of two on any parameter.
/// </summary>
public class GradientCheckTests
{
    private const float H = 1e-2f;

    private static float[] RandomInputs(int count, int seed, float scale = 1f)
    {
        var rng = new Rng(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = scale * rng.NextUniform(-1f, 1f);
        return x;
    }

    private static void CheckParameters(Span<float> parameters, ReadOnlySpan<float> analytic, Func<double> loss, int stride = 1)
    {
        var analyticCopy = analytic.ToArray();
        int checkedCount = 0;
        for (int i = 0; i < parameters.Length; i += stride)
        {
            float saved = parameters[i];
            parameters[i] = saved + H;
            double plus = loss();
            parameters[i] = saved - H;
            double minus = loss();
            parameters[i] = saved;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - analyticCopy[i]) <= 2e-2 * Math.Abs(numeric) + 2e-4,
                $"parameter {i}: finite difference {numeric:G6}, backward {analyticCopy[i]:G6}");
            checkedCount++;
        }
        Assert.True(checkedCount > 10);
    }

    [Fact]
    public void ActivationZoo_ParameterGradients_MatchFiniteDifferences()
    {
        var model = new ActivationZoo(seed: 7);
        var x = RandomInputs(4 * ActivationZoo.InputSize, 1, 2f);
        int[] labels = [0, 3, 1, 2];
        model.ComputeGradients(x, labels);
        CheckParameters(model.Parameters, model.Gradients, () => model.ComputeLoss(x, labels));
    }

    [Fact]
    public void SoftmaxRegressor_MseThroughSoftmaxAndGelu_MatchesFiniteDifferences()
    {
        var model = new SoftmaxRegressor(seed: 5);
        var x = RandomInputs(3 * SoftmaxRegressor.InputSize, 2, 2f);
        var t = RandomInputs(3 * SoftmaxRegressor.OutputSize, 3);
        model.ComputeGradients(x, t);
        CheckParameters(model.Parameters, model.Gradients, () => model.ComputeLoss(x, t));
    }

    [Fact]
    public void BinaryModel_BceOnLogits_MatchesFiniteDifferences()
    {
        var model = new BinaryModel(seed: 11);
        var x = RandomInputs(5 * BinaryModel.InputSize, 4, 2f);
        float[] t = [1f, 0f, 1f, 0.25f, 0f];
        model.ComputeGradients(x, t);
        CheckParameters(model.Parameters, model.Gradients, () => model.ComputeLoss(x, t));
    }

    [Fact]
    public void InputGradient_MatchesFiniteDifferences_PerSampleLoss()
    {
        var model = new ActivationZoo(seed: 3);
        var x = RandomInputs(3 * ActivationZoo.InputSize, 9, 2f);
        int[] labels = [2, 0, 3];
        var grad = new float[x.Length];
        model.InputGradient(x, labels, grad);
        // InputGradient is ∂L_i/∂x_i: the gradient of the summed loss = n · mean loss.
        CheckParameters(x, grad, () => 3.0 * model.ComputeLoss(x, labels));
    }

    [Fact]
    public void InputGradient_LeavesParametersAndTheirGradientsUnchanged()
    {
        var model = new FashionMlp(seed: 1);
        var x = RandomInputs(2 * FashionMlp.InputSize, 5);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Abs(x[i]);
        model.ComputeGradients(x, [1, 2]);
        var parameters = model.Parameters.ToArray();
        var gradients = model.Gradients.ToArray();
        model.InputGradient(x, [3, 4], new float[x.Length]);
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(gradients, model.Gradients.ToArray());
    }
}
