using System;

namespace Axon;

/// <summary>
/// Low-rank adapters (Hu et al., 2021) on Dense layers: each target's weight <c>W</c> (<c>[out, in]</c>)
/// is frozen and the layer computes <c>z = x·Wᵀ + b + (α/r)·(x·Aᵀ)·Bᵀ</c> with trainable
/// <c>A</c> (<c>[r, in]</c>, Kaiming-uniform as PyTorch's <c>nn.Linear</c>) and <c>B</c>
/// (<c>[out, r]</c>, zeros), so a fresh adapter leaves the model's outputs exactly as they were.
/// The generated model gets <c>MergeAdapters()</c> (<c>W += (α/r)·B·A</c>, for inference without the
/// extra products), <c>UnmergeAdapters()</c>, and <c>SaveAdapters</c>/<c>LoadAdapters</c>, which
/// write and read only the adapters (<c>name.lora_A.weight</c>, <c>name.lora_B.weight</c>, PEFT's names).
/// </summary>
/// <example><c>[LoRA(8, nameof(Hidden), nameof(Logits), Alpha = 16f)]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LoRAAttribute : Attribute
{
    /// <summary>Declares adapters.</summary>
    /// <param name="rank">The rank <c>r</c>; positive, at most the layer's smaller dimension.</param>
    /// <param name="targets">The Dense layers to adapt, as <c>nameof(Layer)</c>.</param>
    public LoRAAttribute(int rank, params string[] targets)
    {
        Rank = rank;
        Targets = targets;
    }

    /// <summary>The rank <c>r</c>.</summary>
    public int Rank { get; }

    /// <summary>The adapted layers.</summary>
    public string[] Targets { get; }

    /// <summary>The scale numerator α: adapters contribute <c>α/r</c> times their product. Default: the rank (scale 1).</summary>
    public float Alpha { get; set; }
}
