using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// A sliding window (Conv2D, the 2-D pools): side, step and padding (0 valid, 1 same, the <c>Axon.Padding</c>
/// values). <see cref="PadTop"/> and <see cref="PadLeft"/> are filled in by shape inference (Keras's rule).
/// </summary>
internal sealed record WindowSettings(int Kernel, int Stride, int Padding)
{
    public int PadTop { get; init; }

    public int PadLeft { get; init; }

    /// <summary>Reads the window side (positional <paramref name="index"/>, parameter <paramref name="parameter"/>), <c>Stride</c> and <c>Padding</c>.</summary>
    /// <param name="poolStride">A pool: <c>Stride = 0</c> (the default) means the window size.</param>
    public static WindowSettings Read(LayerParseContext c, int index, string parameter, bool poolStride)
    {
        var reader = c.Reader;
        int kernel = reader.Positional(index, 0);
        var kernelLocation = c.Locate(parameter, reader.PositionalLocation(index, parameter));
        if (kernel <= 0) c.Invalid(kernelLocation, parameter == "kernel" ? "Kernel" : "Pool", LayerParseContext.Int(kernel), "a positive window size");
        int stride = reader.Named("Stride", poolStride ? 0 : 1);
        var strideLocation = c.Locate("Stride", reader.NamedLocation("Stride"));
        if (poolStride && stride == 0) stride = kernel;
        if (stride <= 0) c.Invalid(strideLocation, "Stride", LayerParseContext.Int(stride), poolStride ? "a positive step (or 0 for the window size)" : "a positive step");
        int padding = reader.Named("Padding", 0);
        var paddingLocation = c.Locate("Padding", reader.NamedLocation("Padding"));
        if (padding == 2)
            c.Invalid(paddingLocation, "Padding", "Causal", "Valid or Same (causal padding is for Conv1D)");
        else if (padding is not (0 or 1))
            c.Report(DiagnosticDescriptors.InvalidEnumValue, paddingLocation, "Padding", padding);
        return new WindowSettings(kernel, stride, padding);
    }

    /// <summary>
    /// The output shape of the window over a <c>[C, H, W]</c> input, with <paramref name="channels"/> out; reports a
    /// non-spatial input on the attribute and a window that does not fit on the window argument.
    /// </summary>
    /// <returns>The output shape and these settings with the padding resolved, or a failure.</returns>
    public (bool Ok, TensorShape Output, WindowSettings Resolved) Infer(LayerInferenceContext c, string argument, int channels)
    {
        var layer = c.Layer;
        var input = c.Input;
        if (input.IsSequence)
        {
            SequenceShapes.Reject(c, "[channels, height, width]", $"use {layer.Kind.Name.Replace("2D", "1D")} for a sequence");
            return (false, default, this);
        }
        if (!input.Spatial)
        {
            c.Report(DiagnosticDescriptors.NeedsSpatialInput, layer.AttributeLocation, layer.Name, layer.Kind.Name, input.ToString());
            return (false, default, this);
        }
        if (Kernel <= 0 || Stride <= 0 || channels <= 0) return (false, default, this);
        if (!ShapeInference.Window(input.Height, Kernel, Stride, Padding == 1, out int oh, out int top)
            | !ShapeInference.Window(input.Width, Kernel, Stride, Padding == 1, out int ow, out int left))
        {
            long outH = (input.Height - (long)Kernel) / Stride + 1, outW = (input.Width - (long)Kernel) / Stride + 1;
            string given = $"{System.Math.Max(outH, 0)}x{System.Math.Max(outW, 0)}";
            c.Report(DiagnosticDescriptors.WindowLargerThanInput, layer.At(argument), layer.Name, layer.Kind.Name,
                Kernel, input.ToString(), given, System.Math.Min(input.Height, input.Width));
            return (false, default, this);
        }
        return (true, TensorShape.Image(channels, oh, ow), this with { PadTop = top, PadLeft = left });
    }
}
