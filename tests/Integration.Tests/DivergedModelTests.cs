using System;
using System.Linq;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// A model whose parameters are NaN (training diverged, or a bad file was written into it by hand) must not look like a
/// model that predicts class 0: the arg-max of NaNs lands on the first NaN, which is class 0 for every sample.
/// </summary>
public class DivergedModelTests
{
    [Fact]
    public void NaNParameters_ClassifyThrows_AndAccuracyIsZero_NotTheShareOfClassZero()
    {
        var model = new FashionMlp(seed: 1);
        model.Parameters.Fill(float.NaN);
        var x = new float[20 * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 7) / 7f;
        var labels = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 0 : i % 10).ToArray();   // half of them class 0

        var e = Assert.Throws<InvalidOperationException>(() => model.Classify(x.AsSpan(0, FashionMlp.InputSize)));
        Assert.Contains("include NaN (at class 0), so it has no most likely class", e.Message);

        var evaluation = model.Evaluate(Dataset.FromClassification(x, labels, FashionMlp.InputSize));
        Assert.Equal(0, evaluation.Accuracy);
        Assert.True(double.IsNaN(evaluation.Loss), $"loss {evaluation.Loss}");
    }
}
