using System.Collections.Generic;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Dot(left, right)]</c>: per sample, the dot product of two <c>[features]</c> operands of one size (a two-tower score).</summary>
internal sealed class Dot : Merge
{
    public override string Name => "Dot";

    public override LayerSettings Parse(LayerParseContext c)
    {
        c.Inputs.Add(new InputRef(c.Reader.Positional<string>(0, "") ?? "", c.Reader.PositionalLocation(0, "left")));
        c.Inputs.Add(new InputRef(c.Reader.Positional<string>(1, "") ?? "", c.Reader.PositionalLocation(1, "right")));
        return NoSettings.Instance;
    }

    protected override string Rule => "Dot needs two [features] operands of the same size";

    protected override bool Fits(TensorShape o, TensorShape first) => o.Kind == ShapeKind.Features && o == first;

    protected override TensorShape? Output(IReadOnlyList<TensorShape> operands) => TensorShape.Features(1);

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.Merge.Dot({c.In(0)}, {c.In(1)}, {c.Out}, n, {c.Layer.InFeatures});");

    public override void EmitBackward(LayerEmitContext c)
    {
        c.W.Line($"{c.IfWanted(0)}global::Axon.Kernels.Merge.DotBackward({c.Grad}, {c.In(1)}, {c.SourceGrad(0)}, n, {c.Layer.InFeatures}, accumulate: {LayerEmitContext.Bool(c.Accumulates(0))});");
        c.W.Line($"{c.IfWanted(1)}global::Axon.Kernels.Merge.DotBackward({c.Grad}, {c.In(0)}, {c.SourceGrad(1)}, n, {c.Layer.InFeatures}, accumulate: {LayerEmitContext.Bool(c.Accumulates(1))});");
    }
}
