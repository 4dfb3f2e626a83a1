namespace Axon.Generators.Model;

/// <summary>Where a slot lives.</summary>
internal enum SlotRegion
{
    /// <summary>In the parameter arena after the layer's biases, not trained (BatchNorm's running statistics).</summary>
    Parameters,

    /// <summary>In the workspace, per sample (scaled by the batch at run time).</summary>
    Workspace,

    /// <summary>In the fixed buffers, once per model whatever the batch.</summary>
    Fixed,
}

/// <summary>A named slot with its constant offset: emitted as <c>__{Member}{Name}</c>.</summary>
internal readonly record struct LayerSlot(string Name, SlotRegion Region, int Offset, int Length);

/// <summary>Where one attribute argument of a layer is written, by parameter name (<c>units</c>, <c>Stride</c>, …).</summary>
internal sealed record ArgumentLocation(string Argument, LocationInfo? Location);
