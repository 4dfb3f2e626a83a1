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
public sealed partial class ModelCore
{
    private Layer[] _layers = [];
    private Arena? _gradients;

    /// <summary>For generated code: the state of a new model, its parameters not yet initialised.</summary>
    public ModelCore(Compiled.ModelInfo info, int maxBatchSize, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(optimizer);
        CheckBatch(info, maxBatchSize);
        Info = info;
        MaxBatchSize = maxBatchSize;
        Parameters = new Arena(info.ParameterArenaLength);
        _gradients = new Arena(info.ParameterArenaLength);
        Workspace = new Arena(info.WorkspacePerSample * maxBatchSize);
        FixedBuffers = new Arena(info.FixedLength);
        Optimizer = optimizer;
        optimizer.Bind(info.ParameterArenaLength);
        _weights = new SharedWeights();
    }

    /// <summary>
    /// An inference session of <paramref name="origin"/>: the same parameter arena (not a copy), its own
    /// workspace for <paramref name="maxBatchSize"/> samples; gradients are allocated on first use.
    /// </summary>
    private ModelCore(ModelCore origin, int maxBatchSize)
    {
        CheckBatch(origin.Info, maxBatchSize);
        Info = origin.Info;
        MaxBatchSize = maxBatchSize;
        Parameters = origin.Parameters;
        Workspace = new Arena(Info.WorkspacePerSample * maxBatchSize);
        FixedBuffers = new Arena(Info.FixedLength);
        Optimizer = origin.Optimizer;
        _weights = origin._weights;
        Origin = origin;
    }

    private static void CheckBatch(Compiled.ModelInfo info, int maxBatchSize)
    {
        if (maxBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $"{info.Name} needs a positive maxBatchSize.");
        if ((long)info.WorkspacePerSample * maxBatchSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize,
                $"{info.Name}'s workspace of {info.WorkspacePerSample} floats per sample does not fit {maxBatchSize} samples in one array; the largest maxBatchSize is {Array.MaxLength / Math.Max(info.WorkspacePerSample, 1)}.");
    }

    /// <summary>For generated code: a session's state over this model's parameters (see <see cref="Origin"/>).</summary>
    public ModelCore CreateSession(int maxBatchSize) => new(this, maxBatchSize);

    /// <summary>The model whose parameters this inference session shares, or null for a model that owns its parameters.</summary>
    public ModelCore? Origin { get; }

    /// <summary>Whether this is an inference session (shared parameters, no training).</summary>
    public bool IsSession => Origin is not null;

    /// <summary>What is fixed at compile time.</summary>
    public Compiled.ModelInfo Info { get; }

    /// <summary>The model class's name.</summary>
    public string ModelName => Info.Name;

    /// <summary>Largest batch the workspace holds.</summary>
    public int MaxBatchSize { get; }

    /// <summary>All parameters, layer after layer (weight then bias).</summary>
    public Arena Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/> (a session allocates them when first needed).</summary>
    public Arena Gradients => _gradients ??= new Arena(Info.ParameterArenaLength);

    /// <summary>Activations and their gradients for up to <see cref="MaxBatchSize"/> samples.</summary>
    public Arena Workspace { get; }

    /// <summary>
    /// Buffers whose size does not scale with the batch: per-channel BatchNorm statistics of the last
    /// forward pass and the convolution scratch (im2col columns), shared by all layers.
    /// </summary>
    public Arena FixedBuffers { get; }

    /// <summary>The output layer's values for the first <paramref name="n"/> rows of the last forward pass.</summary>
    public Span<float> Outputs(int n) => Buffer(Info.OutputBuffer, n * Info.OutputSize);

    /// <summary>∂L/∂outputs for the first <paramref name="n"/> rows, where backward starts.</summary>
    public Span<float> OutputGradient(int n) => Buffer(Info.OutputGradientBuffer, n * Info.OutputSize);

    /// <summary>Rows of the last public Forward whose activations Backward may use; -1 after anything else.</summary>
    public int ForwardRows { get; set; } = -1;

    /// <summary>Correct count of the last training forward pass (IModel.LastTrainCorrect), or -1.</summary>
    public int TrainCorrect { get; set; } = -1;

    /// <summary>Whether LoRA adapters are folded into the base weights.</summary>
    public bool AdaptersMerged { get; set; }

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
    public TensorSpec[] Tensors => Info.Tensors;

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>For generated code: registers the layer handles once they exist.</summary>
    public void SetLayers(Layer[] layers) => _layers = layers;

    /// <summary>
    /// A workspace buffer: buffers are laid out per sample-slot, so a buffer of <c>width</c>
    /// values per sample starts at <c>perSampleOffset·MaxBatchSize</c>.
    /// </summary>
    public Span<float> Buffer(int perSampleOffset, int length) => Workspace.Slice(perSampleOffset * MaxBatchSize, length);

    /// <summary>
    /// One optimizer step over every layer that is not frozen. With <see cref="Threads"/> &gt; 1 and an
    /// element-wise optimizer (<see cref="Optimizer.IsElementwise"/>) the update is split across the
    /// pool: each part updates the weight rows whose gradient the same part computed (the row split of
    /// <see cref="Kernels.ParallelGemm"/>), so gradient, parameter and optimizer state stay in that
    /// core's cache instead of crossing between cores every step. The result is bitwise identical
    /// for any split, since every element is updated on its own.
    /// </summary>
    public unsafe void OptimizerStep()
    {
        Optimizer.BeginStep();
        AddWeightDecay();
        if (Pool is { Threads: > 1 } pool && Optimizer.IsElementwise && AnyUpdateSplits())
        {
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(this);
            try
            {
                var job = new UpdateJob { Core = System.Runtime.InteropServices.GCHandle.ToIntPtr(handle), Parts = pool.Threads };
                pool.Run(&UpdatePart, &job);
            }
            finally { handle.Free(); }
            return;
        }
        var p = Parameters.Span;
        var g = Gradients.Span;
        foreach (var layer in _layers)
            if (!layer.IsFrozen && layer.ParameterCount > 0)
                Optimizer.Update(p, g, layer.ParameterOffset, layer.ParameterCount, layer.LearningRateScale);
    }

    // Layer.WeightDecay: W ← W·(1 − η·scale·λ) before the update, on one thread (one pass over the layer's
    // weight, and only layers that ask for it pay). Decoupled from the gradient as AdamW: added to the
    // gradient, Adam would divide it by √v, and rows an embedding rarely sees would shrink by η every step
    // whatever λ is (measured: the factors of matrix factorisation collapsed to 0).
    private void AddWeightDecay()
    {
        foreach (var layer in _layers)
        {
            float decay = layer.WeightDecay;
            if (decay == 0f || layer.IsFrozen || layer.WeightCount == 0) continue;
            var w = Parameters.Span.Slice(layer.ParameterOffset, layer.WeightCount);
            System.Numerics.Tensors.TensorPrimitives.Multiply(w, 1f - Optimizer.LearningRate * layer.LearningRateScale * decay, w);
        }
    }

    /// <summary>
    /// For generated code: the batch size of the last backward pass that computed parameter
    /// gradients. <see cref="OptimizerStep"/> splits a layer's update across threads only where that
    /// pass split the layer's weight gradient (<c>rows · rowLength · batch</c> large enough), so each
    /// core updates the rows it just computed; a gradient computed on one core is updated there.
    /// </summary>
    public int GradientRows { get; set; }

    private struct UpdateJob
    {
        public IntPtr Core;
        public int Parts;
    }

    private bool AnyUpdateSplits()
    {
        foreach (var layer in _layers)
            if (!layer.IsFrozen && SplitsByRows(layer) > 0) return true;
        return false;
    }

    // Rows of the weight = the layer's first output dimension (Dense units, conv filters); the
    // weight-gradient product splits those rows over min(threads, rows / 8) parts in chunks of a
    // multiple of 8 when it is big enough (ParallelGemm). Returns the rows when the update should
    // mirror that split, 0 when the caller updates the layer alone (small layers, and gradients
    // the caller computed alone).
    private int SplitsByRows(Layer layer)
    {
        int rows = layer.OutputShape.Length > 0 ? layer.OutputShape[0] : 0;
        bool split = layer.ParameterCount > 0 && rows >= 2 * Kernels.ParallelGemm.MinRowsPerPart && layer.WeightCount % rows == 0
            && (layer.BiasCount == 0 || layer.BiasCount == rows)
            && (long)layer.WeightCount * GradientRows >= Kernels.ParallelGemm.MinParallelWork;
        return split ? rows : 0;
    }

    private static unsafe void UpdatePart(void* state, int part)
    {
        var job = (UpdateJob*)state;
        var core = (ModelCore)System.Runtime.InteropServices.GCHandle.FromIntPtr(job->Core).Target!;
        core.UpdateRows(part, job->Parts);
    }

    private void UpdateRows(int part, int threads)
    {
        var p = Parameters.Span;
        var g = Gradients.Span;
        foreach (var layer in _layers)
        {
            if (layer.IsFrozen || layer.ParameterCount == 0) continue;
            int rows = SplitsByRows(layer);
            if (rows == 0)
            {
                if (part == 0) Optimizer.Update(p, g, layer.ParameterOffset, layer.ParameterCount, layer.LearningRateScale);
                continue;
            }
            int parts = Math.Min(threads, rows / Kernels.ParallelGemm.MinRowsPerPart);
            if (part >= parts) continue;
            var (r0, r1) = Kernels.ParallelGemm.Range(rows, part, parts);
            if (r1 <= r0) continue;
            int rowLength = layer.WeightCount / rows;
            Optimizer.Update(p, g, layer.ParameterOffset + r0 * rowLength, (r1 - r0) * rowLength, layer.LearningRateScale);
            if (layer.BiasCount > 0)
                Optimizer.Update(p, g, layer.ParameterOffset + layer.WeightCount + r0, r1 - r0, layer.LearningRateScale);
        }
    }

    /// <summary>Writes the parameters to <paramref name="path"/> as safetensors, atomically.</summary>
    public void Save(string path) => SafeTensors.Save(path, Parameters.Span, Tensors, ModelName);

    /// <summary>Reads parameters from <paramref name="path"/>; validates everything before changing anything.</summary>
    public void Load(string path) => SafeTensors.Load(path, Parameters.Span, Tensors, ModelName);

    /// <summary>Reads parameters with a name map and/or non-strict matching; on any error nothing changes.</summary>
    public LoadReport Load(string path, LoadOptions options) => SafeTensors.Load(path, Parameters.Span, Tensors, ModelName, options);

    /// <summary>Writes only the listed tensors (e.g. a model's adapters), atomically.</summary>
    public void Save(string path, TensorSpec[] tensors) => SafeTensors.Save(path, Parameters.Span, tensors, ModelName);

    /// <summary>Reads exactly the listed tensors; on any error nothing changes.</summary>
    public void Load(string path, TensorSpec[] tensors) => SafeTensors.Load(path, Parameters.Span, tensors, ModelName);
}
