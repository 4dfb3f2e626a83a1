using Axon.Testing;
using System;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Allocation counts are deterministic: after warm-up the hot paths allocate nothing.</summary>
public class AllocationTests
{
    [Fact]
    public void TrainStep_And_Predict_AllocateNothingAfterWarmUp()
    {
        var model = new FashionMlp();
        var rng = new Rng(1);
        var x = new float[32 * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var labels = new int[32];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 10;
        var output = new float[FashionMlp.OutputSize];
        var one = x.AsSpan(0, FashionMlp.InputSize);
        var inputGradient = new float[x.Length];

        model.TrainStep(x, labels);
        model.Predict(one, output);
        model.InputGradient(x, labels, inputGradient);
        model.Evaluate(x, labels);

        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 100; i++) model.TrainStep(x, labels); }));
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 1000; i++) model.Predict(x.AsSpan(0, FashionMlp.InputSize), output); }));
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 10; i++) { model.InputGradient(x, labels, inputGradient); model.Evaluate(x, labels); }
        }));
    }
}
