using System.Collections.Generic;
using Axon.Generators.Layers;
using Axon.Generators.Model;

namespace Axon.Generators.Analysis;

/// <summary>
/// One layer's part of the arenas, relative to where the layer starts: the single place that sizes them. Shape
/// inference sums these to report a model too large for an arena (AXN0106) on the layer that overflows it; the
/// planner adds them to running offsets. Every block starts on a 64-byte (16-float) boundary.
/// </summary>
/// <param name="ParameterFloats">Weights, biases and non-trainable slots, rounded up to the alignment.</param>
/// <param name="WorkspaceFloats">Per sample: output, pre-activation, gradient and workspace slots.</param>
/// <param name="FixedFloats">Fixed buffers (once per model).</param>
/// <param name="Output">Relative per-sample offset of the output, or -1 when the layer aliases its source.</param>
/// <param name="PreActivation">Relative offset of the pre-activation, or -1.</param>
/// <param name="Gradient">Relative offset of ∂L/∂output, or -1 when the layer aliases its source.</param>
/// <param name="Slots">The kind's slots with offsets relative to the layer's start in their region.</param>
internal sealed record ArenaLayout(
    long WeightCount, long BiasCount, long ParameterFloats, long WorkspaceFloats, long FixedFloats,
    long Output, long PreActivation, long Gradient, IReadOnlyList<(SlotRequest Request, long Offset)> Slots)
{
    /// <summary>Floats per alignment unit: 64 bytes, one cache line.</summary>
    public const int Align = 16;

    public static long RoundUp(long n) => (n + Align - 1) / Align * Align;

    /// <summary>The layout of a layer of <paramref name="kind"/> between <paramref name="input"/> and <paramref name="output"/>.</summary>
    /// <param name="aliases">Whether the layer reads its source's buffers in place (<see cref="Aliases"/>).</param>
    public static ArenaLayout Of(LayerKind kind, LayerSettings settings, TensorShape input, TensorShape output, bool aliases)
    {
        long weights = kind.WeightCount(settings, input, output), biases = kind.BiasCount(settings, input, output);
        long width = RoundUp(output.Size);
        long parameters = weights + biases, workspace = 0, fixedLength = 0, outputAt = -1, pre = -1, gradient = -1;
        if (!aliases)
        {
            outputAt = workspace; workspace += width;
            if (settings.Activation is { } a && ActivationSettings.NeedsPreActivation(a.Kind)) { pre = workspace; workspace += width; }
            gradient = workspace; workspace += width;
        }
        var slots = new List<(SlotRequest, long)>();
        foreach (var slot in kind.Slots(settings, input, output))
        {
            switch (slot.Region)
            {
                case SlotRegion.Parameters: slots.Add((slot, parameters)); parameters += slot.Length; break;   // right after one another
                case SlotRegion.Workspace: slots.Add((slot, workspace)); workspace += RoundUp(slot.Length); break;
                default: slots.Add((slot, fixedLength)); fixedLength += RoundUp(slot.Length); break;
            }
        }
        return new ArenaLayout(weights, biases, RoundUp(parameters), workspace, fixedLength, outputAt, pre, gradient, slots);
    }

    /// <summary>
    /// Whether layer <paramref name="i"/> reads its input's buffers in place: a shape-only kind that is the only reader
    /// of its source and has one reader itself (so gradients need no accumulation through it), not the first or last layer.
    /// </summary>
    /// <param name="readers">readers[j + 1]: how many edges read layer j (index 0: the model input).</param>
    public static bool Aliases(LayerKind kind, int i, int count, int source, int[] readers) =>
        kind.CanAlias && source >= 0 && i < count - 1 && readers[source + 1] == 1 && readers[i + 1] == 1;
}
