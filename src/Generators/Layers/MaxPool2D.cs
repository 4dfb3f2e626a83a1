using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[MaxPool2D(pool)]</c>: the largest value of each window (the gradient goes to it).</summary>
internal sealed class MaxPool2D : Pool2D
{
    public override string Name => "MaxPool2D";

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.MaxPool2D.Forward({c.In()}, {c.Out}, n, __{c.Layer.Name}Shape, __core.Pool);");

    public override void EmitBackward(LayerEmitContext c) =>
        c.W.Line($"if (below) global::Axon.Kernels.MaxPool2D.Backward({c.In()}, {c.Grad}, {c.InputGrad}, n, __{c.Layer.Name}Shape, __core.Pool);");
}
