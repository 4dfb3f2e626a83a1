using System;
using System.IO;
using System.Runtime.InteropServices;
using Axon.Data;
using Axon.Losses;
using Axon.Training;

namespace Axon.Distributed.Tests;

/// <summary>One-process references for the 2-rank runs, on the worker's data (the first <c>samples</c> training images).</summary>
internal static class Reference
{
    public static Dataset Data(int samples)
    {
        var (all, _) = FashionMnist.Load(Path.Combine(Mpirun.WorkerFolder, "data", "fashion-mnist"));
        var indices = new int[samples];
        for (int i = 0; i < samples; i++) indices[i] = i;
        return all.Subset(indices);
    }

    /// <summary>
    /// What two ranks compute, in one process: for every global step, the gradient of rank r's local batch (its shard's rows in order)
    /// is scaled by ½ and the two are added (one float addition per element, as MPI's sum of two buffers), then one optimizer step.
    /// </summary>
    public static void MicroBatches(IModel model, Dataset data, int localBatch, int epochs)
    {
        var shards = new[] { data.Shard(0, 2), data.Shard(1, 2) };
        int k = model.OutputSize, arena = model.Parameters.Length;
        var outputs = new float[localBatch * k];
        var outputGradient = new float[localBatch * k];
        var first = new float[arena];
        var gradients = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(model.Gradients), arena);
        int steps = (shards[0].Count + localBatch - 1) / localBatch;
        for (int epoch = 0; epoch < epochs; epoch++)
            for (int s = 0; s < steps; s++)
            {
                for (int r = 0; r < 2; r++)
                {
                    int start = s * localBatch, n = Math.Min(localBatch, shards[r].Count - start);
                    var batch = shards[r].AsBatch(start, n);
                    model.Forward(batch.Inputs, outputs.AsSpan(0, n * k), training: true);
                    SoftmaxCrossEntropy.ForwardBackward(outputs.AsSpan(0, n * k), batch.Labels, outputGradient.AsSpan(0, n * k), n, k, 1f / n);
                    model.Backward(batch.Inputs, outputGradient.AsSpan(0, n * k), default, parameterGradients: true);
                    if (r == 0) { gradients.CopyTo(first); continue; }
                    for (int i = 0; i < arena; i++) gradients[i] = first[i] * 0.5f + gradients[i] * 0.5f;
                }
                model.ApplyGradients();
            }
    }

    /// <summary>The parameters then the optimizer state, as the worker writes them.</summary>
    public static float[] State(IModel model)
    {
        var p = model.Parameters;
        var s = model.Optimizer.State;
        var all = new float[p.Length + s.Length];
        p.CopyTo(all);
        s.CopyTo(all.AsSpan(p.Length));
        return all;
    }

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
