using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

/// <summary>The private <c>__Forward</c> and <c>__Backward</c> of a valid model: each layer kind's emission, in order and in reverse.</summary>
internal static partial class ModelEmitter
{
    private static void EmitForwardBackward(SourceWriter w, ModelPlan plan)
    {
        // Forward: one fused kernel call per layer (GEMM/convolution + bias + activation), activations kept for backward.
        w.Open($"private void __Forward({ReadOnlySpan} x, int n, bool training = false)");
        w.Line("var p = __core.Parameters.Span;");
        if (plan.HasTrainingMode) w.Line("__training = training;");
        for (int i = 0; i < plan.Layers.Count; i++)
            plan.Layers[i].Kind.EmitForward(new LayerEmitContext(w, plan, i, []));
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
        if (plan.Layers.Any(l => l.Kind.IsInputMember))
        {
            w.Line("if (wantInput) inputGradient.Clear();");
            written.Add(-1);
        }
        var below = BelowConditions(w, plan, read);
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            var l = plan.Layers[i];
            if (i < plan.Layers.Count - 1 && !read[i]) continue;   // never read (AXN0209): no gradient reaches it
            if (l.Aliases) continue;                                // an aliasing Flatten's gradient is its source's already
            var accumulate = l.Sources.Select(j => !written.Add(j)).ToArray();
            if (l.Aliases) accumulate = [false];
            w.Open("");
            w.Line($"bool below = {below[i]};");
            if (!chain && !l.HasParameters) w.Open("if (below)");
            EmitBackward(w, plan, i, accumulate);
            if (!chain && !l.HasParameters) w.Close();
            if (chain && i > 0) w.Line("if (!below) return;");
            w.Close();
        }
        w.Close();
    }

    /// <summary>
    /// Each layer's <c>below</c> condition: whether anything it reads needs a gradient, the input (when asked for) or a
    /// trainable, unfrozen layer that feeds it directly or through others. Built bottom up in one pass, so the text is
    /// linear in the layers (spelled out per layer it was quadratic, a quarter of a 50-layer model's source): a layer
    /// with parameters, or with several sources, that another layer reads gets a flag <c>__needs_Name</c> (its own test
    /// or the condition below it), emitted here in declaration order; a one-source layer without parameters passes its
    /// source's condition on. Returns the condition of every layer.
    /// </summary>
    private static string[] BelowConditions(SourceWriter w, ModelPlan plan, bool[] read)
    {
        var needs = new string[plan.Layers.Count];   // whether a gradient must reach layer j's output: a flag, or its source's
        var below = new string[plan.Layers.Count];
        bool comment = false;
        var terms = new System.Collections.Generic.List<string>();
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var l = plan.Layers[i];
            terms.Clear();
            foreach (int s in l.Sources)
            {
                string term = s < 0 ? "wantInput" : needs[s];
                if (term != "false" && !terms.Contains(term)) terms.Add(term);
            }
            below[i] = terms.Count == 0 ? "false" : string.Join(" || ", terms);
            if (!l.HasParameters && l.Sources.Count == 1)
            {
                needs[i] = below[i];
                continue;
            }
            string own = !l.HasParameters ? "" : l.LoraRank > 0
                ? $"parameterGradients && (!__layer_{l.Name}.IsFrozen || !__adapter_{l.Name}.IsFrozen)"
                : $"parameterGradients && !__layer_{l.Name}.IsFrozen";
            string value = own.Length == 0 ? below[i] : below[i] == "false" ? own : $"{below[i]} || {own}";
            if (!read[i] || value == "false" || !value.Contains(" "))
            {
                needs[i] = value;   // unread, or a single name: nothing to name
                continue;
            }
            if (!comment)
            {
                w.Line("// Whether a gradient must reach each layer's output: for its own weights, or for a layer or the input below it.");
                comment = true;
            }
            needs[i] = $"__needs_{l.Name}";
            w.Line($"bool {needs[i]} = {value};");
        }
        return below;
    }

    /// <summary>
    /// Layer <paramref name="i"/>'s backward. A single-input layer's kernel overwrites its input gradient; when another
    /// reader already wrote it, the kernel writes to the scratch buffer and the part is added here afterwards.
    /// </summary>
    private static void EmitBackward(SourceWriter w, ModelPlan plan, int i, bool[] accumulate)
    {
        var context = new LayerEmitContext(w, plan, i, accumulate);
        var l = plan.Layers[i];
        l.Kind.EmitBackward(context);
        if (accumulate[0] && !l.Kind.AccumulatesItself && !l.Aliases)
            w.Line($"if (below) global::System.Numerics.Tensors.TensorPrimitives.Add({context.SourceGrad(0)}, {context.InputGrad}, {context.SourceGrad(0)});");
    }
}
