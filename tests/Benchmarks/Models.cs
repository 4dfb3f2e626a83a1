using System;

namespace Axon.Benchmarks;

/// <summary>mlp-784-128-10: the Fashion-MNIST reference model (PERF.md).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
[Adam(LearningRate = 1e-3f)]
public partial class Mlp784x128x10
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>mlp-784-256-256-10: the deeper, wider model (PERF.md).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
[Adam(LearningRate = 1e-3f)]
public partial class Mlp784x256x256x10
{
    [Dense(256, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(256, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>The benchmark models by the names the side-by-side tools use.</summary>
public static class BenchModels
{
    public static readonly string[] Names = ["mlp-784-128-10", "mlp-784-256-256-10"];

    public static IModel Create(string name, int threads = 1) => name switch
    {
        "mlp-784-128-10" => new Mlp784x128x10 { Threads = threads },
        "mlp-784-256-256-10" => new Mlp784x256x256x10 { Threads = threads },
        _ => throw new System.ArgumentException($"unknown model '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };
}

/// <summary>Fashion-MNIST-shaped random data: 784 floats in [0, 1) and labels 0-9, fixed seed.</summary>
public sealed class RandomFashionData
{
    public const int InputSize = 784;
    public const int Classes = 10;

    public RandomFashionData(int samples, long seed = 1234)
    {
        Samples = samples;
        Inputs = new float[samples * InputSize];
        Labels = new int[samples];
        var rng = new Rng(seed);
        for (int i = 0; i < Inputs.Length; i++) Inputs[i] = rng.NextSingle();
        for (int i = 0; i < Labels.Length; i++) Labels[i] = rng.NextInt(Classes);
    }

    public int Samples { get; }
    public float[] Inputs { get; }
    public int[] Labels { get; }

    /// <summary>The <paramref name="index"/>-th batch of <paramref name="batch"/> samples, wrapping around.</summary>
    public Batch GetBatch(int index, int batch)
    {
        int batches = Samples / batch;
        int start = (index % batches) * batch;
        return new Batch(Inputs.AsSpan(start * InputSize, batch * InputSize), Labels.AsSpan(start, batch), default, batch);
    }
}
