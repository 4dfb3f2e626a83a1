using System;
using System.ComponentModel;

namespace Axon;

/// <summary>
/// A handle on one layer of a generated model (<c>model.Hidden</c>): its parameters and
/// gradients as views into the model's arenas, freezing, and a learning-rate scale.
/// </summary>
/// <remarks>
/// A frozen layer computes no weight gradient and is not updated by the optimizer (its
/// optimizer state does not move either); gradients still flow through it to the layers below.
/// </remarks>
public sealed class Layer
{
    private readonly ModelCore _core;

    /// <summary>For generated code: describes one layer's slice of the parameter arena.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Layer(ModelCore core, string name, string kind, int index, int parameterOffset, int weightCount, int biasCount, int[] outputShape)
    {
        _core = core;
        Name = name;
        Kind = kind;
        Index = index;
        ParameterOffset = parameterOffset;
        WeightCount = weightCount;
        BiasCount = biasCount;
        _outputShape = outputShape;
    }

    /// <summary>The member name, e.g. <c>Hidden</c>.</summary>
    public string Name { get; }

    /// <summary>The layer kind, e.g. <c>Dense</c>.</summary>
    public string Kind { get; }

    /// <summary>
    /// Whether the layer normalises the output of the layer before it (BatchNorm, LayerNorm): the default
    /// <c>LayerGroups</c> keep it in that layer's group. Set by the generated code from the layer kind. Default: false.
    /// </summary>
    public bool IsNormalization { get; init; }

    /// <summary>Position of the layer in the model, from 0.</summary>
    public int Index { get; }

    /// <summary>Shape of one sample's output.</summary>
    public ReadOnlySpan<int> OutputShape => new(_outputShape);

    private readonly int[] _outputShape;

    /// <summary>Offset of the layer's first parameter (its weight) in the parameter arena.</summary>
    public int ParameterOffset { get; }

    /// <summary>Number of weight values.</summary>
    public int WeightCount { get; }

    /// <summary>Number of bias values (0 without a bias).</summary>
    public int BiasCount { get; }

    /// <summary>Number of parameters: weight plus bias.</summary>
    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>The weight, row-major (<c>[out, in]</c> for Dense). Writable: changes apply to the model at once.</summary>
    public Span<float> Weight => _core.Parameters.Slice(ParameterOffset, WeightCount);

    /// <summary>The bias (empty without a bias).</summary>
    public Span<float> Bias => _core.Parameters.Slice(ParameterOffset + WeightCount, BiasCount);

    /// <summary>The weight gradient of the last backward pass.</summary>
    public ReadOnlySpan<float> WeightGradient => _core.Gradients.Slice(ParameterOffset, WeightCount);

    /// <summary>The bias gradient of the last backward pass.</summary>
    public ReadOnlySpan<float> BiasGradient => _core.Gradients.Slice(ParameterOffset + WeightCount, BiasCount);

    /// <summary>Whether the layer is frozen. Default: false.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>
    /// Multiplies the optimizer's learning rate for this layer (discriminative learning rates).
    /// Default: 1. Must be finite and non-negative.
    /// </summary>
    public float LearningRateScale
    {
        get => _learningRateScale;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "LearningRateScale must be finite and non-negative.");
            _learningRateScale = value;
        }
    }

    private float _learningRateScale = 1f;

    /// <summary>Freezes the layer: no weight gradient, no update, until <see cref="Unfreeze"/>.</summary>
    public void Freeze() => IsFrozen = true;

    /// <summary>Makes the layer trainable again.</summary>
    public void Unfreeze() => IsFrozen = false;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}, {ParameterCount} parameters{(IsFrozen ? ", frozen" : "")})";
}
