using Axon.Generators.Emit;

namespace Axon.Generators.Layers;

/// <summary><c>[Add(a, b, …)]</c>: the element-wise sum of operands of one shape (a residual connection).</summary>
internal sealed class Add : Merge
{
    public override string Name => "Add";

    public override LayerSettings Parse(LayerParseContext c) => ParseOperands(c, exactlyTwo: false);

    public override void EmitForward(LayerEmitContext c) => Elementwise(c, "Add");

    /// <summary>Add's and Multiply's forward: the first two operands, then each further one into the output.</summary>
    internal static void Elementwise(LayerEmitContext c, string op)
    {
        c.W.Line($"global::System.Numerics.Tensors.TensorPrimitives.{op}({c.In(0)}, {c.In(1)}, {c.Out});");
        for (int k = 2; k < c.Layer.Sources.Count; k++)
            c.W.Line($"global::System.Numerics.Tensors.TensorPrimitives.{op}({c.Out}, {c.In(k)}, {c.Out});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        for (int k = 0; k < c.Layer.Sources.Count; k++)
            c.W.Line($"{c.IfWanted(k)}global::Axon.Kernels.Merge.Pass({c.Grad}, {c.SourceGrad(k)}, accumulate: {LayerEmitContext.Bool(c.Accumulates(k))});");
    }
}
