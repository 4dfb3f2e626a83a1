using System;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Models with several named inputs, id inputs and embeddings.</summary>
public class InputMemberTests
{
    private const float H = 1e-2f;

    [Fact]
    public void InputRow_IsTheMembersEndToEnd()
    {
        Assert.Equal(2, MatrixFactorization.InputSize);
        Assert.Equal(5, TabularNet.InputSize);
        // The loosest bounds over the inputs: the id input declares none.
        Assert.Equal(float.NegativeInfinity, TabularNet.InputMin);
        Assert.Equal(float.PositiveInfinity, TabularNet.InputMax);
        Assert.Equal(20 * 4 + 30 * 4, MatrixFactorization.ParameterCount);
        Assert.Contains("User (Input)", MatrixFactorization.Summary);
        Assert.Contains("[6]", TabularNet.Summary);   // 2 ids x 3 dimensions
        Assert.Contains("[9]", TabularNet.Summary);   // joined with 3 numeric features
    }

    [Fact]
    public void MatrixFactorization_LearnsALowRankMatrix()
    {
        // Ratings r(u, i) = a_u · b_i from rank-2 factors: learnable exactly by 4-dimensional embeddings.
        var rng = new Rng(3);
        var a = Enumerable.Range(0, 20 * 2).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
        var b = Enumerable.Range(0, 30 * 2).Select(_ => rng.NextUniform(-1f, 1f)).ToArray();
        int count = 400;
        var x = new float[2 * count];
        var t = new float[count];
        for (int s = 0; s < count; s++)
        {
            int u = (int)(rng.NextUInt32() % 20), i = (int)(rng.NextUInt32() % 30);
            x[2 * s] = u;
            x[2 * s + 1] = i;
            t[s] = a[2 * u] * b[2 * i] + a[2 * u + 1] * b[2 * i + 1];
        }
        var model = new MatrixFactorization(seed: 1);
        double first = model.Evaluate(x, t).Loss;
        for (int epoch = 0; epoch < 150; epoch++)
            for (int start = 0; start < count; start += 64)
            {
                int m = Math.Min(64, count - start);
                model.TrainStep(x.AsSpan(2 * start, 2 * m), t.AsSpan(start, m));
            }
        double last = model.Evaluate(x, t).Loss;
        Assert.True(last < 0.02 * first, $"mean squared error went from {first:G4} to {last:G4}");
    }

    [Fact]
    public void TabularNet_GradientsMatchFiniteDifferences_AndIdsGetNone()
    {
        var model = new TabularNet(seed: 2);
        float[] x = [0, 4, 0.5f, -1.2f, 2f, 3, 3, -0.3f, 0.8f, 0.1f, 1, 0, 1.5f, 0.2f, -2f, 2, 1, 0f, -0.7f, 1.1f];
        float[] t = [1, 0, 1, 0];
        model.ComputeGradients(x, t);
        var analytic = model.Gradients.ToArray();
        var p = model.Parameters;
        int nonZero = 0;
        for (int i = 0; i < p.Length; i++)
        {
            float saved = p[i];
            p[i] = saved + H; double plus = model.ComputeLoss(x, t);
            p[i] = saved - H; double minus = model.ComputeLoss(x, t);
            p[i] = saved;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-2 * Math.Abs(numeric) + 3e-4, $"parameter {i}: {numeric:G6} vs {analytic[i]:G6}");
            if (Math.Abs(analytic[i]) > 1e-4) nonZero++;
        }
        Assert.True(nonZero > 20);
        var grad = new float[x.Length];
        model.InputGradient(x, t, grad);
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(0f, grad[5 * s]);        // ids: no gradient
            Assert.Equal(0f, grad[5 * s + 1]);
            for (int c = 2; c < 5; c++)
            {
                int i = 5 * s + c;
                float saved = x[i];
                x[i] = saved + H; double plus = 4.0 * model.ComputeLoss(x, t);
                x[i] = saved - H; double minus = 4.0 * model.ComputeLoss(x, t);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * H);
                Assert.True(Math.Abs(numeric - grad[i]) <= 2e-2 * Math.Abs(numeric) + 3e-4, $"input {i}: {numeric:G6} vs {grad[i]:G6}");
            }
        }
    }

    [Fact]
    public void IdOutOfRange_Throws_AndLeavesTheModelUnchanged()
    {
        var model = new MatrixFactorization(seed: 4);
        var before = model.Parameters.ToArray();
        var e = Assert.ThrowsAny<ArgumentException>(() => model.TrainStep([3, 30], [1f]));   // item vocabulary is 30
        Assert.Contains("30", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => model.TrainStep([2.5f, 1], [1f]));
        Assert.Equal(before, model.Parameters.ToArray());
    }
}
