using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[GlobalMaxPool1D]</c>: <c>[T, F]</c> → <c>[F]</c>, the largest value of each feature over the steps (the gradient goes to the first).</summary>
internal sealed class GlobalMaxPool1D : LayerKind<NoSettings>
{
    public override string Name => "GlobalMaxPool1D";

    public override LayerSettings Parse(LayerParseContext c) => NoSettings.Instance;

    public override LayerInference Infer(LayerInferenceContext c) => GlobalPool1D.Infer(c);

    public override void EmitForward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"global::Axon.Kernels.GlobalMaxPool1D.Forward({c.In()}, {c.Out}, n, {i.Steps}, {i.FeaturesPerStep});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"if (below) global::Axon.Kernels.GlobalMaxPool1D.Backward({c.In()}, {c.Grad}, {c.InputGrad}, n, {i.Steps}, {i.FeaturesPerStep});");
    }
}
