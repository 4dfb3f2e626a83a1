namespace Axon;

/// <summary>Training losses. Each is averaged over the batch.</summary>
public enum Loss
{
    /// <summary>No loss declared: an error (AXN0005). Every model needs one to train.</summary>
    None = 0,

    /// <summary>Mean squared error, <c>L = 1/(B·n) Σ (y - t)²</c> (PyTorch's <c>MSELoss</c>, mean reduction). Targets are floats.</summary>
    MeanSquaredError = 1,

    /// <summary>
    /// Binary cross-entropy on logits, <c>L = 1/B Σ [max(z,0) - z·t + log(1 + e^-|z|)]</c>
    /// (PyTorch's <c>BCEWithLogitsLoss</c>). The output layer has one unit and no activation;
    /// targets are floats in [0, 1].
    /// </summary>
    BinaryCrossEntropy = 2,

    /// <summary>
    /// Softmax cross-entropy on logits, <c>L = 1/B Σ [logsumexp(z) - z_label]</c> (PyTorch's
    /// <c>CrossEntropyLoss</c>). The output layer has no activation; targets are class indices.
    /// </summary>
    SoftmaxCrossEntropy = 3,
}
