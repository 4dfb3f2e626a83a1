using Axon.Generators.Analysis;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Conv2D(filters, kernel, activation)]</c>: weights <c>[filters, C, k, k]</c> as nn.Conv2d.</summary>
internal sealed record Conv2DSettings(int Filters, WindowSettings Window, ActivationSettings Act) : LayerSettings
{
    public override ActivationSettings? Activation => Act;

    public override int Size => Filters;
}

/// <summary>The 2-D convolution (im2col + GEMM in the runtime), fused with bias and activation.</summary>
internal sealed class Conv2D : LayerKind<Conv2DSettings>
{
    public override string Name => "Conv2D";

    public override bool IsKernel => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        int filters = c.Size(0, "filters");
        var window = WindowSettings.Read(c, 1, "kernel", poolStride: false);
        var act = ActivationSettings.Read(c, 2);
        if (act.Kind == ActivationKind.Softmax)
            c.Invalid(c.Reader.PositionalLocation(2, "activation"), "Activation", "Softmax", "an element-wise activation (softmax belongs on a Dense output)");
        return new Conv2DSettings(filters, window, act);
    }

    public override string? ShapeArgument => "filters";

    public override string? SizeParameter => "filters";

    public override LayerSettings WithSize(LayerSettings settings, int size) => Of(settings) with { Filters = size };

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var s = Of(c.Layer);
        var (ok, output, window) = s.Window.Infer(c, "kernel", s.Filters);
        return ok ? new LayerInference(true, output, s with { Window = window }) : LayerInference.Fail;
    }

    // Conv1D takes every argument Conv2D does (filters, kernel, activation, Stride, Padding, Init, Bias, NegativeSlope, From).
    public override (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings)
    {
        var s = Of(settings);
        return (LayerKinds.Named("Conv1D"), new Conv1DSettings(s.Filters, new Window1DSettings(s.Window.Kernel, s.Window.Stride, 1, s.Window.Padding), s.Act));
    }

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) =>
        other.Spatial && shapes.Output.Height == other.Height && shapes.Output.Width == other.Width
            ? (other.Channels, $"the channels of '{otherName}'")
            : null;

    public override string TransferSignature(LayerSettings settings)
    {
        var s = Of(settings);
        return $", {s.Window.Kernel}x{s.Window.Kernel}" + (s.Act.Bias ? "" : ", no bias");
    }

    public override long SharedScratch(LayerSettings settings, TensorShape input, TensorShape output)
    {
        var s = Of(settings);
        long patch = (long)input.Channels * s.Window.Kernel * s.Window.Kernel;
        return 2 * patch * output.Height * output.Width + patch * s.Filters;
    }

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) =>
        (long)output.Channels * input.Channels * Of(settings).Window.Kernel * Of(settings).Window.Kernel;

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => Of(settings).Act.Bias ? output.Channels : 0;

    public override string? Geometry(LayerPlan l)
    {
        var (i, o, k) = (l.InputShape, l.OutputShape, Of(l).Window);
        return $"private static readonly global::Axon.Kernels.Conv2DShape __{l.Name}Shape = new({i.Channels}, {i.Height}, {i.Width}, {o.Channels}, {k.Kernel}, {k.Stride}, {k.PadTop}, {k.PadLeft}, {o.Height}, {o.Width});";
    }

    public override string? ConvScratchLength(LayerPlan l) => $"__{l.Name}Shape.ScratchLength";

    public override System.Collections.Generic.IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        int k = Of(l).Window.Kernel;
        if (l.WeightCount > 0) yield return new(".weight", $"{l.OutputShape.Channels}, {l.InputShape.Channels}, {k}, {k}", $"__{l.Name}Weight");
        if (l.BiasCount > 0) yield return new(".bias", $"{l.OutputShape.Channels}", $"__{l.Name}Bias");
    }

    public override void EmitInitialize(SourceWriter w, LayerPlan l)
    {
        // Fans as PyTorch counts them for a convolution: C·k² in, filters·k² out.
        int area = Of(l).Window.Kernel * Of(l).Window.Kernel;
        w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {l.InputShape.Channels * area}, {l.OutputShape.Channels * area}, global::Axon.Init.{Of(l).Act.Init}, ref rng);");
    }

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.Conv2D.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {c.PreActivation(forward: true)}, {c.Out}, n, __{c.Layer.Name}Shape, {Of(c.Layer).Act.Expression}, __ConvScratch, __core.Pool);");

    public override void EmitBackward(LayerEmitContext c)
    {
        var l = c.Layer;
        c.W.Line($"global::Axon.Kernels.Conv2D.Backward({c.In()}, {c.Weight()}, {c.PreActivation(forward: false)}, {c.Out}, {c.Grad},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, n, __{l.Name}Shape, {Of(l).Act.Expression},");
        c.W.Line($"    computeParameterGradients: {c.ParameterGradients}, computeInputGradient: below, __ConvScratch, __core.Pool);");
    }
}
