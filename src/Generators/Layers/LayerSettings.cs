namespace Axon.Generators.Layers;

/// <summary>
/// A layer's own settings, as values: each kind declares a small record deriving from this one. Settings hold
/// no source positions (those travel in <see cref="Model.LayerSpec.Arguments"/>), so they go into the plan
/// unchanged and moving a declaration leaves the plan equal. Records: structurally equal, so caching holds.
/// </summary>
internal abstract record LayerSettings
{
    /// <summary>The activation applied after the layer's product; identity for kinds without one.</summary>
    public virtual ActivationSettings? Activation => null;

    /// <summary>The declared size (Dense units, Conv2D filters, Embedding dimension), or 0 when the kind has none.</summary>
    public virtual int Size => 0;
}

/// <summary>The settings of a kind that has none (Flatten, GlobalAveragePool, the merges).</summary>
internal sealed record NoSettings : LayerSettings
{
    public static NoSettings Instance { get; } = new();
}
