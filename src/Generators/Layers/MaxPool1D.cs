using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[MaxPool1D(pool)]</c>: the largest value of each window of steps, per feature (the gradient goes to the first).</summary>
internal sealed class MaxPool1D : Pool1D
{
    public override string Name => "MaxPool1D";

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.MaxPool1D.Forward({c.In()}, {c.Out}, n, __{c.Layer.Name}Shape);");

    public override void EmitBackward(LayerEmitContext c) =>
        c.W.Line($"if (below) global::Axon.Kernels.MaxPool1D.Backward({c.In()}, {c.Grad}, {c.InputGrad}, n, __{c.Layer.Name}Shape);");
}
