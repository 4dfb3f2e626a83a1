using Axon;

namespace Axon.Distributed.Worker;

/// <summary>A small Fashion-MNIST MLP: 784 → 32 ReLU → 10 logits (25,450 parameters), Adam at 1e-3.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
public partial class WorkerMlp
{
    [Dense(32, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>The same with BatchNorm between the layers: running statistics outside the trained parameters, averaged every step.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
public partial class WorkerBatchNormMlp
{
    [Dense(32)] public partial Layer Hidden { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>A different model, for the mismatch test: 784 → 16 → 10.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
public partial class WorkerOtherMlp
{
    [Dense(16, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
