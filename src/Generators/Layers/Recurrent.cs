using System.Collections.Generic;
using Axon.Generators.Analysis;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Gru(units)]</c> / <c>[Lstm(units)]</c>: hidden size, whether every step is returned, whether there are biases.</summary>
internal sealed record RecurrentSettings(int Units, bool ReturnSequences, bool Bias) : LayerSettings
{
    public override int Size => Units;
}

/// <summary>
/// What GRU and LSTM share: a sequence <c>[T, F]</c> in, <c>[units]</c> or <c>[T, units]</c> out, PyTorch's four tensors
/// (<c>weight_ih_l0</c>, <c>weight_hh_l0</c> in the weight block, <c>bias_ih_l0</c>, <c>bias_hh_l0</c> in the bias block),
/// and a per-sample workspace that the runtime kernel (<c>Axon.Kernels.{Name}</c>) fills in forward for its backward.
/// A kind says its gate count and its kernel's workspace length.
/// </summary>
internal abstract class RecurrentKind : LayerKind<RecurrentSettings>
{
    public override bool IsKernel => true;

    /// <summary>Gates per unit (the row blocks of <c>weight_ih_l0</c>).</summary>
    protected abstract int Gates { get; }

    /// <summary>Floats per sample the kernel keeps between forward and backward: <c>Axon.Kernels.{Name}.WorkspaceLength</c> (a test ties the two).</summary>
    public abstract long WorkspaceLength(int steps, int features, int units);

    public override LayerSettings Parse(LayerParseContext c)
    {
        int units = c.Size(0, "units");
        var reader = c.Reader;
        c.Locate("ReturnSequences", reader.HasNamed("ReturnSequences") ? reader.NamedLocation("ReturnSequences") : reader.Location);
        return new RecurrentSettings(units, reader.Named("ReturnSequences", false), reader.Named("Bias", true));
    }

    public override string? ShapeArgument => "units";

    public override string? SizeParameter => "units";

    public override LayerSettings WithSize(LayerSettings settings, int size) => Of(settings) with { Units = size };

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var s = Of(c.Layer);
        if (!c.Input.IsSequence)
            return SequenceShapes.Reject(c, "a sequence [T, F]", SequenceShapes.ToSequence, c.Layer.AttributeLocation);
        if (s.Units <= 0) return LayerInference.Fail;
        return new LayerInference(true, s.ReturnSequences ? TensorShape.Sequence(c.Input.Steps, s.Units) : TensorShape.Features(s.Units));
    }

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) =>
        other.Kind == shapes.Output.Kind && other.Height == shapes.Output.Height && !other.Spatial
            ? (other.Channels, other.IsSequence ? $"the features per step of '{otherName}'" : $"the size of '{otherName}'")
            : null;

    public override string TransferSignature(LayerSettings settings) => Of(settings).Bias ? "" : ", no bias";

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output)
    {
        long g = (long)Gates * Of(settings).Units;
        return g * (input.FeaturesPerStep + Of(settings).Units);
    }

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) =>
        Of(settings).Bias ? 2L * Gates * Of(settings).Units : 0;

    public override IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output) =>
        [new("State", SlotRegion.Workspace, WorkspaceLength(input.Steps, input.FeaturesPerStep, Of(settings).Units))];

    public override IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        int h = Of(l).Units, g = Gates * h, f = l.InputShape.FeaturesPerStep;
        yield return new(".weight_ih_l0", $"{g}, {f}", $"__{l.Name}Weight");
        yield return new(".weight_hh_l0", $"{g}, {h}", $"__{l.Name}Weight + {g * f}");
        if (l.BiasCount > 0)
        {
            yield return new(".bias_ih_l0", $"{g}", $"__{l.Name}Bias");
            yield return new(".bias_hh_l0", $"{g}", $"__{l.Name}Bias + {g}");
        }
    }

    // PyTorch's RNN initialisation: every parameter uniform in ±1/√hidden_size, which is the Default
    // (nn.Linear) rule with fan-in = units.
    public override void EmitInitialize(SourceWriter w, LayerPlan l) =>
        w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {Of(l).Units}, {Of(l).Units}, global::Axon.Init.Default, ref rng);");

    private string Sizes(LayerEmitContext c)
    {
        var l = c.Layer;
        return $"n, {l.InputShape.Steps}, {l.InputShape.FeaturesPerStep}, {Of(l).Units}, returnSequences: {LayerEmitContext.Bool(Of(l).ReturnSequences)}";
    }

    private string State(LayerEmitContext c) =>
        c.Slot("State", $"n * {WorkspaceLength(c.Layer.InputShape.Steps, c.Layer.InputShape.FeaturesPerStep, Of(c.Layer).Units)}");

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.{Name}.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {c.Out}, {State(c)}, {Sizes(c)}, __core.Pool);");

    public override void EmitBackward(LayerEmitContext c)
    {
        c.W.Line($"global::Axon.Kernels.{Name}.Backward({c.In()}, {c.Weight()}, {c.Grad}, {State(c)},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, {Sizes(c)},");
        c.W.Line($"    computeParameterGradients: {c.ParameterGradients}, computeInputGradient: below, __core.Pool);");
    }
}
