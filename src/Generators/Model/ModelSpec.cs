namespace Axon.Generators.Model;

// The parsed model. Immutable and structurally equal: keep it so. Nothing here holds an
// ISymbol, SyntaxNode, Compilation or Location; positions travel as LocationInfo.

/// <summary>The model declaration as parsed: what the user wrote, with where they wrote it.</summary>
internal sealed record ModelSpec(
    TypeSpec Type,
    InputSpec? Input,
    LossKind Loss,
    LocationInfo? LossLocation,
    int Seed,
    int MaxBatchSize,
    OptimizerSpec Optimizer,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<string> ReservedConflicts)
{
    /// <summary>Where <c>MaxBatchSize</c> is written, if it is.</summary>
    public LocationInfo? MaxBatchSizeLocation { get; init; }

    /// <summary>The declared transfer, if any.</summary>
    public TransferSpec? Transfer { get; init; }

    /// <summary>The declared low-rank adapters, if any.</summary>
    public LoraSpec? Lora { get; init; }

    /// <summary>The declared <c>[AdversarialTraining]</c>, if any (already checked: diagnostics went with the parse).</summary>
    public AdversarialSpec? Adversarial { get; init; }
}

/// <summary>
/// An <c>[AdversarialTraining]</c>: the values of <c>AdversarialTrainingOptions</c>. No positions: every check needs
/// only the attribute and the loss, so the parser reports them and the spec carries values alone.
/// </summary>
/// <param name="StepSize">The attack step; 0 means the runtime default, <c>2.5·ε/Steps</c>.</param>
internal sealed record AdversarialSpec(float Epsilon, AdversarialMethodKind Method, double Alpha, int Steps, float StepSize, double Beta);

/// <summary>A <c>[LoRA]</c>: rank, α (0 when unset: the rank) and the target layers as written.</summary>
internal sealed record LoraSpec(int Rank, float Alpha, LocationInfo? RankLocation, LocationInfo? AlphaLocation, EquatableArray<InputRef> Targets);

/// <summary>A <c>[TransferFrom]</c>: the pretrained model and the layers to copy.</summary>
/// <param name="SourceName">The pretrained class's full name (its <see cref="TypeSpec.FullName"/>), or empty when typeof did not bind to a model.</param>
/// <param name="SourceType">The pretrained class, fully qualified for emitted code.</param>
internal sealed record TransferSpec(string SourceName, string SourceType, bool SourceIsModel, LocationInfo? TypeLocation, EquatableArray<TransferEntry> Entries);

/// <summary>One transferred layer: this model's layer, the pretrained model's layer, and where the entry is written.</summary>
internal sealed record TransferEntry(string Target, string Source, LocationInfo? Location);

/// <summary>The model class: namespace, name and the chain of types it is nested in.</summary>
/// <param name="Namespace">Namespace, or empty for the global namespace.</param>
/// <param name="Name">The class name.</param>
/// <param name="Containers">Declarations of the enclosing types, outermost first, e.g. <c>partial class Outer</c>.</param>
internal sealed record TypeSpec(string Namespace, string Name, EquatableArray<string> Containers)
{
    public string FullName => (Namespace.Length > 0 ? Namespace + "." : "") + Name;

    /// <summary>Whether a base class is a model too: the generated public members then hide its members with <c>new</c>.</summary>
    public bool HidesBaseModel { get; init; }
}

/// <summary>The declared input: shape and the valid range of raw values.</summary>
internal sealed record InputSpec(EquatableArray<int> Shape, float Min, float Max, LocationInfo? Location)
{
    /// <summary><c>Integer = true</c>: perturbed values stay integers.</summary>
    public bool Integer { get; init; }

    /// <summary><c>Immutable = true</c>: never perturbed.</summary>
    public bool Immutable { get; init; }
}

/// <summary>The optimizer and its hyperparameters, with PyTorch's defaults where unset.</summary>
internal sealed record OptimizerSpec(
    OptimizerKind Kind,
    float LearningRate,
    float Beta1,
    float Beta2,
    float Epsilon,
    float Momentum,
    bool Nesterov,
    float WeightDecay)
{
    public static OptimizerSpec DefaultAdam { get; } = new(OptimizerKind.Adam, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0f);
}

/// <summary>One layer member: a <c>partial Layer</c> property with a layer attribute.</summary>
/// <param name="Name">The property name, e.g. <c>Hidden</c>.</param>
/// <param name="Modifiers">The property's modifiers other than <c>partial</c>, e.g. <c>public</c>.</param>
/// <param name="CanImplement">Whether the declaration is a partial property the generator can implement.</param>
/// <param name="Kind">The layer kind (one of <see cref="Layers.LayerKinds.All"/>).</param>
/// <param name="Settings">The kind's own settings, values only.</param>
internal sealed record LayerSpec(
    string Name,
    string Modifiers,
    bool CanImplement,
    Layers.LayerKind Kind,
    Layers.LayerSettings Settings,
    LocationInfo? NameLocation)
{
    /// <summary>The declared property type, fully qualified (normally <c>global::Axon.Layer</c>).</summary>
    public string TypeName { get; init; } = "global::Axon.Layer";

    /// <summary>The declared accessor keywords, e.g. <c>get</c> or <c>get,set</c>.</summary>
    public string Accessors { get; init; } = "get";

    /// <summary>Whether the declaration is a partial definition that needs an implementation (valid or throwing).</summary>
    public bool IsPartial { get; init; } = true;

    /// <summary>The attribute's name: where shape errors of argument-less layers (Flatten, pools) go.</summary>
    public LocationInfo? AttributeLocation { get; init; }

    /// <summary>Where each argument the kind read is written, by parameter name.</summary>
    public EquatableArray<ArgumentLocation> Arguments { get; init; } = EquatableArray<ArgumentLocation>.Empty;

    /// <summary>
    /// The members this layer reads, as written (<c>From</c>, or a merge layer's operands); empty for
    /// the default, the member declared just before.
    /// </summary>
    public EquatableArray<InputRef> Inputs { get; init; } = EquatableArray<InputRef>.Empty;

    /// <summary>Where <paramref name="argument"/> is written, or null when the kind did not record it.</summary>
    public LocationInfo? At(string argument)
    {
        foreach (var a in Arguments)
            if (a.Argument == argument) return a.Location;
        return null;
    }

    /// <summary>Where the layer's input shape matters most: the kind's first argument, else the attribute name.</summary>
    public LocationInfo? ShapeLocation => (Kind.ShapeArgument is { } argument ? At(argument) : null) ?? AttributeLocation ?? NameLocation;
}

/// <summary>A reference to another member (or <c>Graph.Input</c>) and where it is written.</summary>
internal sealed record InputRef(string Name, LocationInfo? Location);

/// <summary>What a per-sample shape is: a feature vector, a sequence of feature vectors, or an image.</summary>
internal enum ShapeKind
{
    /// <summary><c>[features]</c>.</summary>
    Features,

    /// <summary><c>[steps, features]</c>, stored step-major (Keras's <c>(timesteps, features)</c>, PyTorch's <c>batch_first</c>).</summary>
    Sequence,

    /// <summary><c>[channels, height, width]</c>, stored channel-major (PyTorch's NCHW).</summary>
    Image,
}

/// <summary>
/// A tensor shape per sample: <c>[features]</c> (height = width = 1), <c>[steps, features]</c>
/// (<see cref="Steps"/> in <see cref="Height"/>, <see cref="FeaturesPerStep"/> in <see cref="Channels"/>, width 1) or
/// <c>[channels, height, width]</c>.
/// </summary>
internal readonly record struct TensorShape(int Channels, int Height, int Width, ShapeKind Kind)
{
    public static TensorShape Features(int n) => new(n, 1, 1, ShapeKind.Features);

    public static TensorShape Sequence(int steps, int features) => new(features, steps, 1, ShapeKind.Sequence);

    public static TensorShape Image(int channels, int height, int width) => new(channels, height, width, ShapeKind.Image);

    /// <summary>
    /// The shape of declared dimensions (<c>[Input]</c>, <c>[Reshape]</c>): one is features, two a sequence, three an
    /// image; null for another count or a size that is not positive.
    /// </summary>
    public static TensorShape? FromDimensions(System.Collections.Generic.IReadOnlyList<int> d)
    {
        for (int i = 0; i < d.Count; i++)
            if (d[i] <= 0) return null;
        return d.Count switch
        {
            1 => Features(d[0]),
            2 => Sequence(d[0], d[1]),
            3 => Image(d[0], d[1], d[2]),
            _ => null,
        };
    }

    /// <summary>An image, <c>[C, H, W]</c>.</summary>
    public bool Spatial => Kind == ShapeKind.Image;

    /// <summary>A sequence, <c>[T, F]</c>.</summary>
    public bool IsSequence => Kind == ShapeKind.Sequence;

    /// <summary>A sequence's time steps T.</summary>
    public int Steps => Height;

    /// <summary>A sequence's features per step F.</summary>
    public int FeaturesPerStep => Channels;

    public long Size => (long)Channels * Height * Width;

    public override string ToString() => Kind switch
    {
        ShapeKind.Image => $"[{Channels}, {Height}, {Width}]",
        ShapeKind.Sequence => $"[{Height}, {Channels}]",
        _ => $"[{Channels}]",
    };

    /// <summary>The dimensions as written in C#, e.g. <c>30, 4</c>.</summary>
    public string DimensionList => Kind switch
    {
        ShapeKind.Image => $"{Channels}, {Height}, {Width}",
        ShapeKind.Sequence => $"{Height}, {Channels}",
        _ => $"{Channels}",
    };
}
