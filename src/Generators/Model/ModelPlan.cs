namespace Axon.Generators.Model;

// What the emitter needs and nothing else: no source positions, so moving the class around a
// file leaves the plan equal and the emitted source cached. Immutable and structurally equal.

/// <summary>A model ready to emit: every size and offset is a constant.</summary>
/// <param name="IsValid">False when the model has errors: the emitter writes members that compile and throw.</param>
/// <param name="Errors">For an invalid model, the diagnostic ids, for the exception message.</param>
internal sealed record ModelPlan(
    TypeSpec Type,
    bool IsValid,
    string Errors,
    bool EmitApi,
    EquatableArray<int> InputShape,
    int InputSize,
    int OutputSize,
    float InputMin,
    float InputMax,
    LossKind Loss,
    int Seed,
    int MaxBatchSize,
    OptimizerSpec Optimizer,
    long ParameterCount,
    int ParameterArenaLength,
    int WorkspacePerSample,
    EquatableArray<LayerPlan> Layers)
{
    /// <summary>Per-sample offset of the scratch buffer (batch × widest layer) for threaded weight gradients.</summary>
    public int ScratchBuffer { get; init; }

    /// <summary>Per-sample offset of the LoRA scratch (the widest adapted layer's in or out), or -1.</summary>
    public int LoraScratchBuffer { get; init; } = -1;

    /// <summary>Per-sample offset of the buffer where second and later readers of a layer put their gradient part, or -1.</summary>
    public int GradientScratchBuffer { get; init; } = -1;

    /// <summary>Length of the fixed (not per-sample) buffers; convolution scratch follows, sized at run time.</summary>
    public int FixedLength { get; init; }

    /// <summary>The pretrained model's class for <c>CopyFrom</c>, fully qualified, or empty.</summary>
    public string TransferSource { get; init; } = "";

    /// <summary>The pretrained model's name, for docs.</summary>
    public string TransferSourceName { get; init; } = "";

    /// <summary>The layers <c>CopyFrom</c> copies.</summary>
    public EquatableArray<Analysis.TransferCopy> Transfers { get; init; } = EquatableArray<Analysis.TransferCopy>.Empty;

    /// <summary>Whether any layer behaves differently in training (Dropout, BatchNorm).</summary>
    public bool HasTrainingMode { get; init; }

    /// <summary>Whether the model declares LoRA adapters (their members exist on invalid models too).</summary>
    public bool HasAdapters { get; init; }

    /// <summary>A class-level <c>[Input(…, Integer = true)]</c>: every input value stays an integer under attack.</summary>
    public bool InputInteger { get; init; }

    /// <summary>The declared adversarial training, exposed as <c>IModel.AdversarialTraining</c>, or null.</summary>
    public AdversarialSpec? Adversarial { get; init; }
}

/// <summary>One layer with its shapes and constant arena offsets.</summary>
/// <param name="WeightOffset">Offset of the weight in the parameter arena; the bias follows it.</param>
/// <param name="OutputBuffer">Per-sample offset of the layer's output in the workspace, or -1 when it aliases its source.</param>
/// <param name="PreActivationBuffer">Per-sample offset of the pre-activation, or -1 when the activation's derivative uses the output.</param>
/// <param name="GradientBuffer">Per-sample offset of ∂L/∂output, or -1 when it aliases its source.</param>
internal sealed record LayerPlan(
    string Name,
    string Modifiers,
    bool CanImplement,
    Layers.LayerKind Kind,
    Layers.LayerSettings Settings,
    string TensorPrefix,
    int InFeatures,
    int OutFeatures,
    int WeightOffset,
    int WeightCount,
    int BiasCount,
    int OutputBuffer,
    int PreActivationBuffer,
    int GradientBuffer)
{
    public string TypeName { get; init; } = "global::Axon.Layer";

    public string Accessors { get; init; } = "get";

    public bool IsPartial { get; init; } = true;

    public TensorShape InputShape { get; init; }

    public TensorShape OutputShape { get; init; }

    /// <summary>A shape-only layer that reads its input's buffers in place (not the first or last layer).</summary>
    public bool Aliases { get; init; }

    /// <summary>The kind's named slots (<see cref="Layers.LayerKind.Slots"/>) with their offsets.</summary>
    public EquatableArray<LayerSlot> Slots { get; init; } = EquatableArray<LayerSlot>.Empty;

    public bool HasParameters => WeightCount + BiasCount > 0;

    /// <summary>The activation, identity for kinds without one.</summary>
    public ActivationKind Activation => Settings.Activation?.Kind ?? ActivationKind.Identity;

    /// <summary>LoRA rank on this layer, or 0.</summary>
    public int LoraRank { get; init; }

    /// <summary>LoRA scale α/r.</summary>
    public float LoraScale { get; init; }

    /// <summary>Arena offset of the adapter's A (<c>[r, in]</c>); B (<c>[out, r]</c>) follows it.</summary>
    public int LoraOffset { get; init; } = -1;

    /// <summary>Per-sample offsets of u = x·Aᵀ and v = dZ·B.</summary>
    public int LoraU { get; init; } = -1;

    public int LoraV { get; init; } = -1;

    /// <summary>An input member's first column in the model's input row, or -1.</summary>
    public int RowOffset { get; init; } = -1;

    /// <summary>The layers this one reads, by index; -1 is the model input.</summary>
    public EquatableArray<int> Sources { get; init; } = EquatableArray<int>.Empty;
}

/// <summary>
/// One generated source file, as consecutive pieces of text: each stays below the large-object heap's 85 KB, where
/// one string of a big model's 100 K characters would not (a large object counts towards a full collection).
/// </summary>
internal sealed record GeneratedFile(string HintName, EquatableArray<string> Chunks)
{
    /// <summary>The whole text (for tests; the generator hands the pieces to Roslyn as they are).</summary>
    public string Text => string.Concat(Chunks);
}
