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

/// <summary>A layer's input and output shapes and, for windows, the padding that Keras's rules give.</summary>
internal readonly record struct LayerShapes(TensorShape Input, TensorShape Output, int PadTop, int PadLeft);

/// <summary>
/// Pure shape inference: walks the layers in order, computing each one's input shape from the
/// previous output (<c>[features]</c> or <c>[C, H, W]</c>), checks each layer against the shape it
/// receives, and checks the output layer against the loss. No Roslyn types involved.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Largest parameter arena or per-sample workspace, in floats: what one .NET array can hold with room to align.</summary>
    public const long MaxArenaLength = 0x7FFFFFC7L - 64;

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
        bool known = input is not null && input.Shape.Count is 1 or 3 && input.Shape.All(d => d > 0);
        var shape = !known ? default
            : input!.Shape.Count == 1 ? TensorShape.Features(input.Shape[0])
            : new TensorShape(input.Shape[0], input.Shape[1], input.Shape[2], true);
        if (known && shape.Size > MaxArenaLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, input!.Location, shape.ToString(),
                $"it has {shape.Size} values per sample, more than the {MaxArenaLength} an arena holds"));
            known = false;
        }
        long parameters = 0, workspace = 0, scratch = 0;
        // With input members, the model's input row is their values end to end.
        var members = model.Layers.Where(l => l.Kind == "Input").ToList();
        if (input is null && members.Count > 0)
        {
            var declared = members.Select(m => m.Declared).ToList();
            known = declared.All(d => d is not null && d.Shape.Count is 1 or 3 && d.Shape.All(x => x > 0));
            long total = known ? declared.Sum(d => d!.Shape.Aggregate(1L, (a, x) => a * x)) : 0;
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
            if (layer.Kind == "Input")
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
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerReference, reference.Location, layer.Name, reference.Name, model.Type.Name));
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
        // Size fixes to check once inference is done: the diagnostic's index, the changed model, the properties.
        var fixes = new List<(int Diagnostic, ModelSpec Changed, string[] Properties)>();
        for (int i = 0; i < count; i++)
        {
            var layer = model.Layers[i];
            int padTop = 0, padLeft = 0;
            if (layer.Kind == "Input")
            {
                var d = layer.Declared;
                bool valid = d is not null && d.Shape.Count is 1 or 3 && d.Shape.All(x => x > 0);
                var declaredShape = !valid ? default : d!.Shape.Count == 1 ? TensorShape.Features(d.Shape[0]) : new TensorShape(d.Shape[0], d.Shape[1], d.Shape[2], true);
                if (valid && declaredShape.Size > MaxArenaLength)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, layer.AttributeLocation, declaredShape.ToString(),
                        $"it has {declaredShape.Size} values per sample, more than the {MaxArenaLength} an arena holds"));
                    valid = false;
                }
                shapes.Add(new LayerShapes(declaredShape, valid ? declaredShape : default, 0, 0));
                outputs[i] = declaredShape;
                outputKnown[i] = valid;
                workspace += 2L * declaredShape.Size + 32;
                continue;
            }
            known = graphValid;
            var operands = new List<TensorShape>();
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
            var inShape = operands[0];
            bool ok = true;
            TensorShape outShape = inShape;
            long layerParameters = 0, layerWorkspace = 0;
            switch (layer.Kind)
            {
                case "Add" or "Multiply" or "Concat" or "Dot":
                    ok = Merge(layer, operands, diagnostics, out outShape, out int misfit);
                    layerWorkspace = 2L * outShape.Size;
                    if (!ok && suggestFixes && misfit >= 0 && operands.Count > 1
                        && OperandFix(model, sources[i][misfit], shapes, operands[misfit == 0 ? 1 : 0], layer.Inputs[misfit == 0 ? 1 : 0].Name) is { } operandFix)
                        fixes.Add((diagnostics.Count - 1, operandFix.Changed, operandFix.Properties));
                    break;
                case "Dense":
                    if (inShape.Spatial)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsFeatures, layer.UnitsLocation, layer.Name, inShape.ToString()));
                        ok = false;
                    }
                    else if (layer.Units <= 0) ok = false;
                    else
                    {
                        outShape = TensorShape.Features(layer.Units);
                        layerParameters = inShape.Size * layer.Units + (layer.Bias ? layer.Units : 0);
                        layerWorkspace = 3L * layer.Units;
                    }
                    break;
                case "Conv2D" or "MaxPool2D" or "AvgPool2D":
                    if (!inShape.Spatial)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NeedsSpatialInput, layer.AttributeLocation, layer.Name, layer.Kind, inShape.ToString()));
                        ok = false;
                        break;
                    }
                    if (layer.Kernel <= 0 || layer.Stride <= 0 || (layer.Kind == "Conv2D" && layer.Units <= 0)) { ok = false; break; }
                    if (!Window(inShape.Height, layer.Kernel, layer.Stride, layer.Padding == 1, out int oh, out int top)
                        | !Window(inShape.Width, layer.Kernel, layer.Stride, layer.Padding == 1, out int ow, out int left))
                    {
                        long outH = (inShape.Height - (long)layer.Kernel) / layer.Stride + 1, outW = (inShape.Width - (long)layer.Kernel) / layer.Stride + 1;
                        string given = $"{System.Math.Max(outH, 0)}x{System.Math.Max(outW, 0)}";
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, layer.KernelLocation, layer.Name, layer.Kind,
                            layer.Kernel, inShape.ToString(), given, System.Math.Min(inShape.Height, inShape.Width)));
                        ok = false;
                        break;
                    }
                    padTop = top;
                    padLeft = left;
                    int channels = layer.Kind == "Conv2D" ? layer.Units : inShape.Channels;
                    outShape = new TensorShape(channels, oh, ow, true);
                    if (layer.Kind == "Conv2D")
                    {
                        long patch = (long)inShape.Channels * layer.Kernel * layer.Kernel;
                        layerParameters = patch * layer.Units + (layer.Bias ? layer.Units : 0);
                        layerWorkspace = 3L * outShape.Size;
                        scratch = System.Math.Max(scratch, 2 * patch * oh * ow + patch * layer.Units);
                    }
                    else layerWorkspace = 2L * outShape.Size;
                    break;
                case "GlobalAveragePool":
                    if (!inShape.Spatial)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NeedsSpatialInput, layer.AttributeLocation, layer.Name, layer.Kind, inShape.ToString()));
                        ok = false;
                        break;
                    }
                    outShape = TensorShape.Features(inShape.Channels);
                    layerWorkspace = 2L * outShape.Size;
                    break;
                case "Flatten":
                    outShape = TensorShape.Features((int)inShape.Size);
                    layerWorkspace = 2L * outShape.Size;
                    break;
                case "Reshape":
                {
                    var d = layer.Declared!.Shape;
                    if (d.Count is not (1 or 3) || d.Any(x => x <= 0)) { ok = false; break; }
                    var target = d.Count == 1 ? TensorShape.Features(d[0]) : new TensorShape(d[0], d[1], d[2], true);
                    if (target.Size != inShape.Size)
                    {
                        int[] suggested = d.Count == 3 && inShape.Size % ((long)d[1] * d[2]) == 0
                            ? [(int)(inShape.Size / ((long)d[1] * d[2])), d[1], d[2]]
                            : [(int)inShape.Size];
                        string fix = "[" + string.Join(", ", suggested) + "]";
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSetting, layer.KernelLocation, layer.Name, "the shape " + target,
                            $"{target.Size} values", $"{inShape.Size} values, the size of its {inShape} input, e.g. {fix}"));
                        if (suggestFixes)
                        {
                            var reshaped = layer with { Declared = layer.Declared! with { Shape = suggested.ToEquatableArray() } };
                            fixes.Add((diagnostics.Count - 1, FixCheck.WithLayer(model, i, reshaped), [FixProperties.Shape, string.Join(",", suggested)]));
                        }
                        ok = false;
                        break;
                    }
                    outShape = target;
                    layerWorkspace = 2L * outShape.Size;
                    break;
                }
                case "Dropout":
                    layerWorkspace = 3L * outShape.Size;
                    break;
                case "BatchNorm":
                    layerParameters = 2L * inShape.Channels;
                    layerWorkspace = 3L * outShape.Size;
                    break;
                case "Embedding":
                {
                    int source = sources[i][0];
                    if (source < 0 || model.Layers[source].Kind != "Input" || !model.Layers[source].Ids || inShape.Spatial)
                    {
                        string sourceName = source < 0 ? "the model input" : model.Layers[source].Name;
                        var location = layer.Inputs.IsEmpty ? layer.AttributeLocation : layer.Inputs[0].Location;
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNeedsIds, location, layer.Name, sourceName, inShape.ToString()));
                        ok = false;
                        break;
                    }
                    if (layer.Kernel <= 0 || layer.Units <= 0) { ok = false; break; }
                    outShape = TensorShape.Features((int)System.Math.Min(inShape.Size * layer.Units, int.MaxValue));
                    layerParameters = (long)layer.Kernel * layer.Units;
                    layerWorkspace = 2L * inShape.Size * layer.Units;
                    break;
                }
                case "LayerNorm":
                    layerParameters = 2L * inShape.Size;
                    layerWorkspace = 3L * outShape.Size + 16;
                    break;
            }

            if (ok)
            {
                parameters += layerParameters + 4L * inShape.Channels + 16;
                workspace += layerWorkspace + 64;
                if (parameters > MaxArenaLength || workspace > MaxArenaLength || scratch > MaxArenaLength || outShape.Size > MaxArenaLength)
                {
                    bool p = parameters > MaxArenaLength;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, layer.ShapeLocation, layer.Name,
                        p ? parameters : System.Math.Max(workspace, scratch), p ? "parameters" : "workspace floats per sample", MaxArenaLength));
                    ok = false;
                }
            }
            shapes.Add(new LayerShapes(inShape, ok ? outShape : default, padTop, padLeft));
            outputs[i] = outShape;
            outputKnown[i] = ok;
        }
        known = count > 0 && outputKnown[count - 1];
        shape = count > 0 ? outputs[count - 1] : default;

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
                if (layer.Kind == "Input")
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
                else if (model.Layers[i].Kind != "Dense")
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoraTarget, target.Location, target.Name, $"is a {model.Layers[i].Kind} layer"));
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
            long outputSize = known ? shape.Size : output.Units;
            switch (model.Loss)
            {
                case LossKind.SoftmaxCrossEntropy:
                    if (output.Activation == ActivationKind.Softmax)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSoftmax, output.ActivationLocation, output.Name));
                    if (outputSize == 1)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxCrossEntropyUnits, output.ShapeLocation, output.Name, outputSize));
                    break;
                case LossKind.BinaryCrossEntropy:
                    if (output.Activation == ActivationKind.Sigmoid)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DoubleSigmoid, output.ActivationLocation, output.Name));
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

        return new(model, shapes.ToEquatableArray(), diagnostics.ToEquatableArray()) { Sources = sources.Select(a => a.ToEquatableArray()).ToEquatableArray() };
    }

    /// <summary>
    /// The change that makes a merge operand fit: the operand comes from layer <paramref name="producer"/>, a Dense
    /// or Conv2D whose size (units, filters) can be set to the other operand's, or an Embedding whose dimension
    /// can be set so that its ids fill the other operand. Null when the operand is anything else.
    /// </summary>
    private static (ModelSpec Changed, string[] Properties)? OperandFix(ModelSpec model, int producer, List<LayerShapes> shapes, TensorShape other, string otherName)
    {
        if (producer < 0 || producer >= shapes.Count) return null;
        var layer = model.Layers[producer];
        int size;
        string reason;
        switch (layer.Kind)
        {
            case "Dense" when !other.Spatial:
                size = other.Channels;
                reason = $"the size of '{otherName}'";
                break;
            case "Conv2D" when other.Spatial && shapes[producer].Output.Height == other.Height && shapes[producer].Output.Width == other.Width:
                size = other.Channels;
                reason = $"the channels of '{otherName}'";
                break;
            case "Embedding" when !other.Spatial && shapes[producer].Input.Size > 0 && other.Size % shapes[producer].Input.Size == 0:
                long ids = shapes[producer].Input.Size;
                size = (int)(other.Size / ids);
                reason = ids == 1 ? $"the size of '{otherName}'" : $"its {ids} ids then fill the size of '{otherName}'";
                break;
            default:
                return null;
        }
        if (size <= 0 || size == layer.Units) return null;
        return (FixCheck.WithLayer(model, producer, layer with { Units = size }),
            [FixProperties.Member, layer.Name, FixProperties.Parameter, FixCheck.SizeParameter(layer.Kind)!,
             FixProperties.Value, size.ToString(System.Globalization.CultureInfo.InvariantCulture), FixProperties.Reason, reason]);
    }

    /// <summary>Shape of a merge layer from its operands' shapes; reports the first operand that does not fit.</summary>
    /// <param name="misfit">The index of the operand reported, or -1.</param>
    private static bool Merge(LayerSpec layer, List<TensorShape> operands, List<DiagnosticInfo> diagnostics, out TensorShape output, out int misfit)
    {
        var first = operands[0];
        output = first;
        misfit = -1;
        string rule = layer.Kind switch
        {
            "Concat" => "Concat needs [features] operands, or [C, H, W] operands of the same height and width",
            "Dot" => "Dot needs two [features] operands of the same size",
            _ => layer.Kind + " needs operands of one shape",
        };
        long channels = 0;
        for (int k = 0; k < operands.Count; k++)
        {
            var o = operands[k];
            bool fits = layer.Kind switch
            {
                "Concat" => o.Spatial == first.Spatial && o.Height == first.Height && o.Width == first.Width,
                "Dot" => !o.Spatial && o == first,
                _ => o == first,
            };
            if (!fits)
            {
                int other = k == 0 ? 1 : 0;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OperandShapeMismatch, layer.Inputs[k].Location, layer.Name, layer.Kind,
                    layer.Inputs[k].Name, o.ToString(), layer.Inputs[other].Name, operands[other].ToString(), rule));
                misfit = k;
                return false;
            }
            channels += o.Channels;
        }
        if (layer.Kind == "Concat")
        {
            if (channels > MaxArenaLength) return false;
            output = new TensorShape((int)channels, first.Height, first.Width, first.Spatial);
        }
        else if (layer.Kind == "Dot") output = TensorShape.Features(1);
        return true;
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
