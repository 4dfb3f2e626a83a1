using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>
/// The public surface of a generated model, in one list: each entry names a member and writes its declarations for a
/// plan, with the body a valid model gets (a one-line call into <c>Axon.Compiled.ModelDriver</c>, whose XML docs it
/// inherits) and the body an invalid model gets (throw). Valid models, invalid models (which expose every member, so
/// user code gets Axon's errors only) and the reserved names (<see cref="Names"/>, AXN0104) all derive from it.
/// </summary>
internal static class PublicSurface
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Driver = "global::Axon.Compiled.ModelDriver";
    private const string Kernel = "global::Axon.Compiled.IModelKernel";
    private const string CrefSpan = "global::System.Span{float}";
    private const string CrefReadOnlySpan = "global::System.ReadOnlySpan{float}";

    /// <summary>One declaration: the doc line(s), the signature, and the tail (<c>=&gt; …;</c> or an accessor/body block).</summary>
    internal sealed record Declaration(string Doc, string Signature, string Valid, string Invalid);

    private sealed record Entry(string Name, Func<ModelPlan, IEnumerable<Declaration>> Declarations);

    private static Declaration Inherit(string member, string crefParameters, string signature, string call) =>
        new($"<inheritdoc cref=\"{Driver}.{member}({Kernel}{crefParameters})\"/>", signature, $"=> {Driver}.{call};", "=> throw __Invalid();");

    private static Declaration Simple(string summary, string signature, string valid, string invalid = "=> throw __Invalid();") =>
        new($"<summary>{summary}</summary>", signature, valid, invalid);

    private static Declaration Constant(string summary, string type, string name, string value, string invalidValue) =>
        new($"<summary>{summary}</summary>", $"public const {type} {name}", $"= {value};", $"= {invalidValue};");

    // The losses whose overloads a model gets: its own, or both target kinds when the loss is unknown (invalid model).
    private static IEnumerable<LossKind> Losses(ModelPlan plan) =>
        plan.IsValid || plan.Loss != LossKind.None ? [plan.Loss] : [LossKind.SoftmaxCrossEntropy, LossKind.MeanSquaredError];

    private static (string Parameter, string Name, string Cref) Target(LossKind loss) => loss == LossKind.SoftmaxCrossEntropy
        ? ("global::System.ReadOnlySpan<int> labels", "labels", "global::System.ReadOnlySpan{int}")
        : ("global::System.ReadOnlySpan<float> targets", "targets", CrefReadOnlySpan);

    private static IEnumerable<Declaration> PerLoss(ModelPlan plan, Func<(string Parameter, string Name, string Cref), Declaration> declare) =>
        Losses(plan).Select(l => declare(Target(l)));

    private static readonly Entry[] Entries =
    [
        new("InputSize", p => [Constant($"Input values per sample: shape [{string.Join(", ", p.InputShape)}].", "int", "InputSize", Literals.Int(p.InputSize), "0")]),
        new("OutputSize", p => [Constant("Output values per sample.", "int", "OutputSize", Literals.Int(p.OutputSize), "0")]),
        new("ParameterCount", p => [Constant("Number of trainable parameters (weights and biases).", "int", "ParameterCount", Literals.Int(p.ParameterCount), "0")]),
        new("InputMin", p => [Constant("Smallest valid raw input value (the declared range; attacks clip to it).", "float", "InputMin", Literals.Float(p.InputMin), "0f")]),
        new("InputMax", p => [Constant("Largest valid raw input value.", "float", "InputMax", Literals.Float(p.InputMax), "0f")]),
        new("DefaultMaxBatchSize", p => [Constant("Batch capacity used when the constructor is not given one.", "int", "DefaultMaxBatchSize", Literals.Int(p.MaxBatchSize), Literals.Int(p.MaxBatchSize))]),
        new("DefaultSeed", p => [Constant("Initialisation seed used when the constructor is not given one.", "int", "DefaultSeed", Literals.Int(p.Seed), Literals.Int(p.Seed))]),
        new("Summary", p => [Constant("The layer table: every layer's output shape and parameter count.", "string", "Summary",
            p.IsValid ? Literals.String(SummaryWriter.Write(p)) : "", Literals.String("invalid model: " + p.Errors))]),
        new("MaxBatchSize", _ => [Simple("Largest batch the workspace holds.", "public int MaxBatchSize", "=> __core.MaxBatchSize;")]),
        new("Threads", _ => [Simple("Threads the kernels use: the caller plus pooled workers. Default: 1. Results are bitwise identical for any thread count (work is split by output rows, never by the reduction).",
            "public int Threads", "{ get => __core.Threads; set => __core.Threads = value; }", "{ get => throw __Invalid(); set => throw __Invalid(); }")]),
        new("Optimizer", _ => [Simple("The optimizer that <c>TrainStep</c> uses.", "public global::Axon.Optimizers.Optimizer Optimizer", "=> __core.Optimizer;")]),
        new("Layers", _ => [Simple("The layers, in order.", "public global::System.Collections.Generic.IReadOnlyList<global::Axon.Layer> Layers", "=> __core.Layers;")]),
        new("Parameters", _ => [Simple("The parameter arena (writable; layers start on 64-byte boundaries, see <see cref=\"global::Axon.Layer.ParameterOffset\"/>). Shared with this model's inference sessions.",
            $"public {Span} Parameters", "=> __core.Parameters.Span;")]),
        new("Gradients", _ => [Simple("The gradient arena, same layout as <see cref=\"Parameters\"/>: the gradients of the last backward pass.",
            $"public {ReadOnlySpan} Gradients", "=> __core.Gradients.Span;")]),
        new("IsInferenceSession", _ => [Simple("Whether this instance is an inference session (<see cref=\"CreateInferenceSession\"/>): it shares another instance's weights and cannot change them.",
            "public bool IsInferenceSession", "=> __core.IsSession;")]),
        new("Initialize", _ => [Inherit("Initialize", ", int", "public void Initialize(int seed)", "Initialize(this, seed)")]),
        new("Predict", _ =>
        [
            Inherit("Predict", $", {CrefReadOnlySpan}, {CrefSpan}", $"public void Predict({ReadOnlySpan} inputs, {Span} outputs)", "Predict(this, inputs, outputs)"),
            Inherit("Predict", $", {CrefReadOnlySpan}", $"public float[] Predict({ReadOnlySpan} input)", "Predict(this, input)"),
        ]),
        new("Classify", p => p.IsValid && p.Loss != LossKind.SoftmaxCrossEntropy ? [] :
            [Inherit("Classify", $", {CrefReadOnlySpan}", $"public int Classify({ReadOnlySpan} input)", "Classify(this, input)")]),
        new("PredictProbabilities", p => p.IsValid && p.Loss is not (LossKind.SoftmaxCrossEntropy or LossKind.BinaryCrossEntropy) ? [] :
            [Inherit("PredictProbabilities", $", {CrefReadOnlySpan}, {CrefSpan}", $"public void PredictProbabilities({ReadOnlySpan} inputs, {Span} outputs)", "PredictProbabilities(this, inputs, outputs)")]),
        new("TrainStep", p => PerLoss(p, t => Inherit("TrainStep", $", {CrefReadOnlySpan}, {t.Cref}", $"public float TrainStep({ReadOnlySpan} inputs, {t.Parameter})", $"TrainStep(this, inputs, {t.Name})"))),
        new("ComputeGradients", p => PerLoss(p, t => Inherit("ComputeGradients", $", {CrefReadOnlySpan}, {t.Cref}", $"public float ComputeGradients({ReadOnlySpan} inputs, {t.Parameter})", $"ComputeGradients(this, inputs, {t.Name})"))),
        new("ComputeLoss", p => PerLoss(p, t => Inherit("ComputeLoss", $", {CrefReadOnlySpan}, {t.Cref}", $"public float ComputeLoss({ReadOnlySpan} inputs, {t.Parameter})", $"ComputeLoss(this, inputs, {t.Name})"))),
        new("ComputeLosses", p => PerLoss(p, t => Inherit("ComputeLosses", $", {CrefReadOnlySpan}, {t.Cref}, {CrefSpan}, {CrefSpan}",
            $"public void ComputeLosses({ReadOnlySpan} inputs, {t.Parameter}, {Span} losses, {Span} outputGradient = default)", $"ComputeLosses(this, inputs, {t.Name}, losses, outputGradient)"))),
        new("Evaluate", p => PerLoss(p, t => Inherit("Evaluate", $", {CrefReadOnlySpan}, {t.Cref}", $"public global::Axon.Evaluation Evaluate({ReadOnlySpan} inputs, {t.Parameter})", $"Evaluate(this, inputs, {t.Name})"))),
        new("InputGradient", p => PerLoss(p, t => Inherit("InputGradient", $", {CrefReadOnlySpan}, {t.Cref}, {CrefSpan}",
            $"public float InputGradient({ReadOnlySpan} inputs, {t.Parameter}, {Span} inputGradient)", $"InputGradient(this, inputs, {t.Name}, inputGradient)"))),
        new("Forward", _ => [Inherit("Forward", $", {CrefReadOnlySpan}, {CrefSpan}, bool", $"public void Forward({ReadOnlySpan} inputs, {Span} outputs, bool training)", "Forward(this, inputs, outputs, training)")]),
        new("Backward", _ => [Inherit("Backward", $", {CrefReadOnlySpan}, {CrefReadOnlySpan}, {CrefSpan}, bool",
            $"public void Backward({ReadOnlySpan} inputs, {ReadOnlySpan} outputGradient, {Span} inputGradient, bool parameterGradients)", "Backward(this, inputs, outputGradient, inputGradient, parameterGradients)")]),
        new("ApplyGradients", _ => [Inherit("ApplyGradients", "", "public void ApplyGradients()", "ApplyGradients(this)")]),
        new("Save", _ => [Inherit("Save", ", string", "public void Save(string path)", "Save(this, path)")]),
        new("Load", _ => [Inherit("Load", ", string", "public void Load(string path)", "Load(this, path)")]),
        new("CreateInferenceSession", p => [Simple(
            "A new instance that shares this model's parameters (no copy) with a workspace of its own for <paramref name=\"maxBatchSize\"/> samples: "
            + "give each thread its own session to predict concurrently (creating them is safe from several threads at once). Sessions run every inference member (Predict, Classify, Evaluate, InputGradient, Forward in inference mode); "
            + "members that change the weights throw. While any session is inside a call, a call that changes the weights on the model throws, and the reverse. Default batch: the model's MaxBatchSize.",
            $"public {Literals.Identifier(p.Type.Name)} CreateInferenceSession(int maxBatchSize = 0)",
            $"=> new(global::Axon.Compiled.ModelDriver.CreateSession(this, maxBatchSize > 0 ? maxBatchSize : __core.MaxBatchSize));")]),
        new("CopyFrom", p => p.TransferSource.Length == 0 ? [] : [new(
            $"<summary>Copies the layers declared by [TransferFrom] from a pretrained <see cref=\"{p.TransferSource}\"/>: "
            + $"{Literals.Xml(string.Join(", ", p.Transfers.Select(t => t.Target)))} (weights, biases and BatchNorm statistics). "
            + "Their shapes were checked at compile time; nothing else changes, the optimizer state included.</summary>",
            $"public void CopyFrom({p.TransferSource} pretrained)", "=> __CopyFrom(pretrained);", "=> throw __Invalid();")]),
        new("Adapters", p => !p.HasAdapters ? [] : [Simple("The LoRA adapters, one per adapted layer (<c>Weight</c> is A <c>[r, in]</c>, <c>Bias</c> is B <c>[out, r]</c>).",
            "public global::System.Collections.Generic.IReadOnlyList<global::Axon.Layer> Adapters",
            $"=> [{string.Join(", ", p.Layers.Where(l => l.LoraRank > 0).Select(l => "__adapter_" + l.Name))}];")]),
        new("AdaptersMerged", p => !p.HasAdapters ? [] : [Simple("Whether the adapters are folded into the base weights (<see cref=\"MergeAdapters\"/>).",
            "public bool AdaptersMerged", "=> __core.AdaptersMerged;")]),
        new("MergeAdapters", p => !p.HasAdapters ? [] : [Inherit("MergeAdapters", "", "public void MergeAdapters()", "MergeAdapters(this)")]),
        new("UnmergeAdapters", p => !p.HasAdapters ? [] : [Inherit("UnmergeAdapters", "", "public void UnmergeAdapters()", "UnmergeAdapters(this)")]),
        new("SaveAdapters", p => !p.HasAdapters ? [] : [Inherit("SaveAdapters", ", string, global::Axon.Serialization.TensorSpec[]", "public void SaveAdapters(string path)", "SaveAdapters(this, path, __adapterTensors)")]),
        new("LoadAdapters", p => !p.HasAdapters ? [] : [Inherit("LoadAdapters", ", string, global::Axon.Serialization.TensorSpec[]", "public void LoadAdapters(string path)", "LoadAdapters(this, path, __adapterTensors)")]),
    ];

    /// <summary>Every public member name a generated model may declare; a user member with one of these names is AXN0104.</summary>
    public static readonly IReadOnlyCollection<string> Names = new HashSet<string>(Entries.Select(e => e.Name), StringComparer.Ordinal);

    /// <summary>Writes the public surface of <paramref name="plan"/>, valid or invalid.</summary>
    public static void Emit(SourceWriter w, ModelPlan plan)
    {
        foreach (var entry in Entries)
            foreach (var d in entry.Declarations(plan))
            {
                w.Line(plan.IsValid ? "/// " + d.Doc
                    : d.Signature.StartsWith("public const", StringComparison.Ordinal) ? "/// <summary>Not available: the model has errors.</summary>"
                    : "/// <summary>Throws: the model has errors.</summary>");
                // A model deriving from a model hides the base's members on purpose.
                string signature = plan.Type.HidesBaseModel ? "public new " + d.Signature.Substring("public ".Length) : d.Signature;
                w.Line($"{signature} {(plan.IsValid ? d.Valid : d.Invalid)}");
            }
    }
}
