using Axon;

namespace ModelSecurityExample;

/// <summary>
/// The audited model: an MLP with more parameters (203,530) than it has training images (2,000), trained long enough to
/// memorise them: the setting in which membership inference works.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 256)]
[Input(784, Min = 0f, Max = 1f)]
[Adam(LearningRate = 0.001f)]
public partial class PrivateMlp
{
    [Dense(256, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
