using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Axon.Generators.Diagnostics;

/// <summary>
/// Every diagnostic Axon reports. IDs are ranged: AXN00xx the model declaration, AXN01xx layers,
/// AXN02xx shapes and losses, AXN03xx training settings. Each has a help page under
/// docs/diagnostics/. Messages name what was expected and what was given.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Axon";

    // No help link here: Axon has no public web site, and a link that 404s is worse than none. The link a user
    // sees is set when the diagnostic is reported (HelpLinks.WithHelp), from the build property AxonHelpRoot,
    // which the package's targets point at the help pages the package itself ships (docs/diagnostics/).
    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    // AXN00xx: the model declaration
    public static readonly DiagnosticDescriptor ModelNotPartial = Error("AXN0001",
        "Model class must be partial",
        "Model class '{0}' must be declared partial so that Axon can generate its network; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor MissingInput = Error("AXN0002",
        "Model has no input",
        "Model '{0}' has no [Input]; declare the input shape, e.g. [Input(784)]");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error("AXN0003",
        "Invalid input shape",
        "Input shape {0} is invalid: {1}");

    public static readonly DiagnosticDescriptor NoLayers = Error("AXN0004",
        "Model has no layers",
        "Model '{0}' has no layers; add a layer member, e.g. [Dense(10)] public partial Layer Output {{ get; }}");

    public static readonly DiagnosticDescriptor MissingLoss = Error("AXN0005",
        "Model has no loss",
        "Model '{0}' has no loss; set one, e.g. [Model(Loss = Loss.SoftmaxCrossEntropy)]");

    public static readonly DiagnosticDescriptor InvalidMaxBatchSize = Error("AXN0006",
        "MaxBatchSize must be positive",
        "MaxBatchSize must be a positive number of samples, but is {0}");

    public static readonly DiagnosticDescriptor InvalidInputRange = Error("AXN0007",
        "Invalid input range",
        "Input range [{0}, {1}] is empty or not a number; Min must be less than Max");

    public static readonly DiagnosticDescriptor UnsupportedModelType = Error("AXN0008",
        "Unsupported model type",
        "Model '{0}' cannot be {1}; declare it as a non-generic, non-static partial class");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error("AXN0009",
        "Containing type must be partial",
        "Model '{0}' is nested in '{1}', which must be declared partial too");

    public static readonly DiagnosticDescriptor InvalidEnumValue = Error("AXN0010",
        "Unknown enum value",
        "{0} has no member with value {1}");

    public static readonly DiagnosticDescriptor ClassAndMemberInputs = Error("AXN0011",
        "Input declared on the class and on members",
        "Model '{0}' declares [Input] on the class and on members ({1}); keep the class input for one input, or input members for several");

    public static readonly DiagnosticDescriptor ConstructorNotChained = Error("AXN0012",
        "Model constructor must chain to the generated one",
        "Model '{0}' declares {1}; the generated constructor allocates the model's arenas, so a constructor of a model must chain to it with ': this(...)' (a primary constructor cannot)");

    public static readonly DiagnosticDescriptor MaxBatchSizeTooLarge = Error("AXN0013",
        "MaxBatchSize too large for the workspace",
        "MaxBatchSize {0} does not fit: the workspace needs at least {1} floats per sample and one array holds {2} floats, so at most {3} samples");

    // AXN01xx: layers
    public static readonly DiagnosticDescriptor NonPositiveUnits = Error("AXN0101",
        "Layer size must be positive",
        "Layer '{0}' must have a positive number of units, but has {1}");

    public static readonly DiagnosticDescriptor UnsupportedLayerMember = Error("AXN0102",
        "Unsupported layer member",
        "Layer member '{0}' must be declared as an instance 'partial Layer {0} {{ get; }}' property: {1}");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error("AXN0103",
        "Duplicate layer name",
        "Layers '{0}' and '{1}' both map to the tensor name '{2}'; rename one of them");

    public static readonly DiagnosticDescriptor ReservedMemberName = Error("AXN0104",
        "Member name is reserved",
        "Member '{0}' of model '{1}' conflicts with a member that Axon generates; rename it");

    public static readonly DiagnosticDescriptor InvalidNegativeSlope = Error("AXN0105",
        "Invalid LeakyRelu slope",
        "NegativeSlope of LeakyRelu must be positive and finite, but is {0}; use Activation.Relu for a slope of 0");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error("AXN0106",
        "Model is too large",
        "Layer '{0}' brings the model to {1} {2}; Axon arenas hold at most {3}");

    public static readonly DiagnosticDescriptor InvalidLayerSetting = Error("AXN0107",
        "Invalid layer setting",
        "Layer '{0}': {1} is {2}; expected {3}");

    public static readonly DiagnosticDescriptor MultipleLayerAttributes = Error("AXN0108",
        "More than one layer attribute",
        "Member '{0}' has both [{1}] and [{2}]; a member is one layer, split it into two members");

    public static readonly DiagnosticDescriptor UnknownLayerReference = Error("AXN0109",
        "Reference to an unknown member",
        "Layer '{0}' reads '{1}', which is not a layer of '{2}'{3}; use nameof(...) of a layer member, or Graph.Input for the model input");

    public static readonly DiagnosticDescriptor ForwardLayerReference = Error("AXN0110",
        "Layer reads a layer that does not come before it",
        "Layer '{0}' reads '{1}', which {2}; layers run in declaration order, so a layer can only read members declared above it (anything else is a cycle)");

    public static readonly DiagnosticDescriptor SequenceShapeMismatch = Error("AXN0140",
        "Sequence where features or an image are expected, or the reverse",
        "{0} expects {1}, but {2} has shape {3}; {4}");

    // AXN02xx: shapes and losses
    public static readonly DiagnosticDescriptor DoubleSoftmax = Error("AXN0201",
        "Softmax before a loss that applies softmax",
        "Output layer '{0}' applies Softmax, but Loss.SoftmaxCrossEntropy applies softmax to its input itself (double softmax); remove the activation: the layer must output logits");

    public static readonly DiagnosticDescriptor DoubleSigmoid = Error("AXN0202",
        "Sigmoid before a loss that applies sigmoid",
        "Output layer '{0}' applies Sigmoid, but Loss.BinaryCrossEntropy works on logits and applies sigmoid itself; remove the activation");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyUnits = Error("AXN0203",
        "Binary cross-entropy needs one output",
        "Loss.BinaryCrossEntropy expects an output layer of 1 unit, but '{0}' has {1}; for {1} exclusive classes use Loss.SoftmaxCrossEntropy");

    public static readonly DiagnosticDescriptor SoftmaxCrossEntropyUnits = Error("AXN0204",
        "Softmax cross-entropy needs two or more outputs",
        "Loss.SoftmaxCrossEntropy expects an output layer of at least 2 units (one per class), but '{0}' has {1}; for a yes/no output use Loss.BinaryCrossEntropy");

    public static readonly DiagnosticDescriptor DenseNeedsFeatures = Error("AXN0205",
        "Dense layer fed a spatial tensor",
        "Dense layer '{0}' expects [features], but its input has shape {1}; flatten it first");

    public static readonly DiagnosticDescriptor NeedsSpatialInput = Error("AXN0206",
        "Layer needs a [channels, height, width] input",
        "{1} layer '{0}' expects [channels, height, width], but its input has shape {2}; declare the input as [Input(C, H, W)] or move the layer before Flatten");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error("AXN0207",
        "Window larger than its input",
        "{1} layer '{0}': the {2}x{2} window does not fit its {3} input with valid padding (output would be {4}); use a window of at most {5}, or Padding = Padding.Same");

    public static readonly DiagnosticDescriptor OperandShapeMismatch = Error("AXN0208",
        "Operands of different shapes",
        "{1} layer '{0}': operand '{2}' has shape {3}, but '{4}' has shape {5}; {6}");

    public static readonly DiagnosticDescriptor UnusedLayerOutput = Warning("AXN0209",
        "Layer output is never used",
        "The output of layer '{0}' is never used: no layer reads it and it is not the output layer (the last member); it costs time and its parameters never train");

    public static readonly DiagnosticDescriptor InputReachesNoOutput = Warning("AXN0211",
        "Input never reaches the output",
        "Input '{0}' never reaches the output layer '{1}': {2}; its values are read from every batch and ignored, and a wrong From is the usual cause");

    public static readonly DiagnosticDescriptor EmbeddingNeedsIds = Error("AXN0210",
        "Embedding reads values that are not ids",
        "Embedding layer '{0}' reads '{1}' of shape {2}, which is not an id input; declare the input as [Input(n, Ids = true)]");

    // AXN03xx: training settings
    public static readonly DiagnosticDescriptor MultipleOptimizers = Error("AXN0301",
        "More than one optimizer",
        "Model '{0}' declares more than one optimizer ({1} and {2}); keep one");

    public static readonly DiagnosticDescriptor InvalidOptimizerSetting = Error("AXN0302",
        "Invalid optimizer setting",
        "{0}.{1} is {2}; expected {3}");

    public static readonly DiagnosticDescriptor NesterovWithoutMomentum = Error("AXN0303",
        "Nesterov needs momentum",
        "Nesterov momentum needs Momentum > 0, but Momentum is {0}");

    public static readonly DiagnosticDescriptor InvalidAdversarialTraining = Error("AXN0304",
        "Invalid adversarial training setting",
        "AdversarialTraining.{0} is {1}; expected {2}");

    public static readonly DiagnosticDescriptor InvalidInputConstraint = Error("AXN0310",
        "Invalid input constraint",
        "{0}: {1}");

    // AXN04xx: transfer learning
    public static readonly DiagnosticDescriptor TransferSourceNotModel = Error("AXN0401",
        "Transfer source is not a model",
        "{0} is not an Axon model class; TransferFrom needs the pretrained model's [Model] class");

    public static readonly DiagnosticDescriptor TransferLayerMissing = Error("AXN0402",
        "Transferred layer not found",
        "TransferFrom on '{0}': cannot transfer '{1}': {2}");

    public static readonly DiagnosticDescriptor TransferShapeMismatch = Error("AXN0403",
        "Transferred layer has another shape",
        "Layer '{0}' is {1}, but '{2}' of '{3}' is {4}; only layers of the same kind and shapes can be transferred");

    public static readonly DiagnosticDescriptor InvalidLoraTarget = Error("AXN0404",
        "Invalid LoRA target",
        "LoRA target '{0}' {1}; LoRA adapts Dense layers of this model, named with nameof");

    public static readonly IReadOnlyList<DiagnosticDescriptor> All =
    [
        ModelNotPartial, MissingInput, InvalidInputShape, NoLayers, MissingLoss, InvalidMaxBatchSize, InvalidInputRange,
        UnsupportedModelType, ContainingTypeNotPartial, InvalidEnumValue, ClassAndMemberInputs, ConstructorNotChained, MaxBatchSizeTooLarge,
        NonPositiveUnits, UnsupportedLayerMember, DuplicateLayerName, ReservedMemberName, InvalidNegativeSlope, ModelTooLarge,
        InvalidLayerSetting, MultipleLayerAttributes, UnknownLayerReference, ForwardLayerReference,
        DoubleSoftmax, DoubleSigmoid, BinaryCrossEntropyUnits, SoftmaxCrossEntropyUnits, DenseNeedsFeatures,
        NeedsSpatialInput, WindowLargerThanInput, OperandShapeMismatch, UnusedLayerOutput, EmbeddingNeedsIds, InputReachesNoOutput,
        MultipleOptimizers, InvalidOptimizerSetting, NesterovWithoutMomentum, InvalidAdversarialTraining,
        TransferSourceNotModel, TransferLayerMissing, TransferShapeMismatch, InvalidLoraTarget,
        SequenceShapeMismatch, InvalidInputConstraint,
    ];

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    /// <summary>
    /// Whether the diagnostic with this ID is an error. Unknown IDs (a descriptor missing from
    /// <see cref="All"/>) count as errors, so the model is treated as invalid rather than the
    /// generator throwing.
    /// </summary>
    public static bool IsError(string id) => !s_byId.TryGetValue(id, out var d) || d.DefaultSeverity == DiagnosticSeverity.Error;
}
