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

/// <summary>The CNN of lesson 2 (examples/FashionCnn): two 3×3 convolution blocks with 2×2 max pooling, then a linear classifier.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionCnnBench
{
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(32, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Flatten { get; }
    [Dropout(0.25f)] public partial Layer Dropout { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>The benchmark models by the names the side-by-side tools use.</summary>
public static class BenchModels
{
    public static readonly string[] Names = ["mlp-784-128-10", "mlp-784-256-256-10"];

    /// <summary>The layer widths of a benchmark model, input first.</summary>
    public static int[] Sizes(string name) => name switch
    {
        "mlp-784-128-10" => [784, 128, 10],
        "mlp-784-256-256-10" => [784, 256, 256, 10],
        _ => throw new System.ArgumentException($"unknown model '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>
    /// Multiply-add flops (2 per multiply-add) of one training sample: every layer's forward product
    /// and weight gradient, and the input gradient of every layer but the first (PERF.md:
    /// mlp-784-128-10 ≈ 0.41 MFLOP, mlp-784-256-256-10 ≈ 1.21 MFLOP). Bias, activation, loss and
    /// optimizer work is not counted: it is O(parameters) or O(activations), not O(products).
    /// </summary>
    public static double FlopsPerTrainingSample(string name)
    {
        var s = Sizes(name);
        double flops = 0;
        for (int l = 0; l + 1 < s.Length; l++)
            flops += 2.0 * s[l] * s[l + 1] * (l == 0 ? 2 : 3);
        return flops;
    }

    public static IModel Create(string name, int threads = 1) => name switch
    {
        "mlp-784-128-10" => new Mlp784x128x10 { Threads = threads },
        "mlp-784-256-256-10" => new Mlp784x256x256x10 { Threads = threads },
        "cnn" => new FashionCnnBench { Threads = threads },
        _ => throw new System.ArgumentException($"unknown model '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name)),
    };
}

/// <summary>
/// The benchmark's sample pool: by default the first <see cref="DefaultSamples"/> Fashion-MNIST
/// training images in file order (pixels <c>byte/255</c>, as every peer reads them), from the folder
/// given, else the Debian package's full set, else the committed subset (Axon.Data.FashionMnist's
/// search). Every engine in tools/bench-side-by-side.sh trains on the same images and labels in the
/// same order: batch <c>k</c> is samples <c>[k·B, (k+1)·B)</c> of the pool, wrapping around.
/// <c>--data random</c> gives uniform random pixels and labels instead (a labelled extra: random labels
/// kill ReLU units and drive Adam's state into the denormal range, PERF.md).
/// </summary>
public sealed class BenchData
{
    public const int InputSize = 784;
    public const int Classes = 10;
    public const int DefaultSamples = 8192;

    private BenchData(float[] inputs, int[] labels, string description)
    {
        Inputs = inputs;
        Labels = labels;
        Samples = labels.Length;
        Description = description;
    }

    public int Samples { get; }
    public float[] Inputs { get; }
    public int[] Labels { get; }

    /// <summary>What the pool holds, for the JSON line: <c>fashion-mnist (folder, first N training images)</c> or <c>random</c>.</summary>
    public string Description { get; }

    /// <summary><c>--data fashion</c> (default) or <c>random</c>, with an optional <c>--data-dir</c>.</summary>
    public static BenchData Create(string kind, string? directory, int samples = DefaultSamples) => kind switch
    {
        "fashion" => Fashion(directory, samples),
        "random" => Random(samples),
        _ => throw new ArgumentException($"--data must be fashion or random, got '{kind}'"),
    };

    /// <summary>The first <paramref name="samples"/> training images of Fashion-MNIST, in file order.</summary>
    public static BenchData Fashion(string? directory = null, int samples = DefaultSamples)
    {
        directory ??= Axon.Data.FashionMnist.FindDirectory();
        var train = Axon.Data.FashionMnist.LoadTrain(directory);
        int n = Math.Min(samples, train.Count);
        var inputs = train.Features.AsSpan(0, n * InputSize).ToArray();
        var labels = train.Labels!.AsSpan(0, n).ToArray();
        return new BenchData(inputs, labels, $"fashion-mnist ({System.IO.Path.GetFullPath(directory)}, first {n} training images)");
    }

    /// <summary>Uniform random pixels in [0, 1) and labels 0-9, fixed seed: the labelled extra.</summary>
    public static BenchData Random(int samples = DefaultSamples, long seed = 1234)
    {
        var inputs = new float[samples * InputSize];
        var labels = new int[samples];
        var rng = new Rng(seed);
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextSingle();
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(Classes);
        return new BenchData(inputs, labels, "random (uniform pixels, uniform labels)");
    }

    /// <summary>The <paramref name="index"/>-th batch of <paramref name="batch"/> samples, wrapping around.</summary>
    public Batch GetBatch(int index, int batch)
    {
        int batches = Samples / batch;
        int start = (index % batches) * batch;
        return new Batch(Inputs.AsSpan(start * InputSize, batch * InputSize), Labels.AsSpan(start, batch), default, batch);
    }
}

/// <summary>mlp-2-64-64-2: the small model of the lessons whose first epochs ran far slower than later ones (issue 16).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(2)]
[Adam(LearningRate = 1e-3f)]
public partial class Mlp2x64x64x2
{
    [Dense(64, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(64, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(2)] public partial Layer Logits { get; }
}
