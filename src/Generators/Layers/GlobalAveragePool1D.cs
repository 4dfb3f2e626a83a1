using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[GlobalAveragePool1D]</c>: <c>[T, F]</c> → <c>[F]</c>, the mean of each feature over the steps.</summary>
internal sealed class GlobalAveragePool1D : LayerKind<NoSettings>
{
    public override string Name => "GlobalAveragePool1D";

    public override bool SummarisesSequence => true;

    public override LayerSettings Parse(LayerParseContext c) => NoSettings.Instance;

    public override LayerInference Infer(LayerInferenceContext c) => GlobalPool1D.Infer(c);

    public override (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings) => (LayerKinds.Named("GlobalAveragePool"), NoSettings.Instance);

    public override void EmitForward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"global::Axon.Kernels.GlobalAveragePool1D.Forward({c.In()}, {c.Out}, n, {i.Steps}, {i.FeaturesPerStep});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var i = c.Layer.InputShape;
        c.W.Line($"if (below) global::Axon.Kernels.GlobalAveragePool1D.Backward({c.Grad}, {c.InputGrad}, n, {i.Steps}, {i.FeaturesPerStep});");
    }
}

/// <summary>The global 1-D pools' shape rule: a sequence in, one value per feature out.</summary>
internal static class GlobalPool1D
{
    public static LayerInference Infer(LayerInferenceContext c)
    {
        var layer = c.Layer;
        if (!c.Input.IsSequence)
        {
            c.Report(Diagnostics.DiagnosticDescriptors.SequenceShapeMismatch, layer.AttributeLocation ?? layer.NameLocation,
                $"{layer.Kind.Name} layer '{layer.Name}'", "a sequence [steps, features]", "its input", c.Input.ToString(),
                c.Input.Spatial ? "use GlobalAveragePool for an image" : SequenceShapes.ToSequence);
            return LayerInference.Fail;
        }
        return new LayerInference(true, TensorShape.Features(c.Input.FeaturesPerStep));
    }
}
