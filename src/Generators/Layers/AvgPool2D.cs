using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[AvgPool2D(pool)]</c>: the mean of each window (padding counts as zeros, as Keras).</summary>
internal sealed class AvgPool2D : Pool2D
{
    public override string Name => "AvgPool2D";

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.AvgPool2D.Forward({c.In()}, {c.Out}, n, __{c.Layer.Name}Shape, __core.Pool);");

    public override void EmitBackward(LayerEmitContext c) =>
        c.W.Line($"if (below) global::Axon.Kernels.AvgPool2D.Backward({c.Grad}, {c.InputGrad}, n, __{c.Layer.Name}Shape, __core.Pool);");
}
