using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Layers;
using Axon.Generators.Model;

namespace Axon.Generators.Analysis;

/// <summary>
/// The fixes of AXN0140 (a sequence where features or an image are expected, or the reverse), each tried on the model
/// and kept only when <see cref="FixCheck"/> finds that it removes the diagnostic and brings no new error:
/// <list type="bullet">
/// <item>the twin kind (<see cref="LayerKind.Twin"/>): Conv2D → Conv1D, MaxPool2D → MaxPool1D, AvgPool2D → AvgPool1D,
/// GlobalAveragePool ↔ GlobalAveragePool1D, BatchNorm → LayerNorm;</item>
/// <item>for a sequence where one vector per sample is needed, a Flatten or a GlobalAveragePool1D inserted right before
/// the layer (or before the output layer, when the loss reported it);</item>
/// <item>for such a sequence that comes from an Lstm or Gru with <c>ReturnSequences = true</c> (straight, or through
/// layers that work step by step), that layer returning its last step instead.</item>
/// </list>
/// Nothing is offered for features or an image where a sequence is needed: the steps and features per step are a
/// choice only the author can make. Runs only when fixes are wanted (never inside a fix's own check) and only for a
/// model that has this error, so a model without it costs nothing.
/// </summary>
internal static class SequenceFixes
{
    /// <summary>The kinds tried before the layer, in the order the fixes are offered (<see cref="LayerKind.SummarisesSequence"/>).</summary>
    private static readonly LayerKind[] Insertable = LayerKinds.All.Where(k => k.SummarisesSequence).ToArray();

    /// <summary>
    /// <paramref name="diagnostic"/> with the properties of every fix that checks out (see <see cref="FixProperties"/>),
    /// or unchanged when none does.
    /// </summary>
    /// <param name="layer">The layer that reported it; for the loss, the output layer.</param>
    /// <param name="operand">Which operand of <paramref name="layer"/> was wrong; -1 when the loss reported the output layer's shape.</param>
    /// <param name="received">The shape the diagnostic names.</param>
    /// <param name="sources">Per layer, the layers it reads (-1: the model input).</param>
    /// <param name="shapes">Per layer, its inferred input and output shapes.</param>
    public static DiagnosticInfo Attach(ModelSpec model, DiagnosticInfo diagnostic, int layer, int operand, TensorShape received,
        IReadOnlyList<int[]> sources, IReadOnlyList<LayerShapes> shapes)
    {
        if (layer < 0 || layer >= model.Layers.Count || layer >= sources.Count) return diagnostic;
        bool output = operand < 0;
        if (!output && operand >= sources[layer].Length) return diagnostic;
        var target = model.Layers[layer];
        var properties = new List<string>();

        if (!output && target.Kind.Twin(target.Settings) is { } twin
            && Removes(model, FixCheck.WithLayer(model, layer, target with { Kind = twin.Kind, Settings = twin.Settings }), diagnostic))
            properties.AddRange([FixProperties.Twin, twin.Kind.Name]);

        if (received.IsSequence)
        {
            // A new member reads the one declared before it, so it only helps a layer that does too.
            if (target.Inputs.IsEmpty && !target.Kind.IsInputMember)
            {
                var kinds = Insertable.Where(kind => Removes(model, Inserted(model, layer, kind), diagnostic)).Select(kind => kind.Name).ToList();
                if (kinds.Count > 0) properties.AddRange([FixProperties.Insert, string.Join(",", kinds)]);
            }

            if (Recurrent(model, output ? layer : sources[layer][operand], sources, shapes) is { } rnn
                && model.Layers[rnn].Settings is RecurrentSettings settings
                && Removes(model, FixCheck.WithLayer(model, rnn, model.Layers[rnn] with { Settings = settings with { ReturnSequences = false } }), diagnostic))
                properties.AddRange([FixProperties.LastStep, model.Layers[rnn].Name]);
        }

        if (properties.Count == 0) return diagnostic;
        return diagnostic.WithProperties([FixProperties.Member, target.Name, FixProperties.Received, received.ToString(), .. properties]);
    }

    private static bool Removes(ModelSpec model, ModelSpec changed, DiagnosticInfo diagnostic) =>
        FixCheck.Analyze(model, changed) is { } after && !FixCheck.Reports(after, diagnostic);

    /// <summary>
    /// <paramref name="model"/> with a <paramref name="kind"/> layer (no settings, no inputs: it reads the member before it)
    /// declared right before layer <paramref name="index"/>, named like the fix names it: the kind's name, then with 2, 3, …
    /// until no layer and not the class uses it in any casing.
    /// </summary>
    private static ModelSpec Inserted(ModelSpec model, int index, LayerKind kind)
    {
        var used = new HashSet<string>(model.Layers.Select(l => l.Name), StringComparer.OrdinalIgnoreCase) { model.Type.Name };
        string name = kind.Name;
        for (int i = 2; used.Contains(name); i++) name = kind.Name + i;
        var inserted = new LayerSpec(name, model.Layers[index].Modifiers, true, kind, NoSettings.Instance, null);
        return model with { Layers = model.Layers.Take(index).Append(inserted).Concat(model.Layers.Skip(index)).ToEquatableArray() };
    }

    /// <summary>
    /// The Lstm or Gru with <c>ReturnSequences = true</c> whose sequence reaches layer <paramref name="start"/>'s output:
    /// <paramref name="start"/> itself, or the first recurrent layer met going back through layers of one source that
    /// read a sequence (Dense per step, Dropout, LayerNorm, Conv1D, …); null at anything else.
    /// </summary>
    private static int? Recurrent(ModelSpec model, int start, IReadOnlyList<int[]> sources, IReadOnlyList<LayerShapes> shapes)
    {
        for (int j = start, hops = 0; j >= 0 && j < model.Layers.Count && j < sources.Count && hops <= model.Layers.Count; hops++)
        {
            var layer = model.Layers[j];
            if (layer.Settings is RecurrentSettings recurrent) return recurrent.ReturnSequences ? j : null;
            if (layer.Kind.IsInputMember || sources[j].Length != 1 || j >= shapes.Count || !shapes[j].Input.IsSequence) return null;
            j = sources[j][0];
        }
        return null;
    }
}
