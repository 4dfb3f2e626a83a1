using System.Collections.Immutable;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;

namespace Axon.Generators.Analysis;

/// <summary>One layer <c>CopyFrom</c> copies: this model's layer and the pretrained model's layer index.</summary>
internal sealed record TransferCopy(string Target, int SourceIndex);

/// <summary>
/// Checks a <c>[TransferFrom]</c> against the pretrained model's own analysis: every listed layer
/// must exist in both models with the same kind, shapes and bias. Runs over all analysed models of
/// the compilation, so an edit to the pretrained class re-checks the models that transfer from it.
/// </summary>
internal static class TransferCheck
{
    public static AnalyzedModel Run(AnalyzedModel analyzed, ImmutableArray<AnalyzedModel> all)
    {
        var model = analyzed.Model;
        var transfer = model?.Transfer;
        if (model is null || transfer is null) return analyzed;

        var diagnostics = analyzed.Diagnostics.ToList();
        if (!transfer.SourceIsModel)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TransferSourceNotModel, transfer.TypeLocation,
                transfer.SourceName.Length == 0 ? "the type" : transfer.SourceName));
            return analyzed with { Diagnostics = diagnostics.ToEquatableArray() };
        }
        // A pretrained class that failed to parse (not partial, ...) has its own errors; nothing to check against.
        var source = all.FirstOrDefault(a => a.Model is not null && a.Model.Type.FullName == transfer.SourceName);
        if (source?.Model is null) return analyzed;
        if (transfer.Entries.IsEmpty)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TransferLayerMissing, transfer.TypeLocation,
                model.Type.Name, "(none)", "TransferFrom lists no layers; name the layers to copy, e.g. nameof(Hidden)"));
            return analyzed with { Diagnostics = diagnostics.ToEquatableArray() };
        }

        var copies = new System.Collections.Generic.List<TransferCopy>();
        foreach (var entry in transfer.Entries)
        {
            int target = IndexOf(model, entry.Target), from = IndexOf(source.Model, entry.Source);
            if (target < 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TransferLayerMissing, entry.Location, model.Type.Name, entry.Target, "this model has no such layer"));
                continue;
            }
            if (from < 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TransferLayerMissing, entry.Location, model.Type.Name, entry.Source,
                    $"the pretrained model '{source.Model.Type.Name}' has no such layer"));
                continue;
            }
            var t = model.Layers[target];
            var s = source.Model.Layers[from];
            bool shapesKnown = target < analyzed.Shapes.Count && from < source.Shapes.Count;
            string mine = Describe(t, shapesKnown ? analyzed.Shapes[target] : default);
            string theirs = Describe(s, shapesKnown ? source.Shapes[from] : default);
            if (mine != theirs)
            {
                var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.TransferShapeMismatch, entry.Location, t.Name, mine, s.Name, source.Model.Type.Name, theirs);
                diagnostics.Add(WithSizeFix(diagnostic, model, target, s, source.Model.Type.Name, theirs));
                continue;
            }
            if (!t.Kind.IsInputMember && copies.All(c => c.Target != t.Name))
                copies.Add(new TransferCopy(t.Name, from));
        }
        return analyzed with { Diagnostics = diagnostics.ToEquatableArray(), Transfers = copies.ToEquatableArray() };
    }

    /// <summary>
    /// <paramref name="diagnostic"/> with the properties of the fix "set the size to the pretrained layer's",
    /// when the layers are of one kind and the size (Dense units, Conv2D filters, Embedding dimension) is all
    /// that differs, and the model inferred again with that size has no new error and the layer then matches.
    /// Never for the output layer: its size is the task's (the classes), and a head is left out of the list instead.
    /// </summary>
    private static DiagnosticInfo WithSizeFix(DiagnosticInfo diagnostic, ModelSpec model, int target, LayerSpec pretrained, string pretrainedModel, string theirs)
    {
        var layer = model.Layers[target];
        int size = pretrained.Settings.Size;
        if (target == model.Layers.Count - 1 || layer.Kind != pretrained.Kind || layer.Kind.SizeParameter is not { } parameter
            || size <= 0 || size == layer.Settings.Size)
            return diagnostic;
        var changed = FixCheck.WithLayer(model, target, layer with { Settings = layer.Kind.WithSize(layer.Settings, size) });
        if (FixCheck.Analyze(model, changed) is not { } after || target >= after.Shapes.Count || Describe(changed.Layers[target], after.Shapes[target]) != theirs)
            return diagnostic;
        return diagnostic.WithProperties(FixProperties.Member, layer.Name, FixProperties.Parameter, parameter,
            FixProperties.Value, size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            FixProperties.Reason, $"as '{pretrained.Name}' of '{pretrainedModel}'");
    }

    private static int IndexOf(ModelSpec model, string name)
    {
        for (int i = 0; i < model.Layers.Count; i++)
            if (model.Layers[i].Name == name) return i;
        return -1;
    }

    /// <summary>What must agree for parameters to mean the same thing: kind, shapes in and out, and what the kind adds (window, bias).</summary>
    private static string Describe(LayerSpec layer, LayerShapes shapes)
    {
        return $"{layer.Kind.Name} {shapes.Input} -> {shapes.Output}{layer.Kind.TransferSignature(layer.Settings)}";
    }
}
