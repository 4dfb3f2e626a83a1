using Axon.Generators.Analysis;
using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Conv1D(filters, kernel, activation)]</c> over a sequence: weights <c>[filters, F, k]</c> as nn.Conv1d.</summary>
internal sealed record Conv1DSettings(int Filters, Window1DSettings Window, ActivationSettings Act) : LayerSettings
{
    public override ActivationSettings? Activation => Act;

    public override int Size => Filters;
}

/// <summary>
/// The 1-D convolution along the steps of a <c>[T, F]</c> sequence (im2col into a kept per-sample workspace slot, then
/// the Dense product over batch·T' rows), fused with bias and activation. Output <c>[T', filters]</c>.
/// </summary>
internal sealed class Conv1D : LayerKind<Conv1DSettings>
{
    public override string Name => "Conv1D";

    public override bool IsKernel => true;

    public override LayerSettings Parse(LayerParseContext c)
    {
        int filters = c.Size(0, "filters");
        var window = Window1DSettings.Read(c, 1, "kernel", pool: false);
        var act = ActivationSettings.Read(c, 2);
        if (act.Kind == ActivationKind.Softmax)
            c.Invalid(c.Reader.PositionalLocation(2, "activation"), "Activation", "Softmax", "an element-wise activation (softmax belongs on a Dense output)");
        return new Conv1DSettings(filters, window, act);
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

    public override (int Size, string Reason)? SizeToFit(LayerShapes shapes, TensorShape other, string otherName) =>
        other.IsSequence && shapes.Output.Steps == other.Steps ? (other.FeaturesPerStep, $"the features per step of '{otherName}'") : null;

    public override string TransferSignature(LayerSettings settings)
    {
        var s = Of(settings);
        return $", kernel {s.Window.Kernel}" + (s.Window.Dilation > 1 ? $", dilation {s.Window.Dilation}" : "") + (s.Act.Bias ? "" : ", no bias");
    }

    private static bool Pointwise(Window1DSettings w, TensorShape input, TensorShape output) =>
        w.Kernel == 1 && w.Stride == 1 && w.PadLeft == 0 && output.Steps == input.Steps;

    public override long WeightCount(LayerSettings settings, TensorShape input, TensorShape output) =>
        (long)output.FeaturesPerStep * input.FeaturesPerStep * Of(settings).Window.Kernel;

    public override long BiasCount(LayerSettings settings, TensorShape input, TensorShape output) => Of(settings).Act.Bias ? output.FeaturesPerStep : 0;

    public override bool UsesWeightGradientScratch => true;

    // The im2col matrix is kept from forward to backward; its gradient needs as much again. A pointwise window reads its input in place.
    public override System.Collections.Generic.IEnumerable<SlotRequest> Slots(LayerSettings settings, TensorShape input, TensorShape output)
    {
        var w = Of(settings).Window;
        if (Pointwise(w, input, output)) yield break;
        long columns = (long)output.Steps * input.FeaturesPerStep * w.Kernel;
        yield return new("Columns", SlotRegion.Workspace, columns);
        yield return new("ColumnGradient", SlotRegion.Workspace, columns);
    }

    public override string? Geometry(LayerPlan l)
    {
        var (i, o, k) = (l.InputShape, l.OutputShape, Of(l).Window);
        return $"private static readonly global::Axon.Kernels.Conv1DShape __{l.Name}Shape = new({i.Steps}, {i.FeaturesPerStep}, {o.FeaturesPerStep}, {k.Kernel}, {k.Stride}, {k.Dilation}, {k.PadLeft}, {o.Steps});";
    }

    public override System.Collections.Generic.IEnumerable<TensorEntry> Tensors(LayerPlan l)
    {
        int k = Of(l).Window.Kernel;
        if (l.WeightCount > 0) yield return new(".weight", $"{l.OutputShape.FeaturesPerStep}, {l.InputShape.FeaturesPerStep}, {k}", $"__{l.Name}Weight");
        if (l.BiasCount > 0) yield return new(".bias", $"{l.OutputShape.FeaturesPerStep}", $"__{l.Name}Bias");
    }

    public override void EmitInitialize(SourceWriter w, LayerPlan l)
    {
        // Fans as PyTorch counts them for nn.Conv1d: F·k in, filters·k out.
        int k = Of(l).Window.Kernel;
        w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {l.InputShape.FeaturesPerStep * k}, {l.OutputShape.FeaturesPerStep * k}, global::Axon.Init.{Of(l).Act.Init}, ref rng);");
    }

    private static string Columns(LayerEmitContext c, string name) =>
        Pointwise(Of(c.Layer).Window, c.Layer.InputShape, c.Layer.OutputShape)
            ? "default"
            : c.Slot(name, $"n * {(long)c.Layer.OutputShape.Steps * c.Layer.InputShape.FeaturesPerStep * Of(c.Layer).Window.Kernel}");

    public override void EmitForward(LayerEmitContext c) =>
        c.W.Line($"global::Axon.Kernels.Conv1D.Forward({c.In()}, {c.Weight()}, {c.Bias()}, {c.PreActivation(forward: true)}, {c.Out}, {Columns(c, "Columns")}, n, __{c.Layer.Name}Shape, {Of(c.Layer).Act.Expression}, __core.Pool);");

    public override void EmitBackward(LayerEmitContext c)
    {
        var l = c.Layer;
        c.W.Line($"global::Axon.Kernels.Conv1D.Backward({c.In()}, {Columns(c, "Columns")}, {c.Weight()}, {c.PreActivation(forward: false)}, {c.Out}, {c.Grad},");
        c.W.Line($"    {c.Weight("g")}, {c.Bias("g")}, {c.InputGrad}, {Columns(c, "ColumnGradient")}, n, __{l.Name}Shape, {Of(l).Act.Expression},");
        c.W.Line($"    computeParameterGradients: {c.ParameterGradients}, computeInputGradient: below, __core.Pool, __core.Buffer(__Scratch, n * {l.OutFeatures}));");
    }
}
