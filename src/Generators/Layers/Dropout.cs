using System.Collections.Generic;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Dropout(rate)]</c>: in training, zeroes each value with probability <c>rate</c> and scales the rest by <c>1/(1 − rate)</c>.</summary>
internal sealed record DropoutSettings(float Rate) : LayerSettings;

/// <summary>Inverted dropout; the identity at inference.</summary>
internal sealed class Dropout : LayerKind<DropoutSettings>
{
    public override string Name => "Dropout";

    public override bool BackwardIsRepeatable => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        float rate = c.Reader.Positional(0, 0f);
        var location = c.Locate("rate", c.Reader.PositionalLocation(0, "rate"));
        if (!(rate >= 0f && rate < 1f)) c.Invalid(location, "Rate", LayerParseContext.Literal(rate), "a probability in [0, 1)");
        return new DropoutSettings(rate);
    }

    public override string? ShapeArgument => "rate";

    public override LayerInference Infer(LayerInferenceContext c) => new(true, c.Input);

    public override IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output) =>
        [new("Mask", SlotRegion.Workspace, output.Size)];

    public override bool HasTrainingMode => true;

    public override (string Field, string Initialize)? SharedState => ("private global::Axon.Rng __dropoutRng;",
        "__dropoutRng = new global::Axon.Rng(0x5EED_0000_0000L + seed);   // dropout masks: reproducible from the seed, independent of the weights' stream");

    public override string? RandomStateField => "__dropoutRng";

    public override void EmitForward(LayerEmitContext c)
    {
        c.W.Line($"if (__training) global::Axon.Kernels.Dropout.Forward({c.In()}, {c.Out}, {c.Slot("Mask", $"n * {c.Layer.OutFeatures}")}, {Literals.Float(Of(c.Layer).Rate)}, ref __dropoutRng);");
        c.W.Line($"else {c.In()}.CopyTo({c.Out});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        c.W.Line($"if (below && __training) global::Axon.Kernels.Dropout.Backward({c.Slot("Mask", $"n * {c.Layer.OutFeatures}")}, {c.Grad}, {c.InputGrad});");
        c.W.Line($"else if (below) {c.Grad}.CopyTo({c.InputGrad});");
    }
}
