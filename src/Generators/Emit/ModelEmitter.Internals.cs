using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

internal static partial class ModelEmitter
{
    private static void EmitInternals(SourceWriter w, ModelPlan plan, bool labels)
    {
        string name = Literals.String(plan.Type.Name);
        var loss = plan.Loss;
        var last = plan.Layers[plan.Layers.Count - 1];
        string targetParam = TargetParameter(loss), target = TargetName(loss);

        // Validation: everything is checked before any state changes.
        w.Open($"private int __Check({ReadOnlySpan} inputs, {targetParam}, bool bounded)");
        w.Line($"int n = {Guard}.Rows(inputs.Length, InputSize, \"inputs\", {name});");
        w.Line($"{Guard}.Length({target}.Length, n{(labels ? "" : " * OutputSize")}, \"{target}\", {name});");
        w.Line($"if (bounded) {Guard}.Batch(n, __core.MaxBatchSize, {name});");
        w.Line($"{Guard}.Finite(inputs, \"inputs\");");
        if (labels) w.Line($"{Guard}.Labels(labels, OutputSize, {name});");
        else if (loss == LossKind.BinaryCrossEntropy) w.Line($"{Guard}.Probabilities(targets, \"targets\");");
        else w.Line($"{Guard}.Finite(targets, \"targets\");");
        w.Line("return n;");
        w.Close();
        w.Line();

        // Forward: one fused kernel call per layer (GEMM + bias + activation), activations kept for backward.
        w.Open($"private void __Forward({ReadOnlySpan} x, int n)");
        w.Line("var p = __core.Parameters.Span;");
        string input = "x";
        foreach (var l in plan.Layers)
        {
            string output = $"__core.Buffer(__{l.Name}Output, n * {l.OutFeatures})";
            string pre = l.PreActivationBuffer >= 0 ? $"__core.Buffer(__{l.Name}PreActivation, n * {l.OutFeatures})" : output;
            w.Line($"global::Axon.Kernels.Dense.Forward({input}, p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}Bias, {l.BiasCount}), {pre}, {output}, n, {l.InFeatures}, {l.OutFeatures}, {ActivationExpression(l)}, __core.Pool);");
            input = output;
        }
        w.Close();
        w.Line();

        string lossClass = loss switch
        {
            LossKind.SoftmaxCrossEntropy => "global::Axon.Losses.SoftmaxCrossEntropy",
            LossKind.BinaryCrossEntropy => "global::Axon.Losses.BinaryCrossEntropy",
            _ => "global::Axon.Losses.MeanSquaredError",
        };
        string outBuf = $"__core.Buffer(__{last.Name}Output, n * OutputSize)";
        string gradBuf = $"__core.Buffer(__{last.Name}Gradient, n * OutputSize)";
        w.Line("// Summed loss of n samples; writes gradScale·∂L/∂output into the output layer's gradient buffer.");
        w.Open($"private float __LossBackward({targetParam}, int n, float gradScale)");
        w.Line(labels
            ? $"return {lossClass}.ForwardBackward({outBuf}, labels, {gradBuf}, n, OutputSize, gradScale);"
            : $"return {lossClass}.ForwardBackward({outBuf}, targets, {gradBuf}, n * OutputSize, gradScale);");
        w.Close();
        w.Line();
        w.Line(labels
            ? $"private float __Loss({targetParam}, int n) => {lossClass}.Loss({outBuf}, labels, n, OutputSize);"
            : $"private float __Loss({targetParam}, int n) => {lossClass}.Loss({outBuf}, targets, n * OutputSize);");
        w.Line(labels
            ? $"private int __Correct({targetParam}, int n) => global::Axon.Metrics.Accuracy.CountArgMaxCorrect({outBuf}, labels, n, OutputSize);"
            : plan.OutputSize == 1
                ? $"private int __Correct({targetParam}, int n) => global::Axon.Metrics.Accuracy.CountBinaryCorrect({outBuf}, targets, n, {(loss == LossKind.BinaryCrossEntropy ? "0f" : "0.5f")});"
                : $"private int __Correct({targetParam}, int n) => 0;");
        w.Line();

        // Backward: layers in reverse; a frozen layer skips its weight gradient, and the walk stops
        // as soon as nothing below needs a gradient (the first layer's input gradient only on request).
        w.Open($"private void __Backward({ReadOnlySpan} x, int n, bool parameterGradients, {Span} inputGradient)");
        w.Line("var p = __core.Parameters.Span;");
        w.Line("var g = __core.Gradients.Span;");
        w.Line("bool wantInput = !inputGradient.IsEmpty;");
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            var l = plan.Layers[i];
            string layerInput = i == 0 ? "x" : $"__core.Buffer(__{plan.Layers[i - 1].Name}Output, n * {l.InFeatures})";
            string inputGrad = i == 0 ? "inputGradient" : $"__core.Buffer(__{plan.Layers[i - 1].Name}Gradient, n * {l.InFeatures})";
            string needBelow = i == 0
                ? "wantInput"
                : "wantInput || (parameterGradients && (" + string.Join(" || ", plan.Layers.Take(i).Select(b => $"!__layer_{b.Name}.IsFrozen")) + "))";
            string pre = l.PreActivationBuffer >= 0 ? $"__core.Buffer(__{l.Name}PreActivation, n * {l.OutFeatures})" : "default";
            w.Open("");
            w.Line($"bool below = {needBelow};");
            w.Line($"global::Axon.Kernels.Dense.Backward({layerInput}, p.Slice(__{l.Name}Weight, {l.WeightCount}), {pre}, __core.Buffer(__{l.Name}Output, n * {l.OutFeatures}), __core.Buffer(__{l.Name}Gradient, n * {l.OutFeatures}),");
            w.Line($"    g.Slice(__{l.Name}Weight, {l.WeightCount}), g.Slice(__{l.Name}Bias, {l.BiasCount}), {inputGrad}, n, {l.InFeatures}, {l.OutFeatures}, {ActivationExpression(l)},");
            w.Line($"    gradIsPreActivation: false, computeParameterGradients: parameterGradients && !__layer_{l.Name}.IsFrozen, computeInputGradient: below,");
            w.Line($"    __core.Pool, __core.Buffer(__Scratch, n * {l.OutFeatures}));");
            if (i > 0) w.Line("if (!below) return;");
            w.Close();
        }
        w.Close();
    }
}
