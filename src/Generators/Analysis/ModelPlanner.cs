using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Analysis;

/// <summary>
/// Lays out the arenas (the buffer planner) and decides what each layer keeps for backward (the
/// fusion planner): a pre-activation buffer only where the activation's derivative needs it.
/// Drops every source position, so the plan changes only when the network does.
/// </summary>
internal static class ModelPlanner
{
    private const int Align = 16;   // floats: 64 bytes, one cache line

    public static ModelPlan? Plan(AnalyzedModel analyzed)
    {
        var model = analyzed.Model;
        if (model is null) return null;

        bool hasErrors = !analyzed.Diagnostics.IsEmpty || model.ReservedConflicts.Count > 0;
        string errors = string.Join(", ", analyzed.Diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id));
        if (errors.Length == 0) errors = "errors reported by the C# compiler";
        var input = model.Input;
        int inputSize = !hasErrors && input is not null ? input.Shape.Aggregate(1, (a, d) => a * d) : 0;

        var layers = new List<LayerPlan>();
        int parameterOffset = 0, workspace = 0;
        long parameterCount = 0;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            int inFeatures = hasErrors ? 0 : analyzed.InputSizes[i];
            int outFeatures = hasErrors ? 0 : layer.Units;
            int weightCount = inFeatures * outFeatures, biasCount = layer.Bias ? outFeatures : 0;
            bool needsZ = layer.Activation == ActivationKind.Gelu;
            int width = RoundUp(outFeatures);
            int output = workspace; workspace += width;
            int pre = -1;
            if (needsZ) { pre = workspace; workspace += width; }
            int grad = workspace; workspace += width;
            layers.Add(new LayerPlan(layer.Name, layer.Modifiers, layer.CanImplement, layer.Kind, TensorPrefix(layer.Name),
                inFeatures, outFeatures, layer.Activation, layer.NegativeSlope, layer.Init, layer.Bias,
                parameterOffset, weightCount, biasCount, output, pre, grad)
            {
                TypeName = layer.TypeName,
                Accessors = layer.Accessors,
                IsPartial = layer.IsPartial,
            });
            parameterCount += weightCount + biasCount;
            parameterOffset = RoundUp(parameterOffset + weightCount + biasCount);
        }

        // Scratch for the weight-gradient product split across threads: batch × widest layer.
        int scratch = workspace;
        workspace += RoundUp(layers.Count == 0 ? 0 : layers.Max(l => l.OutFeatures));

        return new ModelPlan(model.Type, !hasErrors, errors, !model.ReservedConflicts.Any(n => n.Length > 0),
            input?.Shape ?? EquatableArray<int>.Empty, inputSize, hasErrors || layers.Count == 0 ? 0 : layers[layers.Count - 1].OutFeatures,
            input?.Min ?? float.NegativeInfinity, input?.Max ?? float.PositiveInfinity,
            model.Loss, model.Seed, model.MaxBatchSize > 0 ? model.MaxBatchSize : 1, model.Optimizer,
            hasErrors ? 0 : parameterCount, hasErrors ? 0 : parameterOffset, hasErrors ? 0 : workspace, layers.ToEquatableArray())
        {
            ScratchBuffer = scratch,
        };
    }

    private static int RoundUp(int n) => (n + Align - 1) / Align * Align;

    /// <summary><c>HiddenLayer2</c> → <c>hidden_layer2</c>: PyTorch's attribute naming, so keys read naturally on both sides.</summary>
    internal static string TensorPrefix(string name)
    {
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (boundary && chars.Length > 0 && chars[chars.Length - 1] != '_') chars.Append('_');
                chars.Append(char.ToLowerInvariant(c));
            }
            else chars.Append(c);
        }
        return chars.ToString();
    }
}
