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

        // Forward: one fused kernel call per layer (GEMM/convolution + bias + activation), activations kept for backward.
        w.Open($"private void __Forward({ReadOnlySpan} x, int n, bool training = false)");
        w.Line("var p = __core.Parameters.Span;");
        if (plan.HasTrainingMode) w.Line("__training = training;");
        for (int i = 0; i < plan.Layers.Count; i++)
            EmitForward(w, plan, i);
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
            var trainableBelow = plan.Layers.Take(i).Where(b => b.HasParameters).Select(b => $"!__layer_{b.Name}.IsFrozen").ToList();
            string needBelow = trainableBelow.Count == 0 ? "wantInput" : "wantInput || (parameterGradients && (" + string.Join(" || ", trainableBelow) + "))";
            w.Open("");
            w.Line($"bool below = {needBelow};");
            EmitBackward(w, plan, i);
            if (i > 0) w.Line("if (!below) return;");
            w.Close();
        }
        w.Close();
    }

    // Buffer expressions. A layer reads the previous layer's output (the model input for the first);
    // an aliasing Flatten has no buffers of its own and stands for its input's.
    private static string In(ModelPlan plan, int i) => i == 0 ? "x" : Out(plan, i - 1);

    private static string Out(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? In(plan, i) : $"__core.Buffer(__{l.Name}Output, n * {l.OutFeatures})";
    }

    private static string Grad(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? InGrad(plan, i) : $"__core.Buffer(__{l.Name}Gradient, n * {l.OutFeatures})";
    }

    private static string InGrad(ModelPlan plan, int i) => i == 0 ? "inputGradient" : Grad(plan, i - 1);

    private static string Buffer(string offset, string length) => $"__core.Buffer({offset}, {length})";

    private static string Weight(LayerPlan l, string arena = "p") => $"{arena}.Slice(__{l.Name}Weight, {l.WeightCount})";

    private static string Bias(LayerPlan l, string arena = "p") => $"{arena}.Slice(__{l.Name}Bias, {l.BiasCount})";

    private static string Trains(LayerPlan l) => $"__training && !__layer_{l.Name}.IsFrozen";

    private static void EmitForward(SourceWriter w, ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        string input = In(plan, i), output = Out(plan, i);
        string pre = l.PreActivationBuffer >= 0 ? Buffer($"__{l.Name}PreActivation", $"n * {l.OutFeatures}") : output;
        var inShape = l.InputShape;
        switch (l.Kind)
        {
            case "Dense":
                w.Line($"global::Axon.Kernels.Dense.Forward({input}, {Weight(l)}, {Bias(l)}, {pre}, {output}, n, {l.InFeatures}, {l.OutFeatures}, {ActivationExpression(l)}, __core.Pool);");
                break;
            case "Conv2D":
                w.Line($"global::Axon.Kernels.Conv2D.Forward({input}, {Weight(l)}, {Bias(l)}, {pre}, {output}, n, __{l.Name}Shape, {ActivationExpression(l)}, __ConvScratch, __core.Pool);");
                break;
            case "MaxPool2D":
                w.Line($"global::Axon.Kernels.MaxPool2D.Forward({input}, {output}, n, __{l.Name}Shape);");
                break;
            case "AvgPool2D":
                w.Line($"global::Axon.Kernels.AvgPool2D.Forward({input}, {output}, n, __{l.Name}Shape);");
                break;
            case "GlobalAveragePool":
                w.Line($"global::Axon.Kernels.GlobalAveragePool.Forward({input}, {output}, n, {inShape.Channels}, {inShape.Height * inShape.Width});");
                break;
            case "Flatten":
                if (!l.Aliases) w.Line($"{input}.CopyTo({output});");
                break;
            case "Dropout":
                w.Line($"if (__training) global::Axon.Kernels.Dropout.Forward({input}, {output}, {Buffer($"__{l.Name}Mask", $"n * {l.OutFeatures}")}, {Literals.Float(l.Rate)}, ref __dropoutRng);");
                w.Line($"else {input}.CopyTo({output});");
                break;
            case "BatchNorm":
                string stats = $"p.Slice(__{l.Name}RunningMean, {inShape.Channels}), p.Slice(__{l.Name}RunningVar, {inShape.Channels})";
                w.Line($"if ({Trains(l)})");
                w.Line($"    global::Axon.Kernels.BatchNorm.ForwardTraining({input}, {Weight(l)}, {Bias(l)}, {stats}, {output}, {Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, __core.Fixed(__{l.Name}InvStd, {inShape.Channels}), n, {inShape.Channels}, {inShape.Height * inShape.Width}, {Literals.Float(l.Momentum)}, {Literals.Float(l.Epsilon)});");
                w.Line("else");
                w.Line($"    global::Axon.Kernels.BatchNorm.ForwardInference({input}, {Weight(l)}, {Bias(l)}, {stats}, {output}, n, {inShape.Channels}, {inShape.Height * inShape.Width}, {Literals.Float(l.Epsilon)});");
                break;
            case "LayerNorm":
                w.Line($"global::Axon.Kernels.LayerNorm.Forward({input}, {Weight(l)}, {Bias(l)}, {output}, {Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, {Buffer($"__{l.Name}InvStd", "n")}, n, {l.InFeatures}, {Literals.Float(l.Epsilon)});");
                break;
        }
    }

    private static void EmitBackward(SourceWriter w, ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        string input = In(plan, i), output = Out(plan, i), grad = Grad(plan, i), inputGrad = InGrad(plan, i);
        string pre = l.PreActivationBuffer >= 0 ? Buffer($"__{l.Name}PreActivation", $"n * {l.OutFeatures}") : "default";
        string parameters = $"parameterGradients && !__layer_{l.Name}.IsFrozen";
        var inShape = l.InputShape;
        switch (l.Kind)
        {
            case "Dense":
                w.Line($"global::Axon.Kernels.Dense.Backward({input}, {Weight(l)}, {pre}, {output}, {grad},");
                w.Line($"    {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, {l.InFeatures}, {l.OutFeatures}, {ActivationExpression(l)},");
                w.Line($"    gradIsPreActivation: false, computeParameterGradients: {parameters}, computeInputGradient: below,");
                w.Line($"    __core.Pool, __core.Buffer(__Scratch, n * {l.OutFeatures}));");
                break;
            case "Conv2D":
                w.Line($"global::Axon.Kernels.Conv2D.Backward({input}, {Weight(l)}, {pre}, {output}, {grad},");
                w.Line($"    {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, __{l.Name}Shape, {ActivationExpression(l)},");
                w.Line($"    computeParameterGradients: {parameters}, computeInputGradient: below, __ConvScratch, __core.Pool);");
                break;
            case "MaxPool2D":
                w.Line($"if (below) global::Axon.Kernels.MaxPool2D.Backward({input}, {grad}, {inputGrad}, n, __{l.Name}Shape);");
                break;
            case "AvgPool2D":
                w.Line($"if (below) global::Axon.Kernels.AvgPool2D.Backward({grad}, {inputGrad}, n, __{l.Name}Shape);");
                break;
            case "GlobalAveragePool":
                w.Line($"if (below) global::Axon.Kernels.GlobalAveragePool.Backward({grad}, {inputGrad}, n, {inShape.Channels}, {inShape.Height * inShape.Width});");
                break;
            case "Flatten":
                if (!l.Aliases) w.Line($"if (below) {grad}.CopyTo({inputGrad});");
                break;
            case "Dropout":
                w.Line($"if (below && __training) global::Axon.Kernels.Dropout.Backward({Buffer($"__{l.Name}Mask", $"n * {l.OutFeatures}")}, {grad}, {inputGrad});");
                w.Line($"else if (below) {grad}.CopyTo({inputGrad});");
                break;
            case "BatchNorm":
                w.Line($"if ({Trains(l)})");
                w.Line($"    global::Axon.Kernels.BatchNorm.BackwardTraining({Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, {Weight(l)}, __core.Fixed(__{l.Name}InvStd, {inShape.Channels}), {grad},");
                w.Line($"        {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, {inShape.Channels}, {inShape.Height * inShape.Width}, {parameters}, below);");
                w.Line("else");
                w.Line($"    global::Axon.Kernels.BatchNorm.BackwardInference({input}, {Weight(l)}, p.Slice(__{l.Name}RunningMean, {inShape.Channels}), p.Slice(__{l.Name}RunningVar, {inShape.Channels}), {grad},");
                w.Line($"        {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, {inShape.Channels}, {inShape.Height * inShape.Width}, {Literals.Float(l.Epsilon)}, {parameters}, below);");
                break;
            case "LayerNorm":
                w.Line($"global::Axon.Kernels.LayerNorm.Backward({Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, {Weight(l)}, {Buffer($"__{l.Name}InvStd", "n")}, {grad},");
                w.Line($"    {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, {l.InFeatures}, {parameters}, below);");
                break;
        }
    }
}
