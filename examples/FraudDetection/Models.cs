using Axon;

namespace FraudDetection;

/// <summary>
/// P(bad) for a credit applicant from the 33 values the pipeline writes (CreditData.Width): two hidden ReLU layers, one
/// logit out; binary cross-entropy applies the sigmoid itself.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 256)]
[Input(CreditData.Width)]
[Adam(LearningRate = 0.002f)]
public partial class CreditNet
{
    [Dense(32, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(16, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Logit { get; }
}
