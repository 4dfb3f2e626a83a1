using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Embedding(vocabulary, dimension)]</c>: each id of an <c>Ids</c> input becomes its row of <c>W [vocabulary, dimension]</c>.</summary>
internal sealed record EmbeddingSettings(int Vocabulary, int Dimension) : LayerSettings
{
    public override int Size => Dimension;
}

/// <summary>The lookup table (nn.Embedding); ids outside the vocabulary are rejected at run time.</summary>
internal sealed class Embedding : LayerKind<EmbeddingSettings>
{
    public override string Name => "Embedding";

    public override LayerSettings Parse(LayerParseContext c)
    {
        int vocabulary = c.Reader.Positional(0, 0);
        var location = c.Locate("vocabulary", c.Reader.PositionalLocation(0, "vocabulary"));
        if (vocabulary <= 0) c.Invalid(location, "Vocabulary", LayerParseContext.Int(vocabulary), "a positive number of ids");
        return new EmbeddingSettings(vocabulary, c.Size(1, "dimension"));
    }

    public override string? ShapeArgument => "dimension";

    public override string? SizeParameter => "dimension";

    public override LayerSettings WithSize(LayerSettings settings, int size) => Of(settings) with { Dimension = size };

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var layer = c.Layer;
        var s = Of(layer);
        int source = c.Sources[0];
        if (source < 0 || c.Model.Layers[source].Settings is not InputSettings { Ids: true } || c.Input.Kind != ShapeKind.Features)
        {
            string sourceName = source < 0 ? "the model input" : c.Model.Layers[source].Name;
            var location = layer.Inputs.IsEmpty ? layer.AttributeLocation : layer.Inputs[0].Location;
            c.Report(DiagnosticDescriptors.EmbeddingNeedsIds, location, layer.Name, sourceName, c.Input.ToString());
            return LayerInference.Fail;
        }
        if (s.Vocabulary <= 0 || s.Dimension <= 0) return LayerInference.Fail;
        return new LayerInference(true, TensorShape.Features((int)System.Math.Min(c.Input.Size * s.Dimension, int.MaxValue)));
    }

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName)
    {
        long ids = shapes.Input.Size;
        if (other.Kind != ShapeKind.Features || ids <= 0 || other.Size % ids != 0) return null;
        return ((int)(other.Size / ids), ids == 1 ? $"the size of '{otherName}'" : $"its {ids} ids then fill the size of '{otherName}'");
    }

    public override string TransferSignature(LayerSettings settings) => $", vocabulary {Of(settings).Vocabulary}";

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) => (long)Of(settings).Vocabulary * Of(settings).Dimension;

    public override System.Collections.Generic.IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        if (l.WeightCount > 0) yield return new(".weight", $"{Of(l).Vocabulary}, {Of(l).Dimension}", $"__{l.Name}Weight");
    }

    public override void EmitInitialize(SourceWriter w, LayerPlan l) =>
        w.Line($"global::Axon.Initializers.Embedding(p.Slice(__{l.Name}Weight, {l.WeightCount}), ref rng);");

    public override void EmitForward(LayerEmitContext c)
    {
        var (l, s) = (c.Layer, Of(c.Layer));
        c.W.Line($"global::Axon.Kernels.Embedding.Forward({c.In()}, {c.Weight()}, {c.Out}, n * {l.InFeatures}, {s.Vocabulary}, {s.Dimension});");
    }

    public override void EmitBackward(LayerEmitContext c)
    {
        var (l, s) = (c.Layer, Of(c.Layer));
        c.W.Line($"if ({c.ParameterGradients}) global::Axon.Kernels.Embedding.Backward({c.In()}, {c.Grad}, {c.Weight("g")}, n * {l.InFeatures}, {s.Vocabulary}, {s.Dimension});");
    }
}
