using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>
/// What a kind's forward and backward emission works with: the writer, the layer, and the buffer expressions
/// of its operands, output and gradients. A layer reads its sources' outputs (the model input is <c>x</c>);
/// an aliasing layer has no buffers of its own and stands for its source's.
/// </summary>
internal sealed class LayerEmitContext(SourceWriter writer, ModelPlan plan, int index, bool[] accumulate)
{
    public SourceWriter W => writer;

    public ModelPlan Plan => plan;

    public LayerPlan Layer => plan.Layers[index];

    /// <summary>Backward: per operand, whether another reader already wrote its gradient (so this one adds).</summary>
    public bool Accumulates(int k) => accumulate[k];

    /// <summary>Operand <paramref name="k"/>'s values.</summary>
    public string In(int k = 0) => Source(plan, Layer.Sources[k]);

    public string Out => OutOf(plan, index);

    /// <summary>∂L/∂output.</summary>
    public string Grad => GradOf(plan, index);

    /// <summary>Where operand <paramref name="k"/>'s gradient goes.</summary>
    public string SourceGrad(int k) => SourceGrad(plan, Layer.Sources[k]);

    /// <summary>Values per sample of operand <paramref name="k"/>.</summary>
    public int SourceSize(int k) => SourceSize(plan, Layer.Sources[k]);

    /// <summary>
    /// Where a single-input layer's kernel writes its input gradient: the source's gradient, or the shared scratch
    /// when another reader already wrote that (the emitter then adds it in).
    /// </summary>
    public string InputGrad => accumulate.Length > 0 && accumulate[0] ? $"__core.Buffer(__GradientScratch, n * {SourceSize(0)})" : SourceGrad(0);

    /// <summary>The pre-activation buffer; in forward the output when there is none, in backward <c>default</c>.</summary>
    public string PreActivation(bool forward) =>
        Layer.PreActivationBuffer >= 0 ? Slot("PreActivation", $"n * {Layer.OutFeatures}") : forward ? Out : "default";

    /// <summary>A workspace slot of this layer: <c>__core.Buffer(__{Member}{name}, length)</c>.</summary>
    public string Slot(string name, string length) => $"__core.Buffer(__{Layer.Name}{name}, {length})";

    /// <summary>A parameter slot of this layer in arena <paramref name="arena"/> (<c>p</c> parameters, <c>g</c> gradients).</summary>
    public string Parameter(string name, int length, string arena = "p") => $"{arena}.Slice(__{Layer.Name}{name}, {length})";

    public string Weight(string arena = "p") => Parameter("Weight", Layer.WeightCount, arena);

    public string Bias(string arena = "p") => Parameter("Bias", Layer.BiasCount, arena);

    /// <summary>Whether this backward computes the layer's parameter gradients.</summary>
    public string ParameterGradients => $"parameterGradients && !__layer_{Layer.Name}.IsFrozen";

    /// <summary>Whether this forward pass trains the layer (training mode and not frozen).</summary>
    public string Trains => $"__training && !__layer_{Layer.Name}.IsFrozen";

    /// <summary>An operand that is the model input gets a gradient only when the caller asked for one.</summary>
    public string IfWanted(int k) => Layer.Sources[k] < 0 ? "if (wantInput) " : "";

    public static string Bool(bool b) => b ? "true" : "false";

    public static string Source(ModelPlan plan, int j) => j < 0 ? "x" : OutOf(plan, j);

    public static string SourceGrad(ModelPlan plan, int j) => j < 0 ? "inputGradient" : GradOf(plan, j);

    public static string OutOf(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? Source(plan, l.Sources[0]) : $"__core.Buffer(__{l.Name}Output, n * {l.OutFeatures})";
    }

    public static string GradOf(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? SourceGrad(plan, l.Sources[0]) : $"__core.Buffer(__{l.Name}Gradient, n * {l.OutFeatures})";
    }

    public static int SourceSize(ModelPlan plan, int j) => j < 0 ? plan.InputSize : plan.Layers[j].OutFeatures;
}
