using System;

namespace Axon;

/// <summary>
/// Inverted dropout: in training each value is zeroed with probability <c>rate</c> and the rest
/// scaled by <c>1 / (1 − rate)</c>; at inference (Predict, Evaluate, attacks) it is the identity.
/// The masks come from the model's seed, so a training run is reproducible. No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares dropout.</summary>
    /// <param name="rate">Probability of dropping a value, in [0, 1).</param>
    public DropoutAttribute(float rate) => Rate = rate;

    /// <summary>Probability of dropping a value.</summary>
    public float Rate { get; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// Batch normalisation: <c>y = γ·(x − μ)/√(σ² + ε) + β</c> per feature (per channel for
/// <c>[C, H, W]</c>). Training uses the batch's mean and biased variance and updates the running
/// statistics <c>r ← m·r + (1 − m)·batch</c> (the running variance from the unbiased batch variance);
/// inference uses the running statistics. Keras's defaults. Stored as PyTorch's <c>nn.BatchNorm</c>:
/// <c>name.weight</c> (γ, initialised 1), <c>name.bias</c> (β, 0), <c>name.running_mean</c> (0),
/// <c>name.running_var</c> (1).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Weight <c>m</c> of the old running value. Default: 0.99 (Keras; PyTorch's momentum 0.1 is m = 0.9).</summary>
    public float Momentum { get; set; } = 0.99f;

    /// <summary>ε added to the variance. Default: 0.001 (Keras; PyTorch uses 1e-5).</summary>
    public float Epsilon { get; set; } = 0.001f;

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// Layer normalisation: each sample's values (all of <c>[C, H, W]</c>, or the features) are
/// normalised by their own mean and biased variance, then <c>y = γ·x̂ + β</c> element-wise.
/// Same in training and inference. Stored as PyTorch's <c>nn.LayerNorm</c> (<c>name.weight</c>, <c>name.bias</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LayerNormAttribute : Attribute
{
    /// <summary>ε added to the variance. Default: 0.001 (Keras; PyTorch uses 1e-5).</summary>
    public float Epsilon { get; set; } = 0.001f;

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}
