using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[GlobalAveragePool]</c>: <c>[C, H, W]</c> → <c>[C]</c>, the mean of each channel.</summary>
internal sealed class GlobalAveragePool : LayerKind<NoSettings>
{
    public override string Name => "GlobalAveragePool";

    public override LayerSettings Parse(LayerParseContext c) => NoSettings.Instance;

    public override LayerInference Infer(LayerInferenceContext c)
    {
        if (c.Input.IsSequence) return SequenceShapes.Reject(c, "[channels, height, width]", "use GlobalAveragePool1D for a sequence");
        if (!c.Input.Spatial)
        {
            c.Report(DiagnosticDescriptors.NeedsSpatialInput, c.Layer.AttributeLocation, c.Layer.Name, Name, c.Input.ToString());
            return LayerInference.Fail;
        }
        return new LayerInference(true, TensorShape.Features(c.Input.Channels));
    }

    public override (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings) => (LayerKinds.Named("GlobalAveragePool1D"), NoSettings.Instance);

    public override void EmitForward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"global::Axon.Kernels.GlobalAveragePool.Forward({c.In()}, {c.Out}, n, {i.Channels}, {i.Height * i.Width}, __core.Pool);");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"if (below) global::Axon.Kernels.GlobalAveragePool.Backward({c.Grad}, {c.InputGrad}, n, {i.Channels}, {i.Height * i.Width}, __core.Pool);");
    }
}
