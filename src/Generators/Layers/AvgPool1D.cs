using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[AvgPool1D(pool)]</c>: the mean of each window's in-bounds steps, per feature (padding not counted, as Keras).</summary>
internal sealed class AvgPool1D : Pool1D
{
    public override string Name => "AvgPool1D";

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.AvgPool1D.Forward({c.In()}, {c.Out}, n, __{c.Layer.Name}Shape);");

    public override void EmitBackward(LayerEmitContext c) =>
        c.W.Line($"if (below) global::Axon.Kernels.AvgPool1D.Backward({c.Grad}, {c.InputGrad}, n, __{c.Layer.Name}Shape);");
}
