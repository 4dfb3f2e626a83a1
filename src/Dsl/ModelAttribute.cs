using System;

namespace Axon;

/// <summary>
/// Marks a <c>partial</c> class as an Axon model. The Axon generator reads the class's layer
/// members in declaration order, infers every shape at compile time and emits the network:
/// forward, backward, loss, optimizer step, <c>Predict</c>, <c>TrainStep</c>, <c>Evaluate</c>,
/// <c>InputGradient</c> and safetensors save/load.
/// </summary>
/// <remarks>
/// The class also needs an <see cref="InputAttribute"/>, at least one layer member, and a
/// <see cref="Loss"/>. The optimizer is Adam (learning rate 1e-3) unless an
/// <see cref="SgdAttribute"/>, <see cref="AdamAttribute"/> or <see cref="AdamWAttribute"/> says otherwise.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>The training loss. Default: <see cref="Axon.Loss.None"/>, which is an error (AXN0005).</summary>
    public Loss Loss { get; set; }

    /// <summary>
    /// Seed of the parameter initialisation and of data shuffling. Default: 42. The same seed and the
    /// same thread count give bitwise-identical results.
    /// </summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Largest batch the activation workspace is sized for at construction. Default: 256. Larger
    /// batches are rejected with an exception; the constructor can override it per instance.
    /// </summary>
    public int MaxBatchSize { get; set; } = 256;
}
