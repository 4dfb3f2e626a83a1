using Axon.Generators.Model;

namespace Axon.Generators.Emit;

internal static partial class ModelEmitter
{
    /// <summary>
    /// The public Forward / Backward / ApplyGradients trio: training against any differentiable
    /// function of the outputs (TRADES' KL term, distillation, Jacobian rows), not only the declared loss.
    /// The caller's ∂L/∂outputs goes exactly where <c>__LossBackward</c> writes the loss gradient (the
    /// output layer's gradient buffer, post-activation), so <c>__Backward</c> runs unchanged.
    /// </summary>
    private static void EmitForwardBackwardApi(SourceWriter w, ModelPlan plan)
    {
        string name = Literals.String(plan.Type.Name);
        var last = plan.Layers[plan.Layers.Count - 1];
        string mode = plan.HasTrainingMode
            ? "/// <paramref name=\"training\"/> selects training mode as <c>TrainStep</c> runs it (dropout masks drawn, BatchNorm on the batch's"
            : "/// <paramref name=\"training\"/> selects training mode as <c>TrainStep</c> runs it (this model has no dropout or BatchNorm, so both modes";
        w.Line("/// <summary>");
        w.Line("/// Runs the network on one batch and keeps every activation for <see cref=\"Backward\"/>: <paramref name=\"inputs\"/> is");
        w.Line("/// <c>[n, InputSize]</c> with <c>n ≤ MaxBatchSize</c>, <paramref name=\"outputs\"/> receives <c>[n, OutputSize]</c>, the output");
        w.Line("/// layer's values (the logits for a logits loss; no loss is applied).");
        w.Line(mode);
        w.Line(plan.HasTrainingMode
            ? "/// statistics, which also updates its running statistics) or inference mode as <c>Predict</c> runs it. No allocation."
            : "/// compute the same) or inference mode as <c>Predict</c> runs it. No allocation.");
        w.Line("/// </summary>");
        w.Open($"public void Forward({ReadOnlySpan} inputs, {Span} outputs, bool training)");
        w.Line($"int n = {Guard}.Rows(inputs.Length, InputSize, \"inputs\", {name});");
        w.Line($"{Guard}.Length(outputs.Length, n * OutputSize, \"outputs\", {name});");
        w.Line($"{Guard}.Batch(n, __core.MaxBatchSize, {name});");
        w.Line($"{Guard}.Finite(inputs, \"inputs\");");
        w.Line("__Forward(inputs, n, training);");
        w.Line($"__core.Buffer(__{last.Name}Output, n * OutputSize).CopyTo(outputs);");
        w.Line("__forwardRows = n;");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Back-propagates <paramref name=\"outputGradient\"/> = ∂L/∂outputs (<c>[n, OutputSize]</c>, for the outputs of the");
        w.Line("/// <see cref=\"Forward\"/> call made immediately before, on the same <paramref name=\"inputs\"/>) through the network, in the");
        w.Line("/// mode that Forward ran in. With <paramref name=\"parameterGradients\"/>, <see cref=\"Gradients\"/> is overwritten with");
        w.Line("/// ∂L/∂θ as <c>ComputeGradients</c> does (frozen layers' entries are left as they were); a non-empty");
        w.Line("/// <paramref name=\"inputGradient\"/> (<c>[n, InputSize]</c>) receives ∂L/∂x (0 for id inputs). No scaling is applied:");
        w.Line("/// for a mean over the batch, pass ∂(mean)/∂outputs. Each Forward allows one Backward; any other call in between");
        w.Line("/// (prediction, training, <see cref=\"ApplyGradients\"/>, loading, re-initialising) throws <see cref=\"global::System.InvalidOperationException\"/>.");
        w.Line("/// Parameters written directly through <see cref=\"Parameters\"/> in between, or layers frozen in between, are not detected.");
        w.Line("/// </summary>");
        w.Open($"public void Backward({ReadOnlySpan} inputs, {ReadOnlySpan} outputGradient, {Span} inputGradient, bool parameterGradients)");
        w.Line("int n = __forwardRows;");
        w.Line("if (n < 0)");
        w.Line($"    throw new global::System.InvalidOperationException({name} + \".Backward needs the activations of a Forward call made immediately before it; none is available (Forward was not called, or another call such as Predict, TrainStep, Evaluate, InputGradient, ApplyGradients or a previous Backward used or invalidated them).\");");
        w.Line("if (inputs.Length != n * InputSize)");
        w.Line($"    throw new global::System.InvalidOperationException({name} + \".Backward was given \" + inputs.Length + \" input values, but the preceding Forward ran on \" + n + \" rows (\" + n * InputSize + \" values); pass the same inputs.\");");
        w.Line($"{Guard}.Length(outputGradient.Length, n * OutputSize, \"outputGradient\", {name});");
        w.Line($"if (!inputGradient.IsEmpty) {Guard}.Length(inputGradient.Length, n * InputSize, \"inputGradient\", {name});");
        w.Line($"{Guard}.Finite(outputGradient, \"outputGradient\");");
        w.Line("__forwardRows = -1;   // one Backward per Forward: a strict contract leaves kernels free to reuse activation buffers");
        w.Line($"outputGradient.CopyTo(__core.Buffer(__{last.Name}Gradient, n * OutputSize));");
        w.Line("__Backward(inputs, n, parameterGradients, inputGradient);");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// One optimizer step with the current <see cref=\"Gradients\"/> (from <see cref=\"Backward\"/> or <c>ComputeGradients</c>):");
        w.Line("/// every layer that is not frozen is updated, exactly as the update inside <c>TrainStep</c>.");
        w.Line("/// </summary>");
        w.Open("public void ApplyGradients()");
        w.Line("__forwardRows = -1;");
        w.Line("__core.OptimizerStep();");
        w.Close();
        w.Line();
    }
}
