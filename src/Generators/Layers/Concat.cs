using System.Collections.Generic;
using Axon.Generators.Analysis;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Concat(a, b, …)]</c>: features end to end, or channels stacked for <c>[C, H, W]</c> operands of one height and width.</summary>
internal sealed class Concat : Merge
{
    public override string Name => "Concat";

    public override LayerSettings Parse(LayerParseContext c) => ParseOperands(c, exactlyTwo: false);

    protected override string Rule => "Concat needs [features] operands, or [C, H, W] operands of the same height and width";

    protected override bool Fits(TensorShape o, TensorShape first) => o.Kind == first.Kind && o.Height == first.Height && o.Width == first.Width;

    // Operands are placed end to end per sample: for step-major sequences that would not join the features of each step.
    public override LayerInference Infer(LayerInferenceContext c)
    {
        for (int k = 0; k < c.Operands.Count; k++)
            if (c.Operands[k].IsSequence)
            {
                c.Report(Diagnostics.DiagnosticDescriptors.SequenceShapeMismatch, c.Layer.Inputs[k].Location, $"Concat layer '{c.Layer.Name}'",
                    "[features] or [channels, height, width] operands", $"'{c.Layer.Inputs[k].Name}'", c.Operands[k].ToString(), "add Flatten after it");
                return LayerInference.Fail;
            }
        return base.Infer(c);
    }

    protected override TensorShape? Output(IReadOnlyList<TensorShape> operands)
    {
        long channels = 0;
        foreach (var o in operands) channels += o.Channels;
        var first = operands[0];
        return channels > ShapeInference.MaxArenaLength ? null : new TensorShape((int)channels, first.Height, first.Width, first.Kind);
    }

    public override void EmitForward(LayerEmitContext c)
    {
        int offset = 0;
        for (int k = 0; k < c.Layer.Sources.Count; k++)
        {
            int width = c.SourceSize(k);
            c.W.Line($"global::Axon.Kernels.Merge.Place({c.In(k)}, {c.Out}, n, {width}, {c.Layer.OutFeatures}, {offset});");
            offset += width;
        }
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        int offset = 0;
        for (int k = 0; k < c.Layer.Sources.Count; k++)
        {
            int width = c.SourceSize(k);
            c.W.Line($"{c.IfWanted(k)}global::Axon.Kernels.Merge.Take({c.Grad}, {c.SourceGrad(k)}, n, {width}, {c.Layer.OutFeatures}, {offset}, accumulate: {LayerEmitContext.Bool(c.Accumulates(k))});");
            offset += width;
        }
    }
}
