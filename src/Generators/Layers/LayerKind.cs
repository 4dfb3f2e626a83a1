using System.Collections.Generic;
using Axon.Generators.Analysis;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// One layer kind, everything the generator knows about it in one place: its attribute, its settings, its
/// shapes and size checks, the buffers and tensors it needs, and the code it emits. The stages (Parsing,
/// Analysis, Emit) call these members and never ask which kind they hold; the table is <see cref="LayerKinds"/>.
/// Kinds are stateless singletons, so a spec or plan that holds one stays structurally equal.
/// </summary>
/// <remarks>
/// A new kind: a class deriving from <see cref="LayerKind{TSettings}"/> in <c>Layers/</c>, one entry in
/// <see cref="LayerKinds.All"/>, its attribute in Axon.Dsl and its kernel in Axon.Runtime. Several weight tensors
/// (a GRU's <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, …) are parameter <see cref="SlotRequest"/>s and
/// <see cref="Tensors"/> entries; per-time-step state is workspace slots sized by the kind.
/// </remarks>
internal abstract class LayerKind
{
    /// <summary>The kind's name: the attribute is <c>Axon.{Name}Attribute</c>, and it is the runtime <c>Layer.Kind</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The attribute's full metadata name.</summary>
    public string AttributeName => "Axon." + Name + "Attribute";

    public override string ToString() => Name;

    // ---- Parsing ----

    /// <summary>Reads the attribute into the kind's settings, reporting bad values on their argument.</summary>
    public abstract LayerSettings Parse(LayerParseContext context);

    /// <summary>An input member (<c>[Input]</c> on a property): reads columns of the model's input row.</summary>
    public virtual bool IsInputMember => false;

    // ---- Analysis ----

    /// <summary>The argument (a key of <see cref="LayerSpec.Arguments"/>) where shape errors of the layer belong, or null for the attribute name.</summary>
    public virtual string? ShapeArgument => null;

    /// <summary>The attribute parameter that holds <see cref="LayerSettings.Size"/>, for size fixes; null when the kind has no size.</summary>
    public virtual string? SizeParameter => null;

    /// <summary>The settings with their size changed (only called when <see cref="SizeParameter"/> is set).</summary>
    public virtual LayerSettings WithSize(LayerSettings settings, int size) => settings;

    /// <summary>The output shape from the operands' shapes; reports what does not fit on the right argument.</summary>
    public abstract LayerInference Infer(LayerInferenceContext context);

    /// <summary>
    /// The size that makes this layer's output fit where <paramref name="other"/> is expected (a merge operand),
    /// with the reason shown in the fix; null when changing the size cannot help.
    /// </summary>
    public virtual (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) => null;

    /// <summary>
    /// For AXN0140's fix: the kind that does the same for the other family of shapes and whose attribute takes the same
    /// arguments (Conv2D's is Conv1D for a sequence), with <paramref name="settings"/> in its terms; null when there is none.
    /// The fix is offered only after inference with the twin in place removes the diagnostic and brings no new error.
    /// </summary>
    public virtual (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings) => null;

    /// <summary>What, besides kind and shapes, must agree for a transferred layer's parameters to mean the same (e.g. ", 3x3").</summary>
    public virtual string TransferSignature(LayerSettings settings) => "";

    /// <summary>Whether <c>[LoRA]</c> may adapt this kind.</summary>
    public virtual bool SupportsLora => false;

    /// <summary>Im2col-style scratch, per model (the largest over its layers), for the arena size check.</summary>
    public virtual long SharedScratch(LayerSettings settings, TensorShape input, TensorShape output) => 0;

    // ---- Planning ----

    /// <summary>Trainable weights (the <c>Layer.Weight</c> block).</summary>
    public virtual long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => 0;

    /// <summary>Trainable biases (the <c>Layer.Bias</c> block, right after the weights).</summary>
    public virtual long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => 0;

    /// <summary>
    /// The named slots the layer needs besides its output, gradient and pre-activation: non-trainable
    /// parameters after its biases, per-sample workspace, fixed buffers. Each becomes a constant <c>__{Member}{Name}</c>.
    /// </summary>
    public virtual IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output) => [];

    /// <summary>Whether the layer may read its source's buffers in place (a shape-only view, Flatten and Reshape).</summary>
    public virtual bool CanAlias => false;

    /// <summary>
    /// Whether the layer, with no settings, turns a sequence <c>[T, F]</c> into one vector per sample (Flatten, GlobalAveragePool1D):
    /// the kinds AXN0140's fix offers to insert before a layer that needs features. Offered in the table's order.
    /// </summary>
    public virtual bool SummarisesSequence => false;

    /// <summary>Whether the layer behaves differently in training (Dropout, BatchNorm): the model then tracks the mode.</summary>
    public virtual bool HasTrainingMode => false;

    /// <summary>Whether the layer normalises the one before it (<c>Layer.IsNormalization</c>: default layer groups keep them together).</summary>
    public virtual bool IsNormalization => false;

    /// <summary>Whether the layer's weights are a linear map's kernel (<c>Layer.IsKernel</c>: L1 regularisation acts on them).</summary>
    public virtual bool IsKernel => false;

    /// <summary>Whether its backward is <c>Kernels.Dense.Backward</c>, which collects DP-SGD's per-sample norms (<c>Layer.CollectsGhostNorms</c>).</summary>
    public virtual bool CollectsGhostNorms => false;

    /// <summary>Whether a parameterless layer's backward leaves every activation as it was (<c>Layer.BackwardIsRepeatable</c>).</summary>
    public virtual bool BackwardIsRepeatable => false;

    /// <summary>Whether in training one sample's output depends on the others in the batch (<c>Layer.MixesSamples</c>: BatchNorm).</summary>
    public virtual bool MixesSamples => false;

    /// <summary>Whether the layer's backward uses the threaded weight-gradient scratch (<c>__Scratch</c>, batch × its width).</summary>
    public virtual bool UsesWeightGradientScratch => false;

    // ---- Emission ----

    /// <summary>A static field of compile-time geometry (window shapes), or null.</summary>
    public virtual string? Geometry(LayerPlan layer) => null;

    /// <summary>The expression of the shared convolution scratch this layer needs, or null.</summary>
    public virtual string? ConvScratchLength(LayerPlan layer) => null;

    /// <summary>The safetensors entries: key suffix, shape, offset constant; PyTorch's names.</summary>
    public virtual IEnumerable<TensorEntry> Tensors(LayerPlan layer)
    {
        if (layer.WeightCount > 0) yield return new(".weight", $"{layer.OutFeatures}, {layer.InFeatures}", $"__{layer.Name}Weight");
        if (layer.BiasCount > 0) yield return new(".bias", $"{layer.OutFeatures}", $"__{layer.Name}Bias");
    }

    /// <summary>Model state the kind needs once however many layers of it there are: a field and its reset in <c>Initialize</c>.</summary>
    public virtual (string Field, string Initialize)? SharedState => null;

    /// <summary>The name of the <c>Axon.Rng</c> field among <see cref="SharedState"/> that training draws from, or null (checkpoints save it).</summary>
    public virtual string? RandomStateField => null;

    /// <summary>Writes the layer's part of <c>Initialize(seed)</c> (<c>p</c>: parameters, <c>rng</c>: the seeded stream).</summary>
    public virtual void EmitInitialize(SourceWriter w, LayerPlan layer) { }

    /// <summary>Writes the layer's forward pass.</summary>
    public abstract void EmitForward(LayerEmitContext context);

    /// <summary>Writes the layer's backward pass (<c>below</c>: whether anything under it needs a gradient).</summary>
    public abstract void EmitBackward(LayerEmitContext context);

    /// <summary>
    /// Whether <see cref="EmitBackward"/> itself adds into gradients other readers already wrote (merges, input
    /// members); otherwise a layer whose source gradient is a sum writes into scratch and the emitter adds it.
    /// </summary>
    public virtual bool AccumulatesItself => false;
}

/// <summary>A kind with settings of type <typeparamref name="TSettings"/>: the casts in one place.</summary>
internal abstract class LayerKind<TSettings> : LayerKind where TSettings : LayerSettings
{
    protected static TSettings Of(LayerSpec layer) => (TSettings)layer.Settings;

    protected static TSettings Of(LayerPlan layer) => (TSettings)layer.Settings;

    protected static TSettings Of(LayerSettings settings) => (TSettings)settings;
}

/// <summary>A slot a kind asks for; the planner gives it an offset.</summary>
/// <param name="Length">Floats (per sample in the workspace); rounded up to 64 bytes, except parameters, which follow one another.</param>
internal readonly record struct SlotRequest(string Name, SlotRegion Region, long Length);

/// <summary>
/// One safetensors entry of a layer: key suffix (after the member's snake_case prefix), shape, and the offset of its
/// first value in the parameter arena as an expression (<c>__HiddenWeight</c>, or <c>__GruWeight + 96</c> for a second
/// tensor inside the weight block).
/// </summary>
internal readonly record struct TensorEntry(string Suffix, string Shape, string Offset);
