using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Layers;

/// <summary>An input member's declared shape, valid range and whether it holds integer ids.</summary>
internal sealed record InputSettings(EquatableArray<int> Shape, float Min, float Max, bool Ids) : LayerSettings
{
    /// <summary>Never perturbed by attacks and noise.</summary>
    public bool Immutable { get; init; }

    /// <summary>Perturbed values stay integers.</summary>
    public bool Integer { get; init; }

    /// <summary>The runtime's <c>InputFeatureKind</c> member name.</summary>
    public string FeatureKind => Ids ? "Ids" : Immutable ? "Immutable" : Integer ? "Integer" : "Continuous";

    /// <summary>The declared shape, or null when it is not <c>[features]</c>, <c>[T, F]</c> or <c>[C, H, W]</c> with positive sizes.</summary>
    public TensorShape? Declared => TensorShape.FromDimensions(Shape);
}

/// <summary>
/// <c>[Input(shape)]</c> on a property: one of several inputs. The model's input row is the members' values end
/// to end; each member reads its columns.
/// </summary>
internal sealed class Input : LayerKind<InputSettings>
{
    public override string Name => "Input";

    public override bool BackwardIsRepeatable => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        var spec = ModelParser.ParseInput(c.Reader, c.Diagnostics, member: true);
        return new InputSettings(spec.Shape, spec.Min, spec.Max, c.Reader.Named("Ids", false)) { Immutable = spec.Immutable, Integer = spec.Integer };
    }

    public override bool IsInputMember => true;

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var declared = Of(c.Layer).Declared;
        var shape = declared ?? default;
        bool valid = declared is not null;
        if (valid && shape.Size > Analysis.ShapeInference.MaxArenaLength)
        {
            c.Report(DiagnosticDescriptors.InvalidInputShape, c.Layer.AttributeLocation, shape.ToString(),
                $"it has {shape.Size} values per sample, more than the {Analysis.ShapeInference.MaxArenaLength} an arena holds");
            valid = false;
        }
        return new LayerInference(valid, shape);
    }

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.Merge.Take(x, {c.Out}, n, {c.Layer.OutFeatures}, InputSize, {c.Layer.RowOffset}, accumulate: false);");

    /// <summary>Each member adds its own columns into the cleared input gradient; no scratch part to add.</summary>
    public override bool AccumulatesItself => true;

    public override void EmitBackward(LayerEmitContext c)
    {
        // Ids have no gradient; their columns stay as cleared.
        if (!Of(c.Layer).Ids)
            c.W.Line($"if (wantInput) global::Axon.Kernels.Merge.Place({c.Grad}, inputGradient, n, {c.Layer.OutFeatures}, InputSize, {c.Layer.RowOffset}, accumulate: true);");
    }
}
