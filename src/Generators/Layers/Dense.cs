using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Dense(units, activation)]</c>: <c>y = act(x·Wᵀ + b)</c>, <c>W [out, in]</c> as nn.Linear; LoRA may adapt it.</summary>
internal sealed record DenseSettings(int Units, ActivationSettings Act) : LayerSettings
{
    public override ActivationSettings? Activation => Act;

    public override int Size => Units;
}

/// <summary>The fully connected layer.</summary>
internal sealed class Dense : LayerKind<DenseSettings>
{
    public override string Name => "Dense";

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
        return s.Units <= 0 ? LayerInference.Fail : new LayerInference(true, TensorShape.Features(s.Units));
    }

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) =>
        other.Spatial ? null : (other.Channels, $"the size of '{otherName}'");

    public override string TransferSignature(LayerSettings settings) => Of(settings).Act.Bias ? "" : ", no bias";

    public override bool SupportsLora => true;

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => input.Size * output.Size;

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => Of(settings).Act.Bias ? output.Size : 0;

    public override bool UsesWeightGradientScratch => true;

    public override void EmitInitialize(SourceWriter w, LayerPlan l) =>
        w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {l.InFeatures}, {l.OutFeatures}, global::Axon.Init.{Of(l).Act.Init}, ref rng);");

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
        c.W.Line($"global::Axon.Kernels.Dense.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {pre}, {c.Out}, n, {l.InFeatures}, {l.OutFeatures}, {activation}, __core.Pool);");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var l = c.Layer;
        c.W.Line($"global::Axon.Kernels.Dense.Backward({c.In()}, {c.Weight()}, {c.PreActivation(forward: false)}, {c.Out}, {c.Grad},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, n, {l.InFeatures}, {l.OutFeatures}, {Of(l).Act.Expression},");
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
