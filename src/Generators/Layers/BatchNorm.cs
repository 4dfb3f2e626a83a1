using System.Collections.Generic;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[BatchNorm]</c>: per channel, γ·(x − μ)/√(σ² + ε) + β with batch statistics in training, running ones after.</summary>
/// <param name="Momentum">Keras's: running = momentum·running + (1 − momentum)·batch. Default 0.99.</param>
/// <param name="Epsilon">Default 0.001.</param>
internal sealed record BatchNormSettings(float Momentum, float Epsilon) : LayerSettings;

/// <summary>Batch normalisation over the batch (and, for <c>[C, H, W]</c>, the positions) of each channel.</summary>
internal sealed class BatchNorm : LayerKind<BatchNormSettings>
{
    public override string Name => "BatchNorm";

    public override bool MixesSamples => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        var reader = c.Reader;
        float momentum = reader.Named("Momentum", 0.99f);
        if (!(momentum >= 0f && momentum <= 1f)) c.Invalid(reader.NamedLocation("Momentum"), "Momentum", LayerParseContext.Literal(momentum), "a value in [0, 1]");
        return new BatchNormSettings(momentum, LayerNorm.ReadEpsilon(c));
    }

    // Its kernel is channel-major ([C, H·W]); a sequence is step-major, so it would normalise the wrong axis.
    public override LayerInference Infer(LayerInferenceContext c) =>
        c.Input.IsSequence ? SequenceShapes.Reject(c, "[features] or [channels, height, width]", "add Flatten before it, or use LayerNorm") : new(true, c.Input);

    // LayerNorm normalises each sample over all its values, whatever the shape; it takes Epsilon and From but no Momentum
    // (the fix checks the arguments written).
    public override (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings) => (LayerKinds.Named("LayerNorm"), new LayerNormSettings(Of(settings).Epsilon));

    public override bool IsNormalization => true;

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => input.Channels;

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => input.Channels;

    public override IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output) =>
    [
        new("RunningMean", SlotRegion.Parameters, input.Channels),
        new("RunningVar", SlotRegion.Parameters, input.Channels),
        new("Normalized", SlotRegion.Workspace, output.Size),
        new("InvStd", SlotRegion.Fixed, input.Channels),
    ];

    public override bool HasTrainingMode => true;

    public override IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        string shape = $"{l.InputShape.Channels}";
        yield return new(".weight", shape, $"__{l.Name}Weight");
        yield return new(".bias", shape, $"__{l.Name}Bias");
        yield return new(".running_mean", shape, $"__{l.Name}RunningMean");
        yield return new(".running_var", shape, $"__{l.Name}RunningVar");
    }

    public override void EmitInitialize(SourceWriter w, LayerPlan l)
    {
        LayerNorm.InitializeAffine(w, l);
        w.Line($"p.Slice(__{l.Name}RunningMean, {l.InputShape.Channels}).Clear();");
        w.Line($"p.Slice(__{l.Name}RunningVar, {l.InputShape.Channels}).Fill(1f);");
    }

    public override void EmitForward(LayerEmitContext c)
    {
        var (l, s, i) = (c.Layer, Of(c.Layer), c.Layer.InputShape);
        string stats = $"{c.Parameter("RunningMean", i.Channels)}, {c.Parameter("RunningVar", i.Channels)}";
        c.W.Line($"if ({c.Trains})");
        c.W.Line($"    global::Axon.Kernels.BatchNorm.ForwardTraining({c.In()}, {c.Weight()}, {c.Bias()}, {stats}, {c.Out}, {c.Slot("Normalized", $"n * {l.OutFeatures}")}, __core.Fixed(__{l.Name}InvStd, {i.Channels}), n, {i.Channels}, {i.Height * i.Width}, {Literals.Float(s.Momentum)}, {Literals.Float(s.Epsilon)});");
        c.W.Line("else");
        c.W.Line($"    global::Axon.Kernels.BatchNorm.ForwardInference({c.In()}, {c.Weight()}, {c.Bias()}, {stats}, {c.Out}, n, {i.Channels}, {i.Height * i.Width}, {Literals.Float(s.Epsilon)});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var (l, s, i) = (c.Layer, Of(c.Layer), c.Layer.InputShape);
        c.W.Line($"if ({c.Trains})");
        c.W.Line($"    global::Axon.Kernels.BatchNorm.BackwardTraining({c.Slot("Normalized", $"n * {l.OutFeatures}")}, {c.Weight()}, __core.Fixed(__{l.Name}InvStd, {i.Channels}), {c.Grad},");
        c.W.Line($"        {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, n, {i.Channels}, {i.Height * i.Width}, {c.ParameterGradients}, below);");
        c.W.Line("else");
        c.W.Line($"    global::Axon.Kernels.BatchNorm.BackwardInference({c.In()}, {c.Weight()}, {c.Parameter("RunningMean", i.Channels)}, {c.Parameter("RunningVar", i.Channels)}, {c.Grad},");
        c.W.Line($"        {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, n, {i.Channels}, {i.Height * i.Width}, {Literals.Float(s.Epsilon)}, {c.ParameterGradients}, below);");
    }
}
