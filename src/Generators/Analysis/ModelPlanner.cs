using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Layers;
using Axon.Generators.Model;

namespace Axon.Generators.Analysis;

/// <summary>
/// Lays out the arenas (the buffer planner) and decides what each layer keeps for backward (the
/// fusion planner): a pre-activation buffer only where the activation's derivative needs it.
/// Drops every source position, so the plan changes only when the network does.
/// </summary>
internal static class ModelPlanner
{
    public static ModelPlan? Plan(AnalyzedModel analyzed)
    {
        var model = analyzed.Model;
        if (model is null) return null;

        var errorIds = analyzed.Diagnostics.Select(d => d.Id)
            .Where(Diagnostics.DiagnosticDescriptors.IsError).ToList();
        bool hasErrors = errorIds.Count > 0 || model.ReservedConflicts.Count > 0;
        string errors = string.Join(", ", errorIds.Distinct().OrderBy(id => id));
        if (errors.Length == 0) errors = "errors reported by the C# compiler";
        var input = model.Input;
        var members = model.Layers.Where(l => l.Kind.IsInputMember).Select(l => (InputSettings)l.Settings).ToList();
        int inputSize = hasErrors ? 0
            : input is not null ? input.Shape.Aggregate(1, (a, d) => a * d)
            : members.Sum(m => m.Shape.Aggregate(1, (a, d) => a * d));
        var inputShape = input?.Shape ?? (hasErrors ? EquatableArray<int>.Empty : new[] { inputSize }.ToEquatableArray());
        // The range attacks clip to: with several inputs, the loosest bounds over them.
        float inputMin = input?.Min ?? (members.Count == 0 ? float.NegativeInfinity : members.Min(m => m.Min));
        float inputMax = input?.Max ?? (members.Count == 0 ? float.PositiveInfinity : members.Max(m => m.Max));
        int rowOffset = 0;
        var layers = new List<LayerPlan>();
        int parameterOffset = 0, workspace = 0, fixedLength = 0;
        long parameterCount = 0;
        int count = model.Layers.Count;
        var sources = hasErrors || analyzed.Sources.Count != count
            ? Enumerable.Range(0, count).Select(i => new[] { i - 1 }.ToEquatableArray()).ToList()
            : analyzed.Sources.ToList();
        var readers = new int[count + 1];   // readers[j + 1]: how many edges read layer j (index 0: the input)
        foreach (var list in sources)
            foreach (int j in list) readers[j + 1]++;
        for (int i = 0; i < count; i++)
        {
            var layer = model.Layers[i];
            var shapes = hasErrors ? default : analyzed.Shapes[i];
            var inShape = shapes.Input;
            var outShape = shapes.Output;
            int inSize = (int)inShape.Size, outSize = (int)outShape.Size;
            var settings = shapes.Resolved ?? layer.Settings;
            int offsetInRow = -1;
            if (layer.Kind.IsInputMember)
            {
                offsetInRow = rowOffset;
                rowOffset += outSize;
            }

            bool aliases = ArenaLayout.Aliases(layer.Kind, i, count, sources[i][0], readers);
            var layout = ArenaLayout.Of(layer.Kind, settings, inShape, outShape, aliases);
            int weightCount = (int)layout.WeightCount, biasCount = (int)layout.BiasCount;
            var slots = layout.Slots.Select(s => new LayerSlot(s.Request.Name, s.Request.Region, (int)s.Offset + s.Request.Region switch
            {
                SlotRegion.Parameters => parameterOffset,
                SlotRegion.Workspace => workspace,
                _ => fixedLength,
            }, (int)s.Request.Length)).ToEquatableArray();
            int At(long relative) => relative < 0 ? -1 : workspace + (int)relative;

            layers.Add(new LayerPlan(layer.Name, layer.Modifiers, layer.CanImplement, layer.Kind, settings, TensorPrefix(layer.Name),
                inSize, outSize, parameterOffset, weightCount, biasCount, At(layout.Output), At(layout.PreActivation), At(layout.Gradient))
            {
                TypeName = layer.TypeName,
                Accessors = layer.Accessors,
                IsPartial = layer.IsPartial,
                InputShape = inShape,
                OutputShape = outShape,
                Aliases = aliases,
                Slots = slots,
                Sources = sources[i],
                RowOffset = offsetInRow,
            });
            parameterCount += weightCount + biasCount;
            parameterOffset += (int)layout.ParameterFloats;
            workspace += (int)layout.WorkspaceFloats;
            fixedLength += (int)layout.FixedFloats;
        }

        // Low-rank adapters: A and B after every layer's parameters, u and v per sample, one scratch.
        int loraScratch = -1;
        if (!hasErrors && model.Lora is { Rank: > 0 } lora)
        {
            var targets = new HashSet<string>(lora.Targets.Select(t => t.Name));
            int widest = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                var l = layers[i];
                if (!targets.Contains(l.Name)) continue;
                int r = lora.Rank;
                layers[i] = l with
                {
                    LoraRank = r,
                    LoraScale = (lora.Alpha > 0 ? lora.Alpha : r) / r,
                    LoraOffset = parameterOffset,
                    LoraU = workspace,
                    LoraV = workspace + RoundUp(r),
                };
                workspace += 2 * RoundUp(r);
                parameterOffset = RoundUp(parameterOffset + r * (l.InFeatures + l.OutFeatures));
                parameterCount += r * (l.InFeatures + l.OutFeatures);
                widest = System.Math.Max(widest, System.Math.Max(l.InFeatures, l.OutFeatures));
            }
            loraScratch = workspace;
            workspace += RoundUp(widest);
        }

        // Scratch for the weight-gradient product split across threads: batch × widest dense layer.
        int scratch = workspace;
        var dense = layers.Where(l => l.Kind.UsesWeightGradientScratch).ToList();
        workspace += RoundUp(dense.Count == 0 ? 0 : dense.Max(l => l.OutFeatures));
        // Where a layer (or the input) is read more than once, its gradient is a sum: readers after
        // the first write their part here and add it in. Sized for the widest input.
        int gradientScratch = -1;
        if (readers.Any(r => r > 1))
        {
            gradientScratch = workspace;
            workspace += RoundUp(System.Math.Max(inputSize, layers.Max(l => l.OutFeatures)));
        }

        return new ModelPlan(model.Type, !hasErrors, errors, !model.ReservedConflicts.Any(n => n.Length > 0),
            inputShape, inputSize, hasErrors || layers.Count == 0 ? 0 : layers[layers.Count - 1].OutFeatures,
            inputMin, inputMax,
            model.Loss, model.Seed, model.MaxBatchSize > 0 ? model.MaxBatchSize : 1, model.Optimizer,
            hasErrors ? 0 : parameterCount, hasErrors ? 0 : parameterOffset, hasErrors ? 0 : workspace, layers.ToEquatableArray())
        {
            ScratchBuffer = scratch,
            GradientScratchBuffer = gradientScratch,
            LoraScratchBuffer = loraScratch,
            FixedLength = hasErrors ? 0 : fixedLength,
            HasTrainingMode = layers.Any(l => l.Kind.HasTrainingMode),
            TransferSource = model.Transfer?.SourceType ?? "",
            TransferSourceName = model.Transfer?.SourceName ?? "",
            Transfers = analyzed.Transfers,
            Adversarial = model.Adversarial,
            InputInteger = input?.Integer ?? false,
            HasAdapters = model.Lora is not null,
        };
    }

    private static int RoundUp(int n) => (int)ArenaLayout.RoundUp(n);

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
