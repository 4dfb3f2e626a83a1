namespace Axon.Integration.Tests;

/// <summary>A small MLP that memorises random labels quickly: the membership-inference and DP-SGD tests' model.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64, Seed = 1)]
[Input(16)]
[Adam(LearningRate = 0.01f)]
public partial class PrivacyMlp
{
    [Dense(64, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(4)] public partial Layer Logits { get; }
}

/// <summary>A LayerNorm between the Dense layers: DP-SGD cannot use Dense-only per-sample norms here and takes one pass per sample.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64, Seed = 1)]
[Input(16)]
[Adam(LearningRate = 0.01f)]
public partial class PrivacyNormMlp
{
    [Dense(32, Activation.Relu)] public partial Layer Hidden { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Dense(4)] public partial Layer Logits { get; }
}
