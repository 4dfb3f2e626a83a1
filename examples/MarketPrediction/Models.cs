using Axon;

namespace MarketPrediction;

/// <summary>The shape every model of the lesson reads: 20 business days of 4 indices.</summary>
public static class Windows
{
    /// <summary>Time steps per sample (four business weeks).</summary>
    public const int Steps = 20;

    /// <summary>Values per time step: one per index (DAX, SMI, CAC, FTSE).</summary>
    public const int Features = 4;
}

/// <summary>
/// A window read as 80 flat values (step-major: day 1's four indices, then day 2's, …) → 32 ReLU units → one value. The same
/// class serves both tasks (standardised returns in, standardised next-day DAX return out; or absolute returns in, next-day
/// absolute DAX return out); mean squared error, so it is a regression and reports MAE, not accuracy.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 256)]
[Input(Windows.Steps * Windows.Features)]
[Adam(LearningRate = 0.001f)]
public partial class WindowMlp
{
    [Dense(32, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}

/// <summary>
/// The same window, a smaller and regularised network: 16 ReLU units, dropout 0.3 while training, AdamW with decoupled weight
/// decay 0.1. On data this noisy the plain one fits the training days' noise; this one does less of it.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 256)]
[Input(Windows.Steps * Windows.Features)]
[AdamW(LearningRate = 0.001f, WeightDecay = 0.1f)]
public partial class RegularizedWindowMlp
{
    [Dense(16, Activation.Relu)] public partial Layer Hidden { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}

/// <summary>
/// The window as a sequence <c>[20, 4]</c>: a 1-D convolution of 8 filters over 5 days slides along the steps (<c>[16, 8]</c>),
/// average pooling over 4 steps keeps a coarse order of time (<c>[4, 8]</c>), then the 32 values are flattened, dropped out at
/// 0.3 while training and mapped to one forecast. AdamW with weight decay 0.1, as the regularised Dense network.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 256)]
[Input(Windows.Steps, Windows.Features)]
[AdamW(LearningRate = 0.001f, WeightDecay = 0.1f)]
public partial class WindowConv1D
{
    [Conv1D(8, 5, Activation.Relu)] public partial Layer Conv { get; }
    [AvgPool1D(4)] public partial Layer Pool { get; }
    [Reshape(32)] public partial Layer Flat { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}

/// <summary>
/// The window as a sequence <c>[20, 4]</c> read by a GRU of 16 units (PyTorch's <c>nn.GRU</c> gates); its last hidden state,
/// dropped out at 0.3 while training, maps to one forecast. AdamW with weight decay 0.1.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 256)]
[Input(Windows.Steps, Windows.Features)]
[AdamW(LearningRate = 0.001f, WeightDecay = 0.1f)]
public partial class WindowGru
{
    [Gru(16)] public partial Layer Recurrent { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}

/// <summary>As <see cref="WindowGru"/> with an LSTM of 16 units (PyTorch's <c>nn.LSTM</c>).</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 256)]
[Input(Windows.Steps, Windows.Features)]
[AdamW(LearningRate = 0.001f, WeightDecay = 0.1f)]
public partial class WindowLstm
{
    [Lstm(16)] public partial Layer Recurrent { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Dense(1)] public partial Layer Forecast { get; }
}
