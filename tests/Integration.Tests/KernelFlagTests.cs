using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Data;
using Axon.Optimizers;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// <c>Layer.IsKernel</c> comes from the layer kind (the generator's table), not from a list of kind names in the runtime,
/// so a new kind cannot be silently left out of weight regularisation: FitOptions.L1 reached only Dense and Conv2D
/// weights while it switched on <c>Kind is "Dense" or "Conv2D"</c>, and skipped Conv1D, LSTM and GRU kernels.
/// </summary>
public class KernelFlagTests
{
    private static readonly HashSet<string> KernelKinds = ["Dense", "Conv1D", "Conv2D", "Lstm", "Gru"];

    public static IEnumerable<object[]> Models() =>
    [
        [new SequenceConvNet()], [new RecurrentGradientNet()], [new NormNet()], [new MatrixFactorization()],
        [new FashionCnn()], [new TabularNet()], [new AdaptedMlp()], [new ToolkitDropNet()], [new ReshapeNet()],
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void LayerFlags_FollowTheKind_IsKernelForLinearMapsOnly_NotEmbeddingsNormsOrAdapters(IModel model)
    {
        foreach (var layer in model.Layers)
        {
            Assert.Equal(KernelKinds.Contains(layer.Kind), layer.IsKernel);
            if (layer.IsKernel) Assert.False(layer.IsNormalization, layer.Name);
            // DP-SGD's fast path and its refusal read these flags, not kind names (StepRunner.DpSgd, TrainingChecks).
            Assert.Equal(layer.Kind == "Dense", layer.CollectsGhostNorms);
            Assert.Equal(layer.Kind is "Input" or "Dropout" or "Flatten" or "Reshape", layer.BackwardIsRepeatable);
            Assert.Equal(layer.Kind == "BatchNorm", layer.MixesSamples);
        }
    }

    [Fact]
    public void L1_AddsLambdaSignToRecurrentKernels_NotToTheirBiases()
    {
        var rng = new Rng(3);
        var x = new float[4 * 4 * 3];
        var y = new float[4 * 2];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextUniform(-1f, 1f);
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextUniform(-1f, 1f);
        var data = Dataset.FromRegression(x, y, 12, 2);

        var plain = new RecurrentGradientNet(optimizer: new Sgd(0.1f));
        var l1 = new RecurrentGradientNet(optimizer: new Sgd(0.1f));
        var w0 = l1.Parameters.ToArray();
        plain.Fit(data, new FitOptions { BatchSize = 4, Shuffle = false, Progress = ProgressMode.None });
        l1.Fit(data, new FitOptions { BatchSize = 4, Shuffle = false, Progress = ProgressMode.None, L1 = 0.01f });

        foreach (var (a, b) in plain.Layers.Zip(l1.Layers))
        {
            for (int i = 0; i < a.WeightCount; i++)
                Assert.Equal(a.Weight[i] - 0.1f * 0.01f * MathF.Sign(w0[a.ParameterOffset + i]), b.Weight[i], 6);
            Assert.Equal(a.Bias.ToArray(), b.Bias.ToArray());
        }
        Assert.Contains(l1.Layers, l => l.Kind == "Lstm" && l.WeightCount > 0);
    }
}
