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
