using System;
using System.Linq;
using Xunit;
using static Axon.Integration.Tests.FiniteDifferences;

namespace Axon.Integration.Tests;

/// <summary>Models that are graphs: From, Add, Multiply, Concat and Dot, with fan-out and fan-in.</summary>
public class GraphTests
{
    [Fact]
    public void GraphZoo_ParameterGradients_SumOverEveryReader()
    {
        var model = new GraphZoo(seed: 2);
        var x = Random(4 * GraphZoo.InputSize, 1, 2f);
        int[] labels = [0, 2, 1, 1];
        model.ComputeGradients(x, labels);
        Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, labels), "parameter");
    }

    [Fact]
    public void GraphZoo_InputGradient_SumsItsThreeReaders()
    {
        var model = new GraphZoo(seed: 3);
        var x = Random(3 * GraphZoo.InputSize, 2, 2f);
        int[] labels = [2, 0, 1];
        var grad = new float[x.Length];
        model.InputGradient(x, labels, grad);
        Check(x, grad, () => 3.0 * model.ComputeLoss(x, labels), "input");
    }

    [Fact]
    public void GraphZoo_ComputesWhatItsGraphSays()
    {
        // Recompute the forward pass from the layer handles' weights, in plain C#.
        var model = new GraphZoo(seed: 4);
        var x = Random(GraphZoo.InputSize, 3, 2f);
        float[] Dense(Layer l, float[] input, Func<float, float> f) =>
            Enumerable.Range(0, l.OutputShape[0]).Select(o =>
                f(l.Bias[o] + Enumerable.Range(0, input.Length).Sum(i => l.Weight[o * input.Length + i] * input[i]))).ToArray();
        float Gelu(float z) => (float)(0.5 * z * (1 + Erf(z / Math.Sqrt(2))));
        var stem = Dense(model.Stem, x, MathF.Tanh);
        var block = Dense(model.Block, stem, Gelu);
        var residual = block.Zip(stem, (a, b) => a + b).ToArray();
        var gate = Dense(model.Gate, x, z => 1f / (1f + MathF.Exp(-z)));
        var gated = residual.Zip(gate, (a, b) => a * b).ToArray();
        var joined = gated.Concat(x).Concat(stem).ToArray();
        Assert.Equal(22, joined.Length);
        var logits = Dense(model.Logits, joined, z => z);
        var actual = model.Predict(x);
        for (int i = 0; i < 3; i++) Assert.Equal(logits[i], actual[i], 4);
    }

    [Fact]
    public void TwoTower_DotScore_GradientsMatchFiniteDifferences()
    {
        var model = new TwoTower(seed: 5);
        var x = Random(6 * TwoTower.InputSize, 4, 2f);
        float[] t = [1, 0, 1, 1, 0, 0];
        model.ComputeGradients(x, t);
        Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, t), "parameter");
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        Check(x, grad, () => 6.0 * model.ComputeLoss(x, t), "input");
        Assert.Equal("[1]", TwoTower.Summary.Split('\n').Single(l => l.StartsWith("Score")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
    }

    [Fact]
    public void SpatialSkip_ChannelConcat_GradientsMatchFiniteDifferences()
    {
        var model = new SpatialSkip(seed: 6);
        var x = Random(3 * SpatialSkip.InputSize, 5, 2f);
        var t = Random(3 * SpatialSkip.OutputSize, 6);
        model.ComputeGradients(x, t);
        Check(model.Parameters, model.Gradients.ToArray(), () => model.ComputeLoss(x, t), "parameter");
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        Check(x, grad, () => 3.0 * model.ComputeLoss(x, t), "input");   // per-sample MSE is the mean over its outputs
        Assert.Contains("[5, 5, 5]", SpatialSkip.Summary);
    }

    [Fact]
    public void FrozenBranch_StopsOnlyItsOwnUpdates()
    {
        var model = new GraphZoo(seed: 7);
        var x = Random(8 * GraphZoo.InputSize, 7, 2f);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        model.Gate.Freeze();
        var gate = model.Gate.Weight.ToArray();
        var stem = model.Stem.Weight.ToArray();
        for (int i = 0; i < 3; i++) model.TrainStep(x, labels);
        Assert.Equal(gate, model.Gate.Weight.ToArray());
        Assert.NotEqual(stem, model.Stem.Weight.ToArray());
    }

    /// <summary>erf to about 1e-7 (the Numerical Recipes erfc Chebyshev fit): .NET has no erf.</summary>
    private static double Erf(double x)
    {
        double t = 1.0 / (1.0 + 0.5 * Math.Abs(x));
        double y = 1 - t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y : -y;
    }
}
