using System;

namespace Axon;

/// <summary>
/// Transfer learning, checked at compile time: names a pretrained Axon model class and the layers
/// to take from it. The generator checks that every listed layer exists in both models with the
/// same kind and shapes (errors AXN0401-AXN0403 on the argument otherwise) and emits
/// <c>CopyFrom(pretrained)</c>, which copies exactly those layers' parameters (weights, biases and,
/// for BatchNorm, running statistics) and nothing else.
/// </summary>
/// <example>
/// <code>
/// [TransferFrom(typeof(PretrainedNet), nameof(Conv1), nameof(Conv2), "Body=Hidden")]
/// </code>
/// takes <c>Conv1</c> and <c>Conv2</c> by name, and this model's <c>Body</c> from the pretrained <c>Hidden</c>.
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TransferFromAttribute : Attribute
{
    /// <summary>Declares the transfer.</summary>
    /// <param name="pretrained">The pretrained model's class (a <c>[Model]</c> class).</param>
    /// <param name="layers">
    /// Layers of this model to copy: <c>nameof(Layer)</c> for a layer of the same name in the
    /// pretrained model, or <c>"Target=Source"</c> to take it from a differently named one.
    /// </param>
    public TransferFromAttribute(Type pretrained, params string[] layers)
    {
        Pretrained = pretrained;
        Layers = layers;
    }

    /// <summary>The pretrained model's class.</summary>
    public Type Pretrained { get; }

    /// <summary>The layers to copy, as written.</summary>
    public string[] Layers { get; }
}
