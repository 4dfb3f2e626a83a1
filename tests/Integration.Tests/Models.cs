namespace Axon.Integration.Tests;

[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
public partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

[Model(Loss = Loss.BinaryCrossEntropy, Seed = 3)]
[Input(2)]
[Adam(LearningRate = 0.05f)]
public partial class XorNet
{
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}

/// <summary>Every activation in one stack, for gradient checks through the generated backward.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 8)]
[Input(5)]
[Sgd(LearningRate = 0.1f, Momentum = 0.9f, Nesterov = true)]
public partial class ActivationZoo
{
    [Dense(6, Activation.Relu)] public partial Layer A { get; }
    [Dense(6, Activation.LeakyRelu, NegativeSlope = 0.1f)] public partial Layer B { get; }
    [Dense(6, Activation.Sigmoid)] public partial Layer C { get; }
    [Dense(6, Activation.Tanh)] public partial Layer D { get; }
    [Dense(6, Activation.Gelu)] public partial Layer E { get; }
    [Dense(4)] public partial Layer Logits { get; }
}

[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8)]
[Input(4)]
[AdamW(LearningRate = 0.01f)]
public partial class SoftmaxRegressor
{
    [Dense(5, Activation.Gelu, Init = Init.GlorotUniform)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}

[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 8)]
[Input(3)]
public partial class BinaryModel
{
    [Dense(4, Activation.Sigmoid, Init = Init.HeNormal)] public partial Layer Hidden { get; }
    [Dense(1, Bias = false)] public partial Layer Output { get; }
}

public partial class Outer
{
    [Model(Loss = Loss.MeanSquaredError)]
    [Input(3)]
    public partial class NestedRegressor
    {
        [Dense(2)] public partial Layer Output { get; }
    }
}

/// <summary>A linear softmax classifier: its input gradient is known in closed form, Wᵀ(softmax(Wx + b) − onehot(y)).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(6)]
public partial class LinearNet
{
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>A linear two-class softmax classifier: DeepFool's minimal distance is |z₀ − z₁|/‖w₀ − w₁‖₂ in closed form.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(5)]
public partial class LinearTwoClass
{
    [Dense(2)] public partial Layer Logits { get; }
}
