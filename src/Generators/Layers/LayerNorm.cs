using System.Collections.Generic;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[LayerNorm]</c>: per sample, γ·(x − μ)/√(σ² + ε) + β over all its values; γ, β shaped like the input.</summary>
/// <param name="Epsilon">Default 0.001.</param>
internal sealed record LayerNormSettings(float Epsilon) : LayerSettings;

/// <summary>Layer normalisation (nn.LayerNorm over the whole sample).</summary>
internal sealed class LayerNorm : LayerKind<LayerNormSettings>
{
    public override string Name => "LayerNorm";

    public override LayerSettings Parse(LayerParseContext c) => new LayerNormSettings(ReadEpsilon(c));

    /// <summary>The normalisations' <c>Epsilon</c>: positive and finite, default 0.001.</summary>
    internal static float ReadEpsilon(LayerParseContext c)
    {
        float epsilon = c.Reader.Named("Epsilon", 0.001f);
        if (!(epsilon > 0f && !float.IsInfinity(epsilon)))
            c.Invalid(c.Reader.NamedLocation("Epsilon"), "Epsilon", LayerParseContext.Literal(epsilon), "a positive, finite number");
        return epsilon;
    }

    public override LayerInference Infer(LayerInferenceContext c) => new(true, c.Input);

    public override bool IsNormalization => true;

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => input.Size;

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => input.Size;

    public override IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output) =>
    [
        new("Normalized", SlotRegion.Workspace, output.Size),
        new("InvStd", SlotRegion.Workspace, 1),
    ];

    public override IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        var i = l.InputShape;
        string shape = i.DimensionList;
        yield return new(".weight", shape, $"__{l.Name}Weight");
        yield return new(".bias", shape, $"__{l.Name}Bias");
    }

    public override void EmitInitialize(SourceWriter w, LayerPlan l) => InitializeAffine(w, l);

    /// <summary>γ = 1, β = 0: the normalisations start as the identity on normalised values.</summary>
    internal static void InitializeAffine(SourceWriter w, LayerPlan l)
    {
        w.Line($"p.Slice(__{l.Name}Weight, {l.WeightCount}).Fill(1f);");
        w.Line($"p.Slice(__{l.Name}Bias, {l.BiasCount}).Clear();");
    }

    public override void EmitForward(LayerEmitContext c)
    {
        var l = c.Layer;
        c.W.Line($"global::Axon.Kernels.LayerNorm.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {c.Out}, {c.Slot("Normalized", $"n * {l.OutFeatures}")}, {c.Slot("InvStd", "n")}, n, {l.InFeatures}, {Literals.Float(Of(l).Epsilon)});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var l = c.Layer;
        c.W.Line($"global::Axon.Kernels.LayerNorm.Backward({c.Slot("Normalized", $"n * {l.OutFeatures}")}, {c.Weight()}, {c.Slot("InvStd", "n")}, {c.Grad},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, n, {l.InFeatures}, {c.ParameterGradients}, below);");
    }
}
