using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[Multiply(a, b)]</c>: the element-wise product of two operands of one shape (a gate).</summary>
internal sealed class Multiply : Merge
{
    public override string Name => "Multiply";

    public override LayerSettings Parse(LayerParseContext c) => ParseOperands(c, exactlyTwo: true);

    public override void EmitForward(LayerEmitContext c) => Add.Elementwise(c, "Multiply");

    public override void EmitBackward(LayerEmitContext c)
    {
        // ∂(a·b)/∂a = b and the other way round.
        c.W.Line($"{c.IfWanted(0)}global::Axon.Kernels.Merge.Scale({c.Grad}, {c.In(1)}, {c.SourceGrad(0)}, accumulate: {LayerEmitContext.Bool(c.Accumulates(0))});");
        c.W.Line($"{c.IfWanted(1)}global::Axon.Kernels.Merge.Scale({c.Grad}, {c.In(0)}, {c.SourceGrad(1)}, accumulate: {LayerEmitContext.Bool(c.Accumulates(1))});");
    }
}
