using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Analysis;

/// <summary>The parsed model with every layer's input and output shape inferred, plus all diagnostics so far.</summary>
/// <param name="Shapes">Per layer, its input and output shape; default shapes after the first error that hides them.</param>
internal sealed record AnalyzedModel(ModelSpec? Model, EquatableArray<LayerShapes> Shapes, EquatableArray<DiagnosticInfo> Diagnostics);

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

    public static AnalyzedModel Run(ParseResult parsed)
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
        if (known && shape.Size > MaxArenaLength) known = false;
        long parameters = 0, workspace = 0, scratch = 0;

        foreach (var layer in model.Layers)
        {
            var inShape = shape;
            int padTop = 0, padLeft = 0;
            if (!known)
            {
                shapes.Add(default);
                continue;
            }

            bool ok = true;
            TensorShape outShape = inShape;
            long layerParameters = 0, layerWorkspace = 0;
            switch (layer.Kind)
            {
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
                case "Dropout":
                    layerWorkspace = 3L * outShape.Size;
                    break;
                case "BatchNorm":
                    layerParameters = 2L * inShape.Channels;
                    layerWorkspace = 3L * outShape.Size;
                    break;
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
            known = ok;
            shape = outShape;
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

        return new(model, shapes.ToEquatableArray(), diagnostics.ToEquatableArray());
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
