using Axon.Generators.Diagnostics;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// A window along the steps of a sequence (Conv1D, the 1-D pools): taps, step, spacing of the taps and padding (0 valid,
/// 1 same, 2 causal: the <c>Axon.Padding</c> values). <see cref="PadLeft"/> is filled in by shape inference.
/// </summary>
internal sealed record Window1DSettings(int Kernel, int Stride, int Dilation, int Padding)
{
    public int PadLeft { get; init; }

    /// <summary>Steps the window covers, <c>(k − 1)·d + 1</c>.</summary>
    public long Span => (Kernel - 1L) * Dilation + 1;

    /// <summary>Reads the window length (positional <paramref name="index"/>, parameter <paramref name="parameter"/>), <c>Stride</c>, <c>Padding</c> and, for a convolution, <c>Dilation</c>.</summary>
    /// <param name="pool">A pool: <c>Stride = 0</c> (the default) means the window size; no dilation and no causal padding.</param>
    public static Window1DSettings Read(LayerParseContext c, int index, string parameter, bool pool)
    {
        var reader = c.Reader;
        int kernel = reader.Positional(index, 0);
        var kernelLocation = c.Locate(parameter, reader.PositionalLocation(index, parameter));
        if (kernel <= 0) c.Invalid(kernelLocation, pool ? "Pool" : "Kernel", LayerParseContext.Int(kernel), "a positive window length");
        int stride = reader.Named("Stride", pool ? 0 : 1);
        var strideLocation = c.Locate("Stride", reader.NamedLocation("Stride"));
        if (pool && stride == 0) stride = kernel;
        if (stride <= 0) c.Invalid(strideLocation, "Stride", LayerParseContext.Int(stride), pool ? "a positive step (or 0 for the window size)" : "a positive step");
        int dilation = 1;
        if (!pool)
        {
            dilation = reader.Named("Dilation", 1);
            var dilationLocation = c.Locate("Dilation", reader.NamedLocation("Dilation"));
            if (dilation <= 0) c.Invalid(dilationLocation, "Dilation", LayerParseContext.Int(dilation), "a positive spacing of the taps (1: adjacent steps)");
        }
        int padding = reader.Named("Padding", 0);
        var paddingLocation = c.Locate("Padding", reader.NamedLocation("Padding"));
        if (padding is not (0 or 1 or 2))
            c.Report(DiagnosticDescriptors.InvalidEnumValue, paddingLocation, "Padding", padding);
        else if (pool && padding == 2)
            c.Invalid(paddingLocation, "Padding", "Causal", "Valid or Same (causal padding is for Conv1D)");
        return new Window1DSettings(kernel, stride, dilation, padding);
    }

    /// <summary>
    /// The output shape of the window over a <c>[T, F]</c> input with <paramref name="features"/> per output step;
    /// reports an input that is not a sequence on the attribute (AXN0140) and a window that does not fit on the window
    /// argument (AXN0107).
    /// </summary>
    public (bool Ok, TensorShape Output, Window1DSettings Resolved) Infer(LayerInferenceContext c, string argument, int features)
    {
        var layer = c.Layer;
        var input = c.Input;
        if (!input.IsSequence)
        {
            c.Report(DiagnosticDescriptors.SequenceShapeMismatch, layer.AttributeLocation ?? layer.NameLocation,
                $"{layer.Kind.Name} layer '{layer.Name}'", "a sequence [steps, features]", "its input", input.ToString(), SequenceShapes.ToSequence);
            return (false, default, this);
        }
        if (Kernel <= 0 || Stride <= 0 || Dilation <= 0 || Padding is not (0 or 1 or 2) || features <= 0) return (false, default, this);
        int steps = input.Steps, output, pad;
        switch (Padding)
        {
            case 0:
                if (Span > steps)
                {
                    c.Report(DiagnosticDescriptors.InvalidLayerSetting, layer.At(argument), layer.Name, $"the window ({Kernel} taps{(Dilation > 1 ? $" {Dilation} apart" : "")}, spanning {Span} steps)",
                        $"longer than its {input} input", $"a window spanning at most {steps} steps with valid padding, or Padding = Padding.Same{(layer.Kind.Name == "Conv1D" ? " or Padding.Causal" : "")}");
                    return (false, default, this);
                }
                output = (int)((steps - Span) / Stride) + 1;
                pad = 0;
                break;
            case 1:
                output = (int)((steps + (long)Stride - 1) / Stride);
                pad = (int)(System.Math.Max((output - 1L) * Stride + Span - steps, 0) / 2);
                break;
            default:
                output = (steps - 1) / Stride + 1;
                pad = (int)System.Math.Min(Span - 1, int.MaxValue);
                break;
        }
        return (true, TensorShape.Sequence(output, features), this with { PadLeft = pad });
    }
}
