using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Analysis;

/// <summary>The parsed model with every layer's input and output shape inferred, plus all diagnostics so far.</summary>
/// <param name="Shapes">Per layer, its input and output shape; default shapes after the first error that hides them.</param>
internal sealed record AnalyzedModel(ModelSpec? Model, EquatableArray<LayerShapes> Shapes, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The layers <c>CopyFrom</c> copies, after the transfer check.</summary>
    public EquatableArray<TransferCopy> Transfers { get; init; } = EquatableArray<TransferCopy>.Empty;

    /// <summary>Per layer, the indices of the layers it reads (-1: the model input).</summary>
    public EquatableArray<EquatableArray<int>> Sources { get; init; } = EquatableArray<EquatableArray<int>>.Empty;
}

/// <summary>A layer's input and output shapes and, where the shapes settle some (a window's padding), its resolved settings.</summary>
/// <param name="Resolved">The settings with what the shapes decided, or null when they are the declared ones.</param>
internal readonly record struct LayerShapes(TensorShape Input, TensorShape Output, Layers.LayerSettings? Resolved = null);

/// <summary>
/// Pure shape inference: walks the layers in order, computing each one's input shape from the
/// previous output (<c>[features]</c>, <c>[T, F]</c> or <c>[C, H, W]</c>), checks each layer against the shape it
/// receives, and checks the output layer against the loss. No Roslyn types involved.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Largest parameter arena or per-sample workspace, in floats: what one .NET array can hold with room to align.</summary>
    public const long MaxArenaLength = 0x7FFFFFC7L - 64;

    /// <summary>The most elements one .NET array holds (<c>Array.MaxLength</c>).</summary>
    public const long MaxArrayLength = 0x7FFFFFC7L;

    public static AnalyzedModel Run(ParseResult parsed) => Run(parsed, suggestFixes: true);

    /// <param name="parsed">The parsed model.</param>
    /// <param name="suggestFixes">
    /// Whether to attach fix properties (<see cref="FixProperties"/>) to the diagnostics whose correct size is
    /// known, each checked by <see cref="FixCheck"/>; false inside that check.
    /// </param>
    internal static AnalyzedModel Run(ParseResult parsed, bool suggestFixes)
    {
        var diagnostics = parsed.Diagnostics.ToList();
        var model = parsed.Model;
        if (model is null)
            return new(null, EquatableArray<LayerShapes>.Empty, diagnostics.ToEquatableArray());

        var shapes = new List<LayerShapes>();
        var input = model.Input;
        var declaredInput = input is null ? null : TensorShape.FromDimensions(input.Shape);
        bool known = declaredInput is not null;
        var shape = declaredInput ?? default;
        if (known && shape.Size > MaxArenaLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, input!.Location, shape.ToString(),
                $"it has {shape.Size} values per sample, more than the {MaxArenaLength} an arena holds"));
            known = false;
        }
        long parameters = 0, workspace = 0, scratch = 0;
        // With input members, the model's input row is their values end to end.
        var members = model.Layers.Where(l => l.Kind.IsInputMember).ToList();
        if (input is null && members.Count > 0)
        {
            var declared = members.Select(m => (m.Settings as Layers.InputSettings)?.Declared).ToList();
            known = declared.All(d => d is not null);
            long total = known ? declared.Sum(d => d!.Value.Size) : 0;
            if (known && total > MaxArenaLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, members[0].AttributeLocation, $"[{total}]",
                    $"the inputs have {total} values per sample together, more than the {MaxArenaLength} an arena holds"));
                known = false;
            }
            shape = known ? TensorShape.Features((int)total) : default;
        }
        var inputShape = shape;
        bool inputKnown = known;

        // The graph: each layer's sources by index (-1 is the model input). Layers run in declaration
        // order, so a source must come before its reader; that also rules out cycles.
        int count = model.Layers.Count;
        var index = new Dictionary<string, int>();
        for (int i = 0; i < count; i++)
            if (!index.ContainsKey(model.Layers[i].Name)) index[model.Layers[i].Name] = i;
        var sources = new int[count][];
        bool graphValid = true;
        for (int i = 0; i < count; i++)
        {
            var layer = model.Layers[i];
            if (layer.Kind.IsInputMember)
            {
                sources[i] = [-1];   // reads its columns of the model's input row
                continue;
            }
            if (layer.Inputs.IsEmpty)
            {
                sources[i] = [i - 1];
                continue;
            }
            sources[i] = new int[layer.Inputs.Count];
            for (int k = 0; k < layer.Inputs.Count; k++)
            {
                var reference = layer.Inputs[k];
                if (reference.Name == "<input>") { sources[i][k] = -1; continue; }
                if (!index.TryGetValue(reference.Name, out int j))
                {
                    string? suggestion = NameSuggestion.Closest(reference.Name, model.Layers.Take(i).Select(l => l.Name));
                    var unknown = DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerReference, reference.Location, layer.Name, reference.Name, model.Type.Name,
                        suggestion is null ? "" : $"; did you mean '{suggestion}'?");
                    diagnostics.Add(suggestion is null ? unknown : unknown.WithProperties(FixProperties.Suggestion, suggestion));
                    graphValid = false;
                    continue;
                }
                if (j >= i)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ForwardLayerReference, reference.Location, layer.Name, reference.Name,
                        j == i ? "is the layer itself" : "is declared after it"));
                    graphValid = false;
                    continue;
                }
                sources[i][k] = j;
            }
        }

        var outputs = new TensorShape[count];
        var outputKnown = new bool[count];
        var readers = new int[count + 1];   // readers[j + 1]: how many edges read layer j (index 0: the input)
        foreach (var list in sources)
            foreach (int j in list) readers[j + 1]++;
        // Size fixes to check once inference is done: the diagnostic's index, the changed model, the properties.
        var fixes = new List<(int Diagnostic, ModelSpec Changed, string[] Properties)>();
        // AXN0140s to try fixes for once inference is done: the diagnostic's index, the layer, the operand (-1: the loss), the shape received.
        var sequenceFixes = new List<(int Diagnostic, int Layer, int Operand, TensorShape Received)>();
        for (int i = 0; i < count; i++)
        {
            var layer = model.Layers[i];
            var kind = layer.Kind;
            var operands = new List<TensorShape>();
            known = graphValid || kind.IsInputMember;
            if (!kind.IsInputMember)
                foreach (int j in sources[i])
                {
                    if (!known) break;
                    if (j < 0) { known &= inputKnown; operands.Add(inputShape); }
                    else { known &= outputKnown[j]; operands.Add(outputs[j]); }
                }
            if (!known)
            {
                shapes.Add(default);
                continue;
            }
            int reported = diagnostics.Count;
            var result = kind.Infer(new Layers.LayerInferenceContext(model, i, sources[i], operands, shapes, diagnostics, fixes, suggestFixes));
            if (suggestFixes)
                for (int d = reported; d < diagnostics.Count; d++)
                    if (diagnostics[d].Id == DiagnosticDescriptors.SequenceShapeMismatch.Id)
                    {
                        // A merge reports on the operand it rejects; every other layer on itself, about its input.
                        int operand = 0;
                        for (int k = 0; k < layer.Inputs.Count && k < operands.Count; k++)
                            if (layer.Inputs[k].Location is { } at && Equals(at, diagnostics[d].Location)) operand = k;
                        if (operand < operands.Count) sequenceFixes.Add((d, i, operand, operands[operand]));
                    }
            // An input member's input is what it declares; every other layer's is its first operand.
            var inShape = kind.IsInputMember ? result.Output : operands[0];
            bool ok = result.Ok;
            if (ok)
            {
                var settings = result.Resolved ?? layer.Settings;
                var layout = ArenaLayout.Of(kind, settings, inShape, result.Output, graphValid && ArenaLayout.Aliases(kind, i, count, sources[i][0], readers));
                parameters += layout.ParameterFloats;
                workspace += layout.WorkspaceFloats;
                scratch = System.Math.Max(scratch, kind.SharedScratch(settings, inShape, result.Output));
                if (parameters > MaxArenaLength || workspace > MaxArenaLength || scratch > MaxArenaLength || result.Output.Size > MaxArenaLength)
                {
                    bool p = parameters > MaxArenaLength;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, layer.ShapeLocation, layer.Name,
                        p ? parameters : System.Math.Max(workspace, scratch), p ? "parameters" : "workspace floats per sample", MaxArenaLength));
                    ok = false;
                }
            }
            shapes.Add(new LayerShapes(inShape, ok ? result.Output : default, result.Resolved));
            outputs[i] = result.Output;
            outputKnown[i] = ok;
        }
        known = count > 0 && outputKnown[count - 1];
        shape = count > 0 ? outputs[count - 1] : default;

        // The constructor allocates WorkspacePerSample · MaxBatchSize floats in one array. The layers' part is known
        // here; the planner adds a few scratch rows, so this is a lower bound: a batch it lets through can still fail
        // at run time (with the largest batch that fits in the message), but a declaration that cannot work is an error
        // while typing rather than an exception in the constructor.
        if (outputKnown.All(k => k) && workspace > 0 && model.MaxBatchSize > 0 && workspace * model.MaxBatchSize > MaxArrayLength)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MaxBatchSizeTooLarge, model.MaxBatchSizeLocation ?? model.LossLocation,   // the default batch: on the [Model] attribute
                model.MaxBatchSize, workspace, MaxArrayLength, MaxArrayLength / workspace));

        if (graphValid && count > 0)
        {
            var read = new bool[count];
            // Every layer reaches the input: the first can read nothing else, and the rest read earlier layers.
            for (int i = 0; i < count; i++)
                foreach (int j in sources[i])
                    if (j >= 0) read[j] = true;
            // Which layers the output depends on: walk the sources back from the last member.
            var live = new bool[count];
            live[count - 1] = true;
            for (int i = count - 1; i >= 0; i--)
                if (live[i])
                    foreach (int j in sources[i])
                        if (j >= 0) live[j] = true;
            var last = model.Layers[count - 1];
            for (int i = 0; i < count - 1; i++)
            {
                var layer = model.Layers[i];
                if (layer.Kind.IsInputMember)
                {
                    // An input member is not a computation; say what matters: its data is ignored.
                    if (!live[i])
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputReachesNoOutput, layer.NameLocation, layer.Name, last.Name,
                            read[i] ? "every layer that reads it leads to an output that is never used" : "no layer reads it"));
                }
                else if (!read[i])
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedLayerOutput, layer.NameLocation, layer.Name));
            }
        }

        if (model.Lora is { } lora)
        {
            if (lora.Rank <= 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSetting, lora.RankLocation, "LoRA", "Rank", lora.Rank, "a positive rank"));
            if (lora.Alpha < 0 || float.IsNaN(lora.Alpha) || float.IsInfinity(lora.Alpha))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSetting, lora.AlphaLocation, "LoRA", "Alpha",
                    lora.Alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "a positive, finite scale"));
            if (lora.Targets.IsEmpty)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, lora.RankLocation, "(none)", "is missing: name at least one layer"));
            var targeted = new HashSet<string>();
            foreach (var target in lora.Targets)
            {
                int i = model.Layers.Select((l, k) => (l, k)).FirstOrDefault(p => p.l.Name == target.Name).k;
                bool found = model.Layers.Any(l => l.Name == target.Name);
                if (!found)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, target.Location, target.Name, $"is not a layer of '{model.Type.Name}'"));
                else if (!model.Layers[i].Kind.SupportsLora)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, target.Location, target.Name, $"is a {model.Layers[i].Kind.Name} layer"));
                else if (i < shapes.Count && shapes[i].Input.IsSequence)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, target.Location, target.Name,
                        $"is a Dense layer applied per step to the sequence {shapes[i].Input}"));
                else if (!targeted.Add(target.Name))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, target.Location, target.Name, "is listed twice"));
                else if (lora.Rank > 0 && i < shapes.Count && shapes[i].Output.Size > 0
                    && lora.Rank > System.Math.Min(shapes[i].Input.Size, shapes[i].Output.Size))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSetting, lora.RankLocation, target.Name, "the LoRA rank", lora.Rank,
                        $"at most {System.Math.Min(shapes[i].Input.Size, shapes[i].Output.Size)}, the smaller of its {shapes[i].Input} input and {shapes[i].Output} output (a larger rank is no longer low-rank)"));
            }
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
            // The output size is the last layer's when inference got that far, else the declared units.
            long outputSize = known ? shape.Size : output.Settings.Size;
            var activation = output.Settings.Activation?.Kind ?? ActivationKind.Identity;
            switch (model.Loss)
            {
                case LossKind.SoftmaxCrossEntropy:
                    // One softmax over T·classes values would not be a per-step classification.
                    if (known && shape.IsSequence)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceShapeMismatch, output.ShapeLocation, "Loss.SoftmaxCrossEntropy",
                            "one vector of class scores per sample, [classes]", $"output layer '{output.Name}'", shape.ToString(), Layers.SequenceShapes.ToFeatures));
                        if (suggestFixes) sequenceFixes.Add((diagnostics.Count - 1, model.Layers.Count - 1, -1, shape));
                    }
                    if (activation == ActivationKind.Softmax)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSoftmax, output.At("activation"), output.Name));
                    if (outputSize == 1)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxCrossEntropyUnits, output.ShapeLocation, output.Name, outputSize));
                    break;
                case LossKind.BinaryCrossEntropy:
                    if (activation == ActivationKind.Sigmoid)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSigmoid, output.At("activation"), output.Name));
                    if (outputSize > 1)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossEntropyUnits, output.ShapeLocation, output.Name, outputSize));
                    break;
            }
        }

        foreach (var (at, changed, properties) in fixes)
        {
            var diagnostic = diagnostics[at];
            if (FixCheck.Analyze(model, changed) is { } after && !FixCheck.Reports(after, diagnostic))
                diagnostics[at] = diagnostic.WithProperties(properties);
        }
        foreach (var (at, layer, operand, received) in sequenceFixes)
            diagnostics[at] = SequenceFixes.Attach(model, diagnostics[at], layer, operand, received, sources, shapes);

        return new(model, shapes.ToEquatableArray(), diagnostics.ToEquatableArray()) { Sources = sources.Select(a => a.ToEquatableArray()).ToEquatableArray() };
    }

    /// <summary>
    /// Keras's output size along one axis: valid <c>⌊(n − k)/s⌋ + 1</c>; same <c>⌈n/s⌉</c> with total
    /// padding <c>max((out − 1)·s + k − n, 0)</c>, the smaller half before. False when nothing fits.
    /// </summary>
    internal static bool Window(int n, int k, int s, bool same, out int output, out int padBefore)
    {
        padBefore = 0;
        if (same)
        {
            output = (int)((n + (long)s - 1) / s);
            long total = System.Math.Max((output - 1L) * s + k - n, 0);
            padBefore = (int)(total / 2);
            return output > 0;
        }
        output = k > n ? 0 : (n - k) / s + 1;
        return output > 0;
    }
}
