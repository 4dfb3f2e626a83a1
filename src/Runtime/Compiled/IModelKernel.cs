using System;
using System.ComponentModel;

namespace Axon.Compiled;

/// <summary>
/// For generated code: the model-specific part of a generated model, which <see cref="ModelDriver"/>
/// drives. Implemented explicitly by every generated model class; everything else (batching loops,
/// argument checks, losses, the concurrent-use guard) is written once, in the driver.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IModelKernel
{
    /// <summary>The model's arenas, optimizer and guard.</summary>
    ModelCore Core { get; }

    /// <summary>Forward pass of <paramref name="n"/> ≤ MaxBatchSize rows; the outputs land in the output layer's buffer.</summary>
    void Forward(ReadOnlySpan<float> x, int n, bool training);

    /// <summary>
    /// Backward pass from ∂L/∂outputs in the output layer's gradient buffer, for the forward pass just run on
    /// <paramref name="x"/>: parameter gradients on request, ∂L/∂x into a non-empty <paramref name="inputGradient"/>.
    /// </summary>
    void Backward(ReadOnlySpan<float> x, int n, bool parameterGradients, Span<float> inputGradient);

    /// <summary>Initialises every parameter from <paramref name="seed"/> (the driver resets the optimizer).</summary>
    void Initialize(int seed);

    /// <summary>
    /// Folds every LoRA adapter into its base weight (<paramref name="sign"/> = 1: <c>W += (α/r)·B·A</c>) or takes it back out
    /// (-1). Models without adapters do not implement it.
    /// </summary>
    void MergeAdapters(float sign) => throw new NotSupportedException($"{Core.ModelName} has no adapters.");
}
