using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// <c>[Dense(units, activation)]</c>: <c>y = act(x·Wᵀ + b)</c>, <c>W [out, in]</c> as nn.Linear; LoRA may adapt it. On a
/// sequence <c>[T, F]</c> it applies per step (Keras): <c>[T, units]</c>, one product over batch·T rows of F.
/// </summary>
internal sealed record DenseSettings(int Units, ActivationSettings Act) : LayerSettings
{
    public override ActivationSettings? Activation => Act;

    public override int Size => Units;
}

/// <summary>The fully connected layer.</summary>
internal sealed class Dense : LayerKind<DenseSettings>
{
    public override string Name => "Dense";

    public override bool CollectsGhostNorms => true;

    public override bool IsKernel => true;

    public override LayerSettings Parse(LayerParseContext c) => new DenseSettings(c.Size(0, "units"), ActivationSettings.Read(c, 1));

    public override string? ShapeArgument => "units";

    public override string? SizeParameter => "units";

    public override LayerSettings WithSize(LayerSettings settings, int size) => Of(settings) with { Units = size };

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var s = Of(c.Layer);
        if (c.Input.Spatial)
        {
            c.Report(DiagnosticDescriptors.DenseNeedsFeatures, c.Layer.At("units"), c.Layer.Name, c.Input.ToString());
            return LayerInference.Fail;
        }
        if (s.Units <= 0) return LayerInference.Fail;
        return new LayerInference(true, c.Input.IsSequence ? TensorShape.Sequence(c.Input.Steps, s.Units) : TensorShape.Features(s.Units));
    }

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) =>
        other.Kind == shapes.Output.Kind && other.Height == shapes.Output.Height && !other.Spatial
            ? (other.Channels, other.IsSequence ? $"the features per step of '{otherName}'" : $"the size of '{otherName}'")
            : null;

    public override string TransferSignature(LayerSettings settings) => Of(settings).Act.Bias ? "" : ", no bias";

    public override bool SupportsLora => true;

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => Width(input) * Width(output);

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => Of(settings).Act.Bias ? Width(output) : 0;

    /// <summary>The features of one row: a sequence's features per step, else the whole size.</summary>
    private static long Width(TensorShape s) => s.IsSequence ? s.FeaturesPerStep : s.Size;

    /// <summary>The rows per sample (a sequence's steps, else 1), its input and output width, and the rows expression.</summary>
    private static (int In, int Out, string Rows) PerRow(LayerPlan l) =>
        l.InputShape.IsSequence
            ? (l.InputShape.FeaturesPerStep, l.OutputShape.FeaturesPerStep, $"n * {l.InputShape.Steps}")
            : (l.InFeatures, l.OutFeatures, "n");

    public override System.Collections.Generic.IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        var (inWidth, outWidth, _) = PerRow(l);
        if (l.WeightCount > 0) yield return new(".weight", $"{outWidth}, {inWidth}", $"__{l.Name}Weight");
        if (l.BiasCount > 0) yield return new(".bias", $"{outWidth}", $"__{l.Name}Bias");
    }

    public override bool UsesWeightGradientScratch => true;

    public override void EmitInitialize(SourceWriter w, LayerPlan l)
    {
        var (inWidth, outWidth, _) = PerRow(l);
        w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {inWidth}, {outWidth}, global::Axon.Init.{Of(l).Act.Init}, ref rng);");
    }

    public override void EmitForward(LayerEmitContext c)
    {
        var l = c.Layer;
        string activation = Of(l).Act.Expression, pre = c.PreActivation(forward: true);
        if (l.LoraRank > 0)
        {
            // z = x·Wᵀ + b, plus the adapter unless merged, then the activation.
            c.W.Line($"global::Axon.Kernels.Dense.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {pre}, {pre}, n, {l.InFeatures}, {l.OutFeatures}, {ActivationSettings.Identity}, __core.Pool);");
            c.W.Line($"if (!__adaptersMerged) global::Axon.Kernels.LoRA.Forward({c.In()}, {LoraA(l)}, {LoraB(l)}, {Literals.Float(l.LoraScale)}, {pre}, {c.Slot("LoraU", $"n * {l.LoraRank}")}, __core.Buffer(__LoraScratch, n * {l.OutFeatures}), n, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank});");
            if (l.Activation != ActivationKind.Identity)
                c.W.Line($"global::Axon.Kernels.Dense.Activate({pre}, {c.Out}, n, {l.OutFeatures}, {activation});");
            return;
        }
        var (inWidth, outWidth, rows) = PerRow(l);
        c.W.Line($"global::Axon.Kernels.Dense.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {pre}, {c.Out}, {rows}, {inWidth}, {outWidth}, {activation}, __core.Pool);");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var l = c.Layer;
        var (inWidth, outWidth, rows) = PerRow(l);
        c.W.Line($"global::Axon.Kernels.Dense.Backward({c.In()}, {c.Weight()}, {c.PreActivation(forward: false)}, {c.Out}, {c.Grad},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, {rows}, {inWidth}, {outWidth}, {Of(l).Act.Expression},");
        c.W.Line($"    gradIsPreActivation: false, computeParameterGradients: {c.ParameterGradients}, computeInputGradient: below,");
        c.W.Line($"    __core.Pool, __core.Buffer(__Scratch, n * {l.OutFeatures}));");
        if (l.LoraRank > 0)
        {
            c.W.Line($"if (!__adaptersMerged) global::Axon.Kernels.LoRA.Backward({c.In()}, {LoraA(l)}, {LoraB(l)}, {Literals.Float(l.LoraScale)},");
            c.W.Line($"    {c.Grad}, {c.Slot("LoraU", $"n * {l.LoraRank}")}, {c.Slot("LoraV", $"n * {l.LoraRank}")}, {LoraA(l, "g")}, {LoraB(l, "g")},");
            c.W.Line($"    {c.InputGrad}, __core.Buffer(__LoraScratch, n * {l.InFeatures}), n, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank}, parameterGradients && !__adapter_{l.Name}.IsFrozen, below);");
        }
    }

    private static string LoraA(LayerPlan l, string arena = "p") => $"{arena}.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures})";

    private static string LoraB(LayerPlan l, string arena = "p") => $"{arena}.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank})";
}
