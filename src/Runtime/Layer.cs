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

    /// <summary>The model state this layer belongs to (for runtime helpers that reach a model through its layers).</summary>
    internal ModelCore Core => _core;

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

    /// <summary>
    /// Whether <see cref="Weight"/> is a kernel: the matrix (or filter bank) of a linear map applied to the layer's
    /// input (Dense, Conv1D, Conv2D, the input and recurrent matrices of Lstm and Gru), which weight regularisation
    /// such as <c>FitOptions.L1</c> acts on, as Keras's <c>kernel_regularizer</c> does. Embedding tables, normalisation
    /// scales and LoRA adapters are not kernels. Set by the generated code from the layer kind. Default: false.
    /// </summary>
    public bool IsKernel { get; init; }

    /// <summary>
    /// Whether the layer's backward pass is <c>Kernels.Dense.Backward</c>, which can collect each sample's parameter-gradient
    /// norm <c>‖x_i‖²·‖δ_i‖² (+ ‖δ_i‖²)</c> without forming per-sample gradients (<c>Kernels.GhostNorms</c>, DP-SGD's fast path).
    /// Set by the generated code from the layer kind. Default: false.
    /// </summary>
    public bool CollectsGhostNorms { get; init; }

    /// <summary>
    /// Whether the layer's backward pass leaves every activation as the forward pass left it, so a second backward pass over
    /// the same forward pass is valid (inputs, dropout, flatten, reshape; DP-SGD's fast path runs two). Set by the generated code
    /// from the layer kind. Default: false.
    /// </summary>
    public bool BackwardIsRepeatable { get; init; }

    /// <summary>
    /// Whether, in training mode, one sample's output depends on the other samples of the batch (BatchNorm's batch statistics),
    /// so a sample's gradient cannot be computed or clipped alone (DP-SGD refuses such models). Set by the generated code from the
    /// layer kind. Default: false.
    /// </summary>
    public bool MixesSamples { get; init; }

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

    /// <summary>
    /// Decoupled weight decay λ of this layer's weight (not its bias), as AdamW's: before every optimizer
    /// step <c>W ← W·(1 − η·s·λ)</c>, with η the optimizer's learning rate and s <see cref="LearningRateScale"/>;
    /// then the optimizer updates from the gradient as usual. With plain SGD this is L2 regularisation
    /// <c>(λ/2)·‖W‖²</c> of the mean batch loss. It adds to whatever decay the optimizer applies to every
    /// layer. Default: 0. Must be finite and non-negative.
    /// </summary>
    /// <remarks>
    /// Made for embeddings (the user and item factors of matrix factorisation) that need their own
    /// regularisation. Decoupled because with Adam a decay added to the gradient is divided by the
    /// gradient's running scale: rows an embedding rarely sees would then shrink by about η every step
    /// whatever λ is. The decay acts on every row at every step, whether or not the batch used it.
    /// </remarks>
    public float WeightDecay
    {
        get => _weightDecay;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "WeightDecay must be finite and non-negative.");
            _weightDecay = value;
        }
    }

    private float _weightDecay;

    /// <summary>Freezes the layer: no weight gradient, no update, until <see cref="Unfreeze"/>.</summary>
    public void Freeze() => IsFrozen = true;

    /// <summary>Makes the layer trainable again.</summary>
    public void Unfreeze() => IsFrozen = false;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}, {ParameterCount} parameters{(IsFrozen ? ", frozen" : "")})";
}
