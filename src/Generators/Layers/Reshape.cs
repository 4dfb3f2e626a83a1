using System.Linq;
using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Reshape(shape)]</c>: the same values as <c>[features]</c>, <c>[T, F]</c> or <c>[C, H, W]</c>.</summary>
internal sealed record ReshapeSettings(EquatableArray<int> Shape) : LayerSettings;

/// <summary>A shape change; a view when it can alias its source.</summary>
internal sealed class Reshape : LayerKind<ReshapeSettings>
{
    public override string Name => "Reshape";

    public override bool BackwardIsRepeatable => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        var reader = c.Reader;
        var values = reader.PositionalArray(0);
        var shape = values.Select(v => v.Value is int d ? d : 0).ToArray();
        c.Locate("shape", values.Length > 0 ? reader.PositionalLocation(0, "shape") : reader.NameLocation);
        if (values.Length is not (1 or 2 or 3) || shape.Any(d => d <= 0))
            c.Invalid(reader.NameLocation, "Shape", "[" + string.Join(", ", shape) + "]", "[features], [steps, features] or [channels, height, width] with positive sizes");
        return new ReshapeSettings(shape.ToEquatableArray());
    }

    public override string? ShapeArgument => "shape";

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var layer = c.Layer;
        var input = c.Input;
        var d = Of(layer).Shape;
        if (TensorShape.FromDimensions(d) is not { } target) return LayerInference.Fail;
        if (target.Size == input.Size) return new LayerInference(true, target);
        int[] suggested = d.Count == 3 && input.Size % ((long)d[1] * d[2]) == 0
            ? [(int)(input.Size / ((long)d[1] * d[2])), d[1], d[2]]
            : d.Count == 2 && input.Size % d[1] == 0 ? [(int)(input.Size / d[1]), d[1]]
            : [(int)input.Size];
        string fix = "[" + string.Join(", ", suggested) + "]";
        c.Report(DiagnosticDescriptors.InvalidLayerSetting, layer.At("shape"), layer.Name, "the shape " + target,
            $"{target.Size} values", $"{input.Size} values, the size of its {input} input, e.g. {fix}");
        var reshaped = layer with { Settings = Of(layer) with { Shape = suggested.ToEquatableArray() } };
        c.SuggestFix(FixCheck.WithLayer(c.Model, c.Index, reshaped), FixProperties.Shape, string.Join(",", suggested));
        return LayerInference.Fail;
    }

    public override bool CanAlias => true;

    public override void EmitForward(LayerEmitContext c) => ShapeOnly.Forward(c);

    public override void EmitBackward(LayerEmitContext c) => ShapeOnly.Backward(c);
}
