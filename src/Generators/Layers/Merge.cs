using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// What the merge kinds share (Add, Multiply, Concat, Dot): operands named in the attribute, a rule on their
/// shapes, and, when one operand does not fit, a fix that resizes the layer producing it.
/// </summary>
internal abstract class Merge : LayerKind<NoSettings>
{
    /// <summary>The rule, as the diagnostic states it.</summary>
    protected virtual string Rule => Name + " needs operands of one shape";

    /// <summary>Whether <paramref name="operand"/> fits beside the first operand.</summary>
    protected virtual bool Fits(TensorShape operand, TensorShape first) => operand == first;

    /// <summary>The output shape of operands that fit; null when it is too large.</summary>
    protected virtual TensorShape? Output(System.Collections.Generic.IReadOnlyList<TensorShape> operands) => operands[0];

    /// <summary>Reads an operand list (<c>params string[] inputs</c>) of at least two, or exactly two.</summary>
    protected static LayerSettings ParseOperands(LayerParseContext c, bool exactlyTwo)
    {
        var names = c.Reader.PositionalArray(0);
        for (int i = 0; i < names.Length; i++)
            c.Inputs.Add(new InputRef(names[i].Value as string ?? "", c.Reader.PositionalLocation(i, "inputs")));
        if (exactlyTwo ? names.Length != 2 : names.Length < 2)
            c.Invalid(c.Reader.NameLocation, "the number of operands", LayerParseContext.Int(names.Length), exactlyTwo ? "exactly two" : "two or more");
        return NoSettings.Instance;
    }

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var layer = c.Layer;
        var operands = c.Operands;
        var first = operands[0];
        for (int k = 0; k < operands.Count; k++)
        {
            if (Fits(operands[k], first)) continue;
            int other = k == 0 ? 1 : 0;
            c.Report(DiagnosticDescriptors.OperandShapeMismatch, layer.Inputs[k].Location, layer.Name, Name,
                layer.Inputs[k].Name, operands[k].ToString(), layer.Inputs[other].Name, operands[other].ToString(), Rule);
            if (c.SuggestsFixes && operands.Count > 1 && ResizeProducer(c, c.Sources[k], operands[other], layer.Inputs[other].Name) is { } fix)
                c.SuggestFix(fix.Changed, fix.Properties);
            return LayerInference.Fail;
        }
        return Output(operands) is { } output ? new LayerInference(true, output) : LayerInference.Fail;
    }

    /// <summary>
    /// The change that makes a merge operand fit: the operand comes from layer <paramref name="producer"/>, whose
    /// kind may know the size (Dense units, Conv2D filters, Embedding dimension) that makes it match <paramref name="other"/>.
    /// </summary>
    private static (ModelSpec Changed, string[] Properties)? ResizeProducer(LayerInferenceContext c, int producer, TensorShape other, string otherName)
    {
        if (producer < 0 || producer >= c.Shapes.Count) return null;
        var layer = c.Model.Layers[producer];
        if (layer.Kind.SizeParameter is not { } parameter || layer.Kind.SizeToFit(c.Shapes[producer], other, otherName) is not { } fit) return null;
        if (fit.Size <= 0 || fit.Size == layer.Settings.Size) return null;
        return (FixCheck.WithLayer(c.Model, producer, layer with { Settings = layer.Kind.WithSize(layer.Settings, fit.Size) }),
            [FixProperties.Member, layer.Name, FixProperties.Parameter, parameter,
             FixProperties.Value, fit.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), FixProperties.Reason, fit.Reason]);
    }

    public override bool AccumulatesItself => true;
}
