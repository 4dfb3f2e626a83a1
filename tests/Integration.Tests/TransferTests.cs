using System;
using System.Linq;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>[TransferFrom] and the generated CopyFrom.</summary>
public class TransferTests
{
    [Fact]
    public void CopyFrom_CopiesExactlyTheDeclaredLayers_StatisticsIncluded()
    {
        var rng = new Rng(1);
        var x = Enumerable.Range(0, 16 * 64).Select(_ => rng.NextSingle()).ToArray();
        var labels = Enumerable.Range(0, 16).Select(i => i % 5).ToArray();
        var pretrained = new PretrainedBody(seed: 1);
        for (int i = 0; i < 5; i++) pretrained.TrainStep(x, labels);

        var model = new FineTunedHead(seed: 2);
        var headBefore = model.Logits.Weight.ToArray();
        model.CopyFrom(pretrained);

        Assert.Equal(pretrained.Conv.Weight.ToArray(), model.Conv.Weight.ToArray());
        Assert.Equal(pretrained.Conv.Bias.ToArray(), model.Conv.Bias.ToArray());
        Assert.Equal(pretrained.Hidden.Weight.ToArray(), model.Body.Weight.ToArray());
        Assert.Equal(pretrained.Hidden.Bias.ToArray(), model.Body.Bias.ToArray());
        // γ, β, running mean and running variance: 4 × 4 channels, and the statistics have moved.
        var norm = pretrained.Parameters.Slice(pretrained.Norm.ParameterOffset, 16).ToArray();
        Assert.NotEqual(0f, norm[8]);
        Assert.Equal(norm, model.Parameters.Slice(model.Norm.ParameterOffset, 16).ToArray());
        Assert.Equal(headBefore, model.Logits.Weight.ToArray());
        Assert.Throws<ArgumentNullException>(() => model.CopyFrom(null!));
    }
}
