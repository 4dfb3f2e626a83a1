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

/// <summary>A small CNN for Fashion-MNIST: two convolution blocks, then a linear classifier.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
public partial class FashionCnn
{
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(32, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dropout(0.25f)] public partial Layer Drop { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>
/// Every spatial layer with smooth activations, odd sizes, stride 2 and asymmetric same padding,
/// for finite-difference checks of the generated backward.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 8)]
[Input(2, 7, 6)]
public partial class TinyConvNet
{
    [Conv2D(3, 3, Activation.Gelu, Stride = 2, Padding = Padding.Same)] public partial Layer C1 { get; }     // [3, 4, 3]
    [AvgPool2D(2, Stride = 1)] public partial Layer P1 { get; }                                               // [3, 3, 2]
    [Conv2D(4, 2, Activation.Tanh, Padding = Padding.Same)] public partial Layer C2 { get; }                  // [4, 3, 2]
    [MaxPool2D(2, Padding = Padding.Same)] public partial Layer P2 { get; }                                   // [4, 2, 1]
    [Flatten] public partial Layer F { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>Normalisation layers on features and on channels, and a global pool.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8)]
[Input(2, 5, 5)]
public partial class NormNet
{
    [Conv2D(4, 3, Activation.Tanh, Padding = Padding.Same)] public partial Layer Conv { get; }
    [BatchNorm(Momentum = 0.9f)] public partial Layer SpatialNorm { get; }
    [GlobalAveragePool] public partial Layer Pool { get; }
    [Dense(6, Activation.Gelu)] public partial Layer Hidden { get; }
    [LayerNorm] public partial Layer HiddenNorm { get; }
    [BatchNorm] public partial Layer FeatureNorm { get; }
    [Dense(2)] public partial Layer Output { get; }
}

/// <summary>
/// A graph with every merge and fan-out: the input is read three times, Stem three times, so the
/// backward must sum gradients from several readers.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 8)]
[Input(6)]
public partial class GraphZoo
{
    [Dense(8, Activation.Tanh)] public partial Layer Stem { get; }
    [Dense(8, Activation.Gelu)] public partial Layer Block { get; }
    [Add(nameof(Block), nameof(Stem))] public partial Layer Residual { get; }
    [Dense(8, Activation.Sigmoid, From = Graph.Input)] public partial Layer Gate { get; }
    [Multiply(nameof(Residual), nameof(Gate))] public partial Layer Gated { get; }
    [Concat(nameof(Gated), Graph.Input, nameof(Stem))] public partial Layer Joined { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>Two towers over one input, scored by their dot product (the recommender shape).</summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 8)]
[Input(5)]
public partial class TwoTower
{
    [Dense(4, Activation.Tanh)] public partial Layer User { get; }
    [Dense(4, Activation.Tanh, From = Graph.Input)] public partial Layer Item { get; }
    [Dot(nameof(User), nameof(Item))] public partial Layer Score { get; }
}

/// <summary>Channel concatenation of a convolution with its own input (a DenseNet-style skip).</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8)]
[Input(2, 5, 5)]
public partial class SpatialSkip
{
    [Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)] public partial Layer Conv { get; }
    [Concat(nameof(Conv), Graph.Input)] public partial Layer Joined { get; }
    [GlobalAveragePool] public partial Layer Pool { get; }
    [Dense(2)] public partial Layer Output { get; }
}

/// <summary>Matrix factorisation: two id inputs, an embedding each, scored by their dot product.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 64)]
[Adam(LearningRate = 0.05f)]
public partial class MatrixFactorization
{
    [Input(1, Ids = true)] public partial Layer User { get; }
    [Input(1, Ids = true)] public partial Layer Item { get; }
    [Embedding(20, 4, From = nameof(User))] public partial Layer UserVec { get; }
    [Embedding(30, 4, From = nameof(Item))] public partial Layer ItemVec { get; }
    [Dot(nameof(UserVec), nameof(ItemVec))] public partial Layer Rating { get; }
}

/// <summary>A tabular model: categorical ids through an embedding, joined with numeric features.</summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 16)]
public partial class TabularNet
{
    [Input(2, Ids = true)] public partial Layer Category { get; }
    [Input(3, Min = -5f, Max = 5f)] public partial Layer Numeric { get; }
    [Embedding(5, 3, From = nameof(Category))] public partial Layer CategoryVec { get; }
    [Concat(nameof(CategoryVec), nameof(Numeric))] public partial Layer Joined { get; }
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Score { get; }
}

/// <summary>A pretrained 5-class model: the source of a transfer.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(1, 8, 8)]
public partial class PretrainedBody
{
    [Conv2D(4, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(5)] public partial Layer Logits { get; }
}

/// <summary>The same body with a new 3-class head, taking the body from <see cref="PretrainedBody"/>.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(1, 8, 8)]
[TransferFrom(typeof(PretrainedBody), nameof(Conv), nameof(Norm), "Body=Hidden")]
public partial class FineTunedHead
{
    [Conv2D(4, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(16, Activation.Relu)] public partial Layer Body { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>A base model for the LoRA tests: the same layers as <see cref="AdaptedMlp"/>, no adapters.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(12)]
public partial class BaseMlp
{
    [Dense(10, Activation.Gelu)] public partial Layer Hidden { get; }
    [Dense(4)] public partial Layer Logits { get; }
}

/// <summary>LoRA adapters of rank 2 (α = 4, scale 2) on both layers of <see cref="BaseMlp"/>.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(12)]
[LoRA(2, nameof(Hidden), nameof(Logits), Alpha = 4f)]
public partial class AdaptedMlp
{
    [Dense(10, Activation.Gelu)] public partial Layer Hidden { get; }
    [Dense(4)] public partial Layer Logits { get; }
}

/// <summary>Features reshaped into an image and back, for the gradient checks of Reshape.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 8)]
[Input(6)]
public partial class ReshapeNet
{
    [Dense(32, Activation.Tanh)] public partial Layer Expand { get; }
    [Reshape(2, 4, 4)] public partial Layer Image { get; }
    [Conv2D(2, 3, Activation.Tanh, Padding = Padding.Same)] public partial Layer Conv { get; }
    [Reshape(32)] public partial Layer Features { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>A linear two-class softmax classifier: DeepFool's minimal distance is |z₀ − z₁|/‖w₀ − w₁‖₂ in closed form.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(5)]
public partial class LinearTwoClass
{
    [Dense(2)] public partial Layer Logits { get; }
}

/// <summary>
/// A CNN with a BatchNorm after each convolution and two hidden Dense layers, for freezing by range,
/// gradual unfreezing, discriminative rates and fine-tuning. Its default layer groups are
/// [Conv1, Norm1, Pool], [Conv2, Norm2, Flat], [Hidden1], [Hidden2], [Logits]. BatchNorm momentum
/// 0.9: Keras's 0.99 needs more steps than a short test trains for its running statistics to settle.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(1, 8, 8)]
[Adam(LearningRate = 0.01f)]
public partial class StackedCnn
{
    [Conv2D(4, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }   // [4, 8, 8]
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm1 { get; }
    [MaxPool2D(2)] public partial Layer Pool { get; }                                              // [4, 4, 4]
    [Conv2D(8, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }   // [8, 4, 4]
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm2 { get; }
    [Flatten] public partial Layer Flat { get; }                                                   // [128]
    [Dense(16, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(5)] public partial Layer Logits { get; }
}

/// <summary><see cref="StackedCnn"/>'s body with a new 3-class head.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(1, 8, 8)]
[Adam(LearningRate = 0.01f)]
[TransferFrom(typeof(StackedCnn), nameof(Conv1), nameof(Norm1), nameof(Conv2), nameof(Norm2), nameof(Hidden1), nameof(Hidden2))]
public partial class StackedCnnTuned
{
    [Conv2D(4, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm1 { get; }
    [MaxPool2D(2)] public partial Layer Pool { get; }
    [Conv2D(8, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm2 { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>
/// The twin of tools/pytorch/make_transfer_reference.py's torch model: Conv2d (padding 1), ReLU,
/// BatchNorm2d (momentum 0.01, ε 1e-3), MaxPool2d, zero padding (0, 1, 0, 1) and a 2×2 Conv2d
/// (Keras's same padding for an even kernel), tanh, BatchNorm2d, flatten, Linear.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
[Input(2, 8, 8)]
[Sgd(LearningRate = 0.1f)]
public partial class TorchTwinCnn
{
    [Conv2D(4, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv { get; }    // [4, 8, 8]
    [BatchNorm] public partial Layer Norm { get; }
    [MaxPool2D(2)] public partial Layer Pool { get; }                                               // [4, 4, 4]
    [Conv2D(6, 2, Activation.Tanh, Padding = Padding.Same)] public partial Layer Conv2 { get; }   // [6, 4, 4]
    [BatchNorm] public partial Layer Norm2 { get; }
    [Flatten] public partial Layer Flat { get; }                                                    // [96]
    [Dense(3)] public partial Layer Dense { get; }
}

/// <summary><see cref="FashionMlp"/> with TRADES declared on the class: Fit must train it as FitOptions.Adversarial would.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
[AdversarialTraining(0.1f, Method = Adversarial.AdversarialMethod.Trades, Steps = 3, Beta = 4)]
public partial class TradesFashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary><see cref="FashionMlp"/> with Madry's PGD declared on the class, every default but ε and α.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
[AdversarialTraining(0.1f, Method = Adversarial.AdversarialMethod.Pgd, Alpha = 0)]
public partial class MadryFashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>A small classifier without a declared input range, for the training-toolkit tests (any input is in range).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(6)]
public partial class ToolkitNet
{
    [Dense(8, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>A small binary classifier (BCE on one logit) for class weights, positive weights and focal loss.</summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 32)]
[Input(4)]
public partial class ToolkitBinary
{
    [Dense(6, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Score { get; }
}

/// <summary><see cref="ToolkitNet"/> with dropout: its masks' random state must survive a checkpoint.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 32)]
[Input(6)]
public partial class ToolkitDropNet
{
    [Dense(8, Activation.Relu)] public partial Layer Hidden { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>
/// A tabular classifier with every input kind: ids through an embedding, an immutable age, an integer count and bounded
/// numeric columns, each with its own range; 4 classes so targeted APGD applies.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 16)]
public partial class ConstrainedNet
{
    [Input(1, Ids = true)] public partial Layer Region { get; }
    [Input(1, Min = 18f, Max = 90f, Immutable = true)] public partial Layer Age { get; }
    [Input(1, Min = 0f, Max = 10f, Integer = true)] public partial Layer Accounts { get; }
    [Input(3, Min = -2f, Max = 2f)] public partial Layer Numeric { get; }
    [Embedding(4, 2, From = nameof(Region))] public partial Layer RegionVec { get; }
    [Concat(nameof(RegionVec), nameof(Age), nameof(Accounts), nameof(Numeric))] public partial Layer Joined { get; }
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(4)] public partial Layer Logits { get; }
}

/// <summary>A sequence <c>[5, 3]</c> through a per-step Dense, a LayerNorm over the whole sequence, Flatten and a head.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 16, Seed = 4)]
[Input(5, 3)]
[Adam(LearningRate = 0.01f)]
public partial class PerStepRegressor
{
    [Dense(4, Activation.Tanh)] public partial Layer Step { get; }
    [LayerNorm] public partial Layer Norm { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(2)] public partial Layer Head { get; }
}

/// <summary>A per-step Dense as the output: <c>[5, 3]</c> → <c>[5, 4]</c>, one target per step and unit.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 16)]
[Input(5, 3)]
public partial class PerStepOutput
{
    [Dense(4, Activation.Tanh)] public partial Layer Step { get; }
}

/// <summary>
/// The twin of tools/pytorch/make_recurrent_reference.py's TwinRecurrent: nn.LSTM(3, 6) returning every step, nn.GRU(6, 4)
/// and nn.Linear(4, 2) on its last step; the safetensors keys are the state_dict's (encoder.weight_ih_l0, ...).
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8)]
[Input(5, 3)]
public partial class TorchTwinRecurrent
{
    [Lstm(6, ReturnSequences = true)] public partial Layer Encoder { get; }
    [Gru(4)] public partial Layer Decoder { get; }
    [Dense(2)] public partial Layer Head { get; }
}

/// <summary>Stacked recurrent layers with dropout between them: a GRU over every step, then an LSTM, then a head.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 32, Seed = 4)]
[Input(12, 2)]
[Adam(LearningRate = 0.01f)]
public partial class SequenceRegressor
{
    [Gru(16, ReturnSequences = true)] public partial Layer First { get; }
    [Dropout(0.1f)] public partial Layer Drop { get; }
    [Lstm(16)] public partial Layer Second { get; }
    [Dense(1)] public partial Layer Output { get; }
}

/// <summary>For gradient checks through the generated backward: an LSTM without biases over every step, a GRU, a head.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 4)]
[Input(4, 3)]
public partial class RecurrentGradientNet
{
    [Lstm(5, ReturnSequences = true, Bias = false)] public partial Layer A { get; }
    [Gru(4)] public partial Layer B { get; }
    [Dense(2)] public partial Layer Output { get; }
}

/// <summary>The 1-D layers in one stack: a dilated causal Conv1D, max and average pools, a strided same Conv1D, both global pools.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 64, Seed = 5)]
[Input(16, 2)]
[Adam(LearningRate = 0.01f)]
public partial class SequenceConvNet
{
    [Conv1D(8, 3, Activation.Relu, Padding = Padding.Causal, Dilation = 2)] public partial Layer Causal { get; }
    [MaxPool1D(2)] public partial Layer Pool { get; }
    [Conv1D(8, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same)] public partial Layer Strided { get; }
    [AvgPool1D(2, Stride = 1, Padding = Padding.Same)] public partial Layer Smooth { get; }
    [GlobalAveragePool1D] public partial Layer Mean { get; }
    [GlobalMaxPool1D(From = nameof(Smooth))] public partial Layer Peak { get; }
    [Concat(nameof(Mean), nameof(Peak))] public partial Layer Both { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}

/// <summary>Smooth 1-D layers for finite differences: valid dilated, causal strided, pointwise, same; an average pool and a per-step Dense.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8, Seed = 6)]
[Input(11, 3)]
public partial class SmoothSequenceConv
{
    [Conv1D(4, 3, Activation.Gelu, Dilation = 2)] public partial Layer Valid { get; }
    [Conv1D(5, 2, Activation.Tanh, Stride = 2, Dilation = 2, Padding = Padding.Causal)] public partial Layer Causal { get; }
    [Conv1D(3, 1, Activation.Sigmoid)] public partial Layer Pointwise { get; }
    [Conv1D(3, 4, Padding = Padding.Same, Bias = false)] public partial Layer Same { get; }
    [AvgPool1D(2, Stride = 1, Padding = Padding.Same)] public partial Layer Smooth { get; }
    [Dense(2, Activation.Tanh)] public partial Layer PerStep { get; }
    [GlobalAveragePool1D] public partial Layer Mean { get; }
    [Dense(2)] public partial Layer Out { get; }
}

/// <summary>The twin of tools/pytorch/make_conv1d_reference.py's TwinConv1D (PyTorch nn.Conv1d weights, step-major sequences).</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 8)]
[Input(12, 3)]
[Adam(LearningRate = 0.01f)]
public partial class TorchTwinConv1D
{
    [Conv1D(4, 3, Activation.Relu, Padding = Padding.Causal, Dilation = 2)] public partial Layer Causal { get; }
    [Conv1D(5, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same)] public partial Layer Strided { get; }
    [MaxPool1D(2)] public partial Layer Pool { get; }
    [Dense(3, Activation.Gelu)] public partial Layer PerStep { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(2)] public partial Layer Out { get; }
}

/// <summary>
/// A linear two-class classifier on the box [0, 1]⁴, weights set by hand in the FAB tests: the minimal L∞ and L2 moves to its
/// decision boundary, with and without a coordinate stopped by the box, have closed forms.
/// </summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 4)]
[Input(4, Min = 0f, Max = 1f)]
public partial class LinearBoxed
{
    [Dense(2)] public partial Layer Logits { get; }
}

/// <summary>A linear three-class classifier on [0, 1]⁴ (weights set by hand): untargeted FAB must pick the closest boundary.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 4)]
[Input(4, Min = 0f, Max = 1f)]
public partial class LinearBoxed3
{
    [Dense(3)] public partial Layer Logits { get; }
}
