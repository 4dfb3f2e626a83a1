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
        var below = new System.Text.StringBuilder(1024);
        var frozen = new string?[plan.Layers.Count];   // each layer's "not frozen" test, formatted once
        w.Open($"private void __Backward({ReadOnlySpan} x, int n, bool parameterGradients, {Span} inputGradient)");
        w.Line("var p = __core.Parameters.Span;");
        w.Line("var g = __core.Gradients.Span;");
        w.Line("bool wantInput = !inputGradient.IsEmpty;");
        w.Line("if (parameterGradients) __core.GradientRows = n;   // the optimizer splits its update as the weight gradients were split");
        // With input members, each writes only its own columns of the input gradient (ids none), so
        // it starts cleared and every part is added.
        bool members = plan.Layers.Any(l => l.Kind.IsInputMember);
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
            // Whether anything below needs a gradient: the input (when asked for) or a trainable layer that feeds this one.
            var ancestors = Ancestors(plan, i);
            below.Clear();
            if (ancestors[0]) below.Append("wantInput");
            bool anyTrainable = false;
            for (int j = 0; j < plan.Layers.Count; j++)
            {
                if (!ancestors[j + 1] || !plan.Layers[j].HasParameters) continue;
                below.Append(anyTrainable ? " || " : below.Length > 0 ? " || (parameterGradients && (" : "(parameterGradients && (");
                anyTrainable = true;
                below.Append(frozen[j] ??= plan.Layers[j].LoraRank > 0
                    ? $"!__layer_{plan.Layers[j].Name}.IsFrozen || !__adapter_{plan.Layers[j].Name}.IsFrozen"
                    : $"!__layer_{plan.Layers[j].Name}.IsFrozen");
            }
            if (anyTrainable) below.Append("))");
            if (below.Length == 0) below.Append("false");
            var accumulate = l.Sources.Select(j => !written.Add(j)).ToArray();
            if (l.Aliases) accumulate = [false];
            w.Open("");
            w.Line($"bool below = {below};");   // copied into the line: for a deep chain it is long, and one per layer
            if (!chain && !l.HasParameters) w.Open("if (below)");
            EmitBackward(w, plan, i, accumulate);
            if (!chain && !l.HasParameters) w.Close();
            if (chain && i > 0) w.Line("if (!below) return;");
            w.Close();
        }
        w.Close();
    }

    /// <summary>
    /// Which layers <paramref name="i"/> reads directly or through others: entry <c>j + 1</c> for layer <c>j</c>, entry 0
    /// for the input.
    /// </summary>
    private static bool[] Ancestors(ModelPlan plan, int i)
    {
        var found = new bool[plan.Layers.Count + 1];
        var stack = new System.Collections.Generic.Stack<int>(plan.Layers[i].Sources);
        while (stack.Count > 0)
        {
            int j = stack.Pop();
            if (found[j + 1]) continue;
            found[j + 1] = true;
            if (j < 0) continue;
            foreach (int s in plan.Layers[j].Sources) stack.Push(s);
        }
        return found;
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
