using System;
using System.Collections.Generic;
using System.ComponentModel;
using Axon.Optimizers;
using Axon.Serialization;

namespace Axon;

/// <summary>
/// The state one generated model owns, allocated once at construction: the parameter and gradient
/// arenas (same layout), the optimizer and its state, and the activation workspace sized for
/// <see cref="MaxBatchSize"/>. Generated code addresses all of it by constant offsets.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ModelCore
{
    private Layer[] _layers = [];

    /// <summary>For generated code.</summary>
    public ModelCore(string modelName, int parameterCount, int workspacePerSample, int maxBatchSize, Optimizer optimizer, TensorSpec[] tensors, int fixedLength = 0)
    {
        if (maxBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $"{modelName} needs a positive maxBatchSize.");
        if ((long)workspacePerSample * maxBatchSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize,
                $"{modelName}'s workspace of {workspacePerSample} floats per sample does not fit {maxBatchSize} samples in one array.");
        ModelName = modelName;
        MaxBatchSize = maxBatchSize;
        Parameters = new Arena(parameterCount);
        Gradients = new Arena(parameterCount);
        Workspace = new Arena(workspacePerSample * maxBatchSize);
        FixedBuffers = new Arena(fixedLength);
        Optimizer = optimizer;
        optimizer.Bind(parameterCount);
        Tensors = tensors;
    }

    /// <summary>The model class's name.</summary>
    public string ModelName { get; }

    /// <summary>Largest batch the workspace holds.</summary>
    public int MaxBatchSize { get; }

    /// <summary>All parameters, layer after layer (weight then bias).</summary>
    public Arena Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>.</summary>
    public Arena Gradients { get; }

    /// <summary>Activations and their gradients for up to <see cref="MaxBatchSize"/> samples.</summary>
    public Arena Workspace { get; }

    /// <summary>
    /// Buffers whose size does not scale with the batch: per-channel BatchNorm statistics of the last
    /// forward pass and the convolution scratch (im2col columns), shared by all layers.
    /// </summary>
    public Arena FixedBuffers { get; }

    /// <summary>A slice of <see cref="FixedBuffers"/>.</summary>
    public Span<float> Fixed(int offset, int length) => FixedBuffers.Slice(offset, length);

    /// <summary>
    /// Threads the kernels use (the caller plus <c>Threads - 1</c> pooled workers). Default: 1.
    /// Results are bitwise identical for any value: work is split by output rows, never by the
    /// reduction.
    /// </summary>
    public int Threads
    {
        get => Pool?.Threads ?? 1;
        set => Pool = value == 1 ? null : Kernels.WorkerPool.Get(value);
    }

    /// <summary>The worker pool for <see cref="Threads"/> &gt; 1, else null.</summary>
    public Kernels.WorkerPool? Pool { get; private set; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The safetensors key map: name, shape and arena offset of every tensor.</summary>
    public TensorSpec[] Tensors { get; }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>For generated code: registers the layer handles once they exist.</summary>
    public void SetLayers(Layer[] layers) => _layers = layers;

    /// <summary>
    /// A workspace buffer: buffers are laid out per sample-slot, so a buffer of <c>width</c>
    /// values per sample starts at <c>perSampleOffset·MaxBatchSize</c>.
    /// </summary>
    public Span<float> Buffer(int perSampleOffset, int length) => Workspace.Slice(perSampleOffset * MaxBatchSize, length);

    /// <summary>One optimizer step over every layer that is not frozen.</summary>
    public void OptimizerStep()
    {
        Optimizer.BeginStep();
        var p = Parameters.Span;
        var g = Gradients.Span;
        foreach (var layer in _layers)
            if (!layer.IsFrozen && layer.ParameterCount > 0)
                Optimizer.Update(p, g, layer.ParameterOffset, layer.ParameterCount, layer.LearningRateScale);
    }

    /// <summary>Writes the parameters to <paramref name="path"/> as safetensors, atomically.</summary>
    public void Save(string path) => SafeTensors.Save(path, Parameters.Span, Tensors, ModelName);

    /// <summary>Reads parameters from <paramref name="path"/>; validates everything before changing anything.</summary>
    public void Load(string path) => SafeTensors.Load(path, Parameters.Span, Tensors, ModelName);

    /// <summary>Writes only the listed tensors (e.g. a model's adapters), atomically.</summary>
    public void Save(string path, TensorSpec[] tensors) => SafeTensors.Save(path, Parameters.Span, tensors, ModelName);

    /// <summary>Reads exactly the listed tensors; on any error nothing changes.</summary>
    public void Load(string path, TensorSpec[] tensors) => SafeTensors.Load(path, Parameters.Span, tensors, ModelName);
}
