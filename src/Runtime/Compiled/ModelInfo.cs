using System.ComponentModel;
using Axon.Serialization;

namespace Axon.Compiled;

/// <summary>
/// For generated code: what the runtime drivers need to know about one model class, fixed at compile
/// time and shared by every instance (sizes, loss, the output layer's buffers, the tensor map).
/// </summary>
/// <param name="Name">The model class's name, used in messages.</param>
/// <param name="InputSize">Input values per sample.</param>
/// <param name="OutputSize">Output values per sample.</param>
/// <param name="Loss">The declared loss.</param>
/// <param name="ParameterArenaLength">Floats in the parameter arena (parameters plus alignment padding).</param>
/// <param name="WorkspacePerSample">Workspace floats per sample slot.</param>
/// <param name="FixedLength">Floats in the buffers that do not scale with the batch (statistics, convolution scratch).</param>
/// <param name="OutputBuffer">Per-sample offset of the output layer's values in the workspace.</param>
/// <param name="OutputGradientBuffer">Per-sample offset of ∂L/∂outputs in the workspace.</param>
/// <param name="Tensors">The safetensors key map.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record ModelInfo(string Name, int InputSize, int OutputSize, Loss Loss, int ParameterArenaLength, int WorkspacePerSample,
    int FixedLength, int OutputBuffer, int OutputGradientBuffer, TensorSpec[] Tensors)
{
    /// <summary>Whether targets are class indices (softmax cross-entropy) or values.</summary>
    public TargetKind TargetKind => Loss == Loss.SoftmaxCrossEntropy ? TargetKind.ClassIndex : TargetKind.Values;

    /// <summary>
    /// Whether accuracy is defined: class indices, or a single binary cross-entropy output (a binary decision). A regression
    /// (mean squared error) has none, whatever its output count; it reports the mean absolute error instead (<see cref="IsRegression"/>).
    /// </summary>
    public bool HasAccuracy => Loss == Loss.SoftmaxCrossEntropy || (OutputSize == 1 && Loss == Loss.BinaryCrossEntropy);

    /// <summary>Whether the model is a regression (mean squared error), whose evaluations report the mean absolute error.</summary>
    public bool IsRegression => Loss == Loss.MeanSquaredError;
}
