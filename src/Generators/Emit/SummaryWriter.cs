using System.Linq;
using System.Text;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>The Keras-like summary table, as text: the <c>Summary</c> constant and the class's XML doc.</summary>
internal static class SummaryWriter
{
    public static string Write(ModelPlan plan)
    {
        var rows = plan.Layers.Select(l => (
            Name: $"{l.Name} ({l.Kind.Name}{(l.Activation == ActivationKind.Identity ? "" : ", " + ActivationName(l.Activation))})",
            Shape: l.OutputShape.ToString(),
            Params: Literals.Grouped(l.WeightCount + l.BiasCount))).ToList();
        int w1 = System.Math.Max(14, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length)) + 2;
        int w2 = System.Math.Max(14, rows.Count == 0 ? 0 : rows.Max(r => r.Shape.Length)) + 2;
        int w3 = System.Math.Max(9, rows.Count == 0 ? 0 : rows.Max(r => r.Params.Length));
        var text = new StringBuilder();
        string rule = new string('=', w1 + w2 + w3);
        text.Append("Model: ").Append(plan.Type.Name).Append('\n');
        text.Append("Layer (type)".PadRight(w1)).Append("Output shape".PadRight(w2)).Append("Params".PadLeft(w3)).Append('\n');
        text.Append(rule).Append('\n');
        text.Append("Input".PadRight(w1)).Append(("[" + string.Join(", ", plan.InputShape) + "]").PadRight(w2)).Append("0".PadLeft(w3)).Append('\n');
        foreach (var r in rows)
            text.Append(r.Name.PadRight(w1)).Append(r.Shape.PadRight(w2)).Append(r.Params.PadLeft(w3)).Append('\n');
        text.Append(rule).Append('\n');
        text.Append("Total params: ").Append(Literals.Grouped(plan.ParameterCount)).Append('\n');
        long running = plan.Layers.Sum(l => l.Slots.Where(s => s.Region == SlotRegion.Parameters).Sum(s => (long)s.Length));
        if (running > 0)
            text.Append("Non-trainable: ").Append(Literals.Grouped(running)).Append(" (BatchNorm running statistics)\n");
        text.Append("Loss: ").Append(LossName(plan.Loss)).Append("; optimizer: ").Append(OptimizerName(plan.Optimizer));
        return text.ToString();
    }

    public static string ActivationName(ActivationKind a) => a switch
    {
        ActivationKind.Relu => "relu",
        ActivationKind.LeakyRelu => "leaky_relu",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Gelu => "gelu",
        ActivationKind.Softmax => "softmax",
        _ => "identity",
    };

    public static string LossName(LossKind l) => l switch
    {
        LossKind.MeanSquaredError => "mean squared error",
        LossKind.BinaryCrossEntropy => "binary cross-entropy on logits",
        LossKind.SoftmaxCrossEntropy => "softmax cross-entropy",
        _ => "none",
    };

    public static string OptimizerName(OptimizerSpec o) => o.Kind switch
    {
        OptimizerKind.Sgd => $"SGD (lr {Format(o.LearningRate)}{(o.Momentum > 0 ? ", momentum " + Format(o.Momentum) : "")}{(o.Nesterov ? ", Nesterov" : "")}{(o.WeightDecay > 0 ? ", weight decay " + Format(o.WeightDecay) : "")})",
        OptimizerKind.AdamW => $"AdamW (lr {Format(o.LearningRate)}, weight decay {Format(o.WeightDecay)})",
        _ => $"Adam (lr {Format(o.LearningRate)}{(o.WeightDecay > 0 ? ", L2 " + Format(o.WeightDecay) : "")})",
    };

    private static string Format(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
