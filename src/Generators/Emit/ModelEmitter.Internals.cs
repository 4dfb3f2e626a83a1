using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

internal static partial class ModelEmitter
{
    private static void EmitInternals(SourceWriter w, ModelPlan plan)
    {
        // Forward: one fused kernel call per layer (GEMM/convolution + bias + activation), activations kept for backward.
        w.Open($"private void __Forward({ReadOnlySpan} x, int n, bool training = false)");
        w.Line("var p = __core.Parameters.Span;");
        if (plan.HasTrainingMode) w.Line("__training = training;");
        for (int i = 0; i < plan.Layers.Count; i++)
            EmitForward(w, plan, i);
        w.Close();
        w.Line();

        // Backward: layers in reverse; a frozen layer skips its weight gradient, and nothing is computed
        // below the point where no layer needs a gradient (the input's gradient only on request).
        // Where a layer is read more than once, its gradient is the sum over its readers: the first
        // reader to run backward writes it, later ones add their part.
        bool chain = plan.Layers.Select((l, i) => l.Sources.Count == 1 && l.Sources[0] == i - 1).All(b => b);
        var read = new bool[plan.Layers.Count];
        foreach (var l in plan.Layers) foreach (int j in l.Sources) if (j >= 0) read[j] = true;
        var written = new System.Collections.Generic.HashSet<int>();
        w.Open($"private void __Backward({ReadOnlySpan} x, int n, bool parameterGradients, {Span} inputGradient)");
        w.Line("var p = __core.Parameters.Span;");
        w.Line("var g = __core.Gradients.Span;");
        w.Line("bool wantInput = !inputGradient.IsEmpty;");
        w.Line("if (parameterGradients) __core.GradientRows = n;   // the optimizer splits its update as the weight gradients were split");
        // With input members, each writes only its own columns of the input gradient (ids none), so
        // it starts cleared and every part is added.
        bool members = plan.Layers.Any(l => l.Kind == "Input");
        if (members)
        {
            w.Line("if (wantInput) inputGradient.Clear();");
            written.Add(-1);
        }
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            var l = plan.Layers[i];
            if (i < plan.Layers.Count - 1 && !read[i]) continue;   // never read (AXN0209): no gradient reaches it
            if (l.Aliases) continue;                                // an aliasing Flatten's gradient is its source's already
            var ancestors = Ancestors(plan, i);
            var terms = new System.Collections.Generic.List<string>();
            if (ancestors.Contains(-1)) terms.Add("wantInput");
            var trainable = ancestors.Where(j => j >= 0 && plan.Layers[j].HasParameters).OrderBy(j => j).Select(j => plan.Layers[j].LoraRank > 0
                ? $"!__layer_{plan.Layers[j].Name}.IsFrozen || !__adapter_{plan.Layers[j].Name}.IsFrozen"
                : $"!__layer_{plan.Layers[j].Name}.IsFrozen").ToList();
            if (trainable.Count > 0) terms.Add("(parameterGradients && (" + string.Join(" || ", trainable) + "))");
            string needBelow = terms.Count == 0 ? "false" : string.Join(" || ", terms);
            var accumulate = l.Sources.Select(j => !written.Add(j)).ToArray();
            if (l.Aliases) accumulate = [false];
            w.Open("");
            w.Line($"bool below = {needBelow};");
            if (!chain && !l.HasParameters) w.Open("if (below)");
            EmitBackward(w, plan, i, accumulate);
            if (!chain && !l.HasParameters) w.Close();
            if (chain && i > 0) w.Line("if (!below) return;");
            w.Close();
        }
        w.Close();
    }

    /// <summary>Every layer index (and -1 for the input) that <paramref name="i"/> reads directly or through others.</summary>
    private static System.Collections.Generic.HashSet<int> Ancestors(ModelPlan plan, int i)
    {
        var found = new System.Collections.Generic.HashSet<int>();
        var stack = new System.Collections.Generic.Stack<int>(plan.Layers[i].Sources);
        while (stack.Count > 0)
        {
            int j = stack.Pop();
            if (!found.Add(j) || j < 0) continue;
            foreach (int s in plan.Layers[j].Sources) stack.Push(s);
        }
        return found;
    }

    // Buffer expressions. A layer reads its sources' outputs (the model input is x); an aliasing
    // Flatten has no buffers of its own and stands for its source's.
    private static string Source(ModelPlan plan, int j) => j < 0 ? "x" : Out(plan, j);

    private static string SourceGrad(ModelPlan plan, int j) => j < 0 ? "inputGradient" : Grad(plan, j);

    private static string In(ModelPlan plan, int i, int k = 0) => Source(plan, plan.Layers[i].Sources[k]);

    private static string Out(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? In(plan, i) : $"__core.Buffer(__{l.Name}Output, n * {l.OutFeatures})";
    }

    private static string Grad(ModelPlan plan, int i)
    {
        var l = plan.Layers[i];
        return l.Aliases ? SourceGrad(plan, l.Sources[0]) : $"__core.Buffer(__{l.Name}Gradient, n * {l.OutFeatures})";
    }

    private static int SourceSize(ModelPlan plan, int j) => j < 0 ? plan.InputSize : plan.Layers[j].OutFeatures;

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
            case "Dense" when l.LoraRank > 0:
                // z = x·Wᵀ + b, plus the adapter unless merged, then the activation.
                w.Line($"global::Axon.Kernels.Dense.Forward({input}, {Weight(l)}, {Bias(l)}, {pre}, {pre}, n, {l.InFeatures}, {l.OutFeatures}, default(global::Axon.Kernels.IdentityActivation), __core.Pool);");
                w.Line($"if (!__adaptersMerged) global::Axon.Kernels.LoRA.Forward({input}, p.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), p.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}), {Literals.Float(l.LoraScale)}, {pre}, {Buffer($"__{l.Name}LoraU", $"n * {l.LoraRank}")}, {Buffer("__LoraScratch", $"n * {l.OutFeatures}")}, n, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank});");
                if (l.Activation != ActivationKind.Identity)
                    w.Line($"global::Axon.Kernels.Dense.Activate({pre}, {output}, n, {l.OutFeatures}, {ActivationExpression(l)});");
                break;
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
            case "Flatten" or "Reshape":
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
            case "Add" or "Multiply":
            {
                string op = l.Kind == "Add" ? "Add" : "Multiply";
                w.Line($"global::System.Numerics.Tensors.TensorPrimitives.{op}({In(plan, i, 0)}, {In(plan, i, 1)}, {output});");
                for (int k = 2; k < l.Sources.Count; k++)
                    w.Line($"global::System.Numerics.Tensors.TensorPrimitives.{op}({output}, {In(plan, i, k)}, {output});");
                break;
            }
            case "Concat":
            {
                int offset = 0;
                for (int k = 0; k < l.Sources.Count; k++)
                {
                    int width = SourceSize(plan, l.Sources[k]);
                    w.Line($"global::Axon.Kernels.Merge.Place({In(plan, i, k)}, {output}, n, {width}, {l.OutFeatures}, {offset});");
                    offset += width;
                }
                break;
            }
            case "Input":
                w.Line($"global::Axon.Kernels.Merge.Take(x, {output}, n, {l.OutFeatures}, InputSize, {l.RowOffset}, accumulate: false);");
                break;
            case "Embedding":
                w.Line($"global::Axon.Kernels.Embedding.Forward({input}, {Weight(l)}, {output}, n * {l.InFeatures}, {l.Kernel}, {l.OutFeatures / System.Math.Max(l.InFeatures, 1)});");
                break;
            case "Dot":
                w.Line($"global::Axon.Kernels.Merge.Dot({In(plan, i, 0)}, {In(plan, i, 1)}, {output}, n, {l.InFeatures});");
                break;
            case "LayerNorm":
                w.Line($"global::Axon.Kernels.LayerNorm.Forward({input}, {Weight(l)}, {Bias(l)}, {output}, {Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, {Buffer($"__{l.Name}InvStd", "n")}, n, {l.InFeatures}, {Literals.Float(l.Epsilon)});");
                break;
        }
    }

    private static void EmitBackward(SourceWriter w, ModelPlan plan, int i, bool[] accumulate)
    {
        var l = plan.Layers[i];
        string input = In(plan, i), output = Out(plan, i), grad = Grad(plan, i);
        // A single-input layer's kernel overwrites its input gradient; when another reader already
        // wrote it, the kernel writes to the scratch buffer and the part is added afterwards.
        string target = SourceGrad(plan, l.Sources[0]);
        string inputGrad = accumulate[0] ? $"__core.Buffer(__GradientScratch, n * {SourceSize(plan, l.Sources[0])})" : target;
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
                if (l.LoraRank > 0)
                {
                    w.Line($"if (!__adaptersMerged) global::Axon.Kernels.LoRA.Backward({input}, p.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), p.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}), {Literals.Float(l.LoraScale)},");
                    w.Line($"    {grad}, {Buffer($"__{l.Name}LoraU", $"n * {l.LoraRank}")}, {Buffer($"__{l.Name}LoraV", $"n * {l.LoraRank}")}, g.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), g.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}),");
                    w.Line($"    {inputGrad}, {Buffer("__LoraScratch", $"n * {l.InFeatures}")}, n, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank}, parameterGradients && !__adapter_{l.Name}.IsFrozen, below);");
                }
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
            case "Flatten" or "Reshape":
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
            case "Add":
                for (int k = 0; k < l.Sources.Count; k++)
                    w.Line($"{IfWanted(l, k)}global::Axon.Kernels.Merge.Pass({grad}, {SourceGrad(plan, l.Sources[k])}, accumulate: {Bool(accumulate[k])});");
                break;
            case "Multiply":
                w.Line($"{IfWanted(l, 0)}global::Axon.Kernels.Merge.Scale({grad}, {In(plan, i, 1)}, {SourceGrad(plan, l.Sources[0])}, accumulate: {Bool(accumulate[0])});");
                w.Line($"{IfWanted(l, 1)}global::Axon.Kernels.Merge.Scale({grad}, {In(plan, i, 0)}, {SourceGrad(plan, l.Sources[1])}, accumulate: {Bool(accumulate[1])});");
                break;
            case "Concat":
            {
                int offset = 0;
                for (int k = 0; k < l.Sources.Count; k++)
                {
                    int width = SourceSize(plan, l.Sources[k]);
                    w.Line($"{IfWanted(l, k)}global::Axon.Kernels.Merge.Take({grad}, {SourceGrad(plan, l.Sources[k])}, n, {width}, {l.OutFeatures}, {offset}, accumulate: {Bool(accumulate[k])});");
                    offset += width;
                }
                break;
            }
            case "Input":
                // Ids have no gradient; their columns stay as cleared.
                if (!l.Ids) w.Line($"if (wantInput) global::Axon.Kernels.Merge.Place({grad}, inputGradient, n, {l.OutFeatures}, InputSize, {l.RowOffset}, accumulate: true);");
                break;
            case "Embedding":
                w.Line($"if ({parameters}) global::Axon.Kernels.Embedding.Backward({input}, {grad}, {Weight(l, "g")}, n * {l.InFeatures}, {l.Kernel}, {l.OutFeatures / System.Math.Max(l.InFeatures, 1)});");
                break;
            case "Dot":
                w.Line($"{IfWanted(l, 0)}global::Axon.Kernels.Merge.DotBackward({grad}, {In(plan, i, 1)}, {SourceGrad(plan, l.Sources[0])}, n, {l.InFeatures}, accumulate: {Bool(accumulate[0])});");
                w.Line($"{IfWanted(l, 1)}global::Axon.Kernels.Merge.DotBackward({grad}, {In(plan, i, 0)}, {SourceGrad(plan, l.Sources[1])}, n, {l.InFeatures}, accumulate: {Bool(accumulate[1])});");
                break;
            case "LayerNorm":
                w.Line($"global::Axon.Kernels.LayerNorm.Backward({Buffer($"__{l.Name}Normalized", $"n * {l.OutFeatures}")}, {Weight(l)}, {Buffer($"__{l.Name}InvStd", "n")}, {grad},");
                w.Line($"    {Weight(l, "g")}, {Bias(l, "g")}, {inputGrad}, n, {l.InFeatures}, {parameters}, below);");
                break;
        }
        if (accumulate[0] && l.Kind is not ("Add" or "Multiply" or "Concat" or "Dot") && !l.Aliases)
            w.Line($"if (below) global::System.Numerics.Tensors.TensorPrimitives.Add({target}, {inputGrad}, {target});");
    }

    /// <summary>An operand that is the model input gets a gradient only when the caller asked for one.</summary>
    private static string IfWanted(LayerPlan l, int k) => l.Sources[k] < 0 ? "if (wantInput) " : "";

    private static string Bool(bool b) => b ? "true" : "false";
}