using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Analysis;

/// <summary>The parsed model with every layer's input and output size inferred, plus all diagnostics so far.</summary>
internal sealed record AnalyzedModel(ModelSpec? Model, EquatableArray<int> InputSizes, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Pure shape inference: walks the layers in order, computing each one's input size from the
/// previous output, and checks the output layer against the loss. No Roslyn types involved.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Largest parameter arena or per-sample workspace, in floats: what one .NET array can hold with room to align.</summary>
    public const long MaxArenaLength = 0x7FFFFFC7L - 64;

    public static AnalyzedModel Run(ParseResult parsed)
    {
        var diagnostics = parsed.Diagnostics.ToList();
        var model = parsed.Model;
        if (model is null)
            return new(null, EquatableArray<int>.Empty, diagnostics.ToEquatableArray());

        var inputSizes = new List<int>();
        var input = model.Input;
        bool inputValid = input is not null && input.Shape.Count is 1 or 3 && input.Shape.All(d => d > 0);
        long features = inputValid ? input!.Shape.Aggregate(1L, (a, d) => a * d) : 0;
        bool spatial = inputValid && input!.Shape.Count == 3;
        long parameters = 0, workspace = 0;
        bool sizesKnown = inputValid && features <= MaxArenaLength;

        foreach (var layer in model.Layers)
        {
            if (spatial)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsFeatures, layer.UnitsLocation, layer.Name, "[" + string.Join(", ", input!.Shape) + "]"));
                spatial = false;
                sizesKnown = false;
            }
            inputSizes.Add(sizesKnown ? (int)features : 0);
            if (layer.Units <= 0)
            {
                sizesKnown = false;
                continue;
            }
            if (sizesKnown)
            {
                parameters += features * layer.Units + (layer.Bias ? layer.Units : 0) + 16;
                workspace += 3L * (layer.Units + 16);
                if (parameters > MaxArenaLength || workspace > MaxArenaLength)
                {
                    bool p = parameters > MaxArenaLength;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, layer.UnitsLocation, layer.Name,
                        p ? parameters : workspace, p ? "parameters" : "workspace floats per sample", MaxArenaLength));
                    sizesKnown = false;
                }
            }
            features = layer.Units;
        }

        var seen = new Dictionary<string, string>();
        foreach (var layer in model.Layers)
        {
            string key = ModelPlanner.TensorPrefix(layer.Name);
            if (seen.TryGetValue(key, out var other))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.NameLocation, other, layer.Name, key));
            else
                seen[key] = layer.Name;
        }

        if (model.Layers.Count > 0)
        {
            var output = model.Layers[model.Layers.Count - 1];
            switch (model.Loss)
            {
                case LossKind.SoftmaxCrossEntropy:
                    if (output.Activation == ActivationKind.Softmax)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSoftmax, output.ActivationLocation, output.Name));
                    if (output.Units == 1)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxCrossEntropyUnits, output.UnitsLocation, output.Name, output.Units));
                    break;
                case LossKind.BinaryCrossEntropy:
                    if (output.Activation == ActivationKind.Sigmoid)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSigmoid, output.ActivationLocation, output.Name));
                    if (output.Units > 1)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossEntropyUnits, output.UnitsLocation, output.Name, output.Units));
                    break;
            }
        }

        return new(model, inputSizes.ToEquatableArray(), diagnostics.ToEquatableArray());
    }
}
