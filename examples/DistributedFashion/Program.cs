// Data-parallel training on Open MPI: the Fashion-MNIST MLP (lesson 1) or CNN (lesson 2) trained by every process of an mpirun job,
// each on its own shard of the images, with one all-reduce of the gradients per step. See docs/distributed.md.
//
//   dotnet build -c Release examples/DistributedFashion
//   mpirun -np 2 dotnet examples/DistributedFashion/bin/Release/net10.0/DistributedFashion.dll [folder] [--model cnn] [--epochs N] [--batch B]
//
// (As root add --allow-run-as-root; on a machine with fewer cores than processes add --oversubscribe.) Started without mpirun it is a
// job of one process. Rank 0 prints the epochs, the throughput and the share of the training time spent in the all-reduce, evaluates
// the test set, and saves the weights.
using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using Axon;
using Axon.Data;
using Axon.Distributed;
using Axon.Examples;
using Axon.Training;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var modelOption = new Option<string>("--model") { Description = "mlp (784-128-10) or cnn (two 3x3 convolution blocks)", DefaultValueFactory = _ => "mlp" };
modelOption.AcceptOnlyFromAmong("mlp", "cnn");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 3, "Training epochs");
var batchOption = ExampleCommandLine.PositiveInt("--batch", 64, "Samples per step on each process (the global batch is processes × this)");
var checkpointOption = new Option<string?>("--checkpoint") { Description = "Write a checkpoint here after every epoch (rank 0); resume with --resume" };
var resumeOption = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint (every rank reads it)" };
var command = new RootCommand("Data-parallel training of the Fashion-MNIST MLP or CNN over Open MPI: start it with mpirun -np N.")
{
    folderArgument, modelOption, epochsOption, batchOption, checkpointOption, resumeOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
string? folder = parsed.GetValue(folderArgument)?.FullName;
string kind = parsed.GetValue(modelOption)!;
int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption);
string? checkpoint = parsed.GetValue(checkpointOption), resume = parsed.GetValue(resumeOption);

using var group = MpiProcessGroup.Initialize();
bool root = group.IsRoot;
folder ??= FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
// Every rank reads the files and keeps its shard: samples rank, rank + N, ... (equal shards). Data too large for one machine would be
// read by rows instead: the shard is all a rank needs.
var shard = train.Shard(group);
IModel model = kind == "cnn" ? new FashionCnn() : new FashionMlp();
if (root)
{
    Console.WriteLine($"data: {folder} ({train.Count:N0} training images, {shard.Count:N0} per process; {test.Count:N0} test images)");
    Console.WriteLine($"{group.Size} process(es) on {group.HostName}; {model.Name}, {model.ParameterCount:N0} parameters; " +
                      $"batch {batch} per process, {batch * group.Size} global");
}

// The all-reduce alone, for the scaling model (docs/distributed.md): 50 sums of a buffer the size of the gradient arena, each after a
// barrier so no rank waits for a slower one; what remains is the transfer and the additions.
var buffer = new float[model.Parameters.Length];
double alone = 0;
for (int i = 0; i < 55; i++)
{
    group.Barrier();
    long t0 = Stopwatch.GetTimestamp();
    group.AllReduceSum(buffer);
    if (i >= 5) alone += Stopwatch.GetElapsedTime(t0).TotalSeconds;   // the first few set up the shared-memory segments
}
if (root) Console.WriteLine($"all-reduce alone: {1e3 * alone / 50:F3} ms for {buffer.Length * 4 / 1024.0:N0} KiB ({buffer.Length * 4 / (alone / 50) / 1e9:F2} GB/s)");

var timing = new StepTiming(group, shard.Count * group.Size);
var callbacks = new System.Collections.Generic.List<Callback> { timing };
if (checkpoint is not null) callbacks.Add(new ModelCheckpoint(checkpoint));
var history = model.Fit(shard, new FitOptions
{
    Epochs = epochs,
    BatchSize = batch,
    Seed = 1,
    Progress = ProgressMode.Lines,
    Callbacks = callbacks,
    ResumeFrom = resume,
    ProcessGroup = group,
});

if (root)
{
    // Epoch 1 includes the JIT's warm-up: the figures are of the later epochs when there are any.
    Console.WriteLine($"throughput: {timing.Samples / timing.TrainSeconds:N0} samples/s over {group.Size} process(es); " +
                      $"gradient all-reduce (transfer and waiting for the slowest rank): {100 * timing.ReduceSeconds / timing.TrainSeconds:F1}% of the training time, " +
                      $"{1e3 * timing.ReduceSeconds / timing.Steps:F3} ms per step of {1e3 * timing.TrainSeconds / timing.Steps:F3} ms, " +
                      $"{model.Parameters.Length * 4 / 1024.0:N0} KiB per all-reduce");
    var result = model.Evaluate(test);
    Console.WriteLine($"test accuracy: {result.Accuracy:F4} after {history.Count} epochs");
    string path = Path.Combine(Path.GetTempPath(), $"distributed-{kind}.safetensors");
    model.Save(path);
    Console.WriteLine($"saved {path}");
}
return 0;

/// <summary>
/// Training time and time inside the gradient all-reduce (MpiProcessGroup.AllReduceTime: float all-reduces, one per step), rank 0's
/// view, over the epochs after the first (which includes the JIT's warm-up) when there are several.
/// </summary>
internal sealed class StepTiming(MpiProcessGroup group, long samplesPerEpoch) : Callback
{
    private TimeSpan _start;

    public double ReduceSeconds { get; private set; }
    public double TrainSeconds { get; private set; }
    public long Samples { get; private set; }
    public long Steps { get; private set; }

    public override void OnEpochBegin(TrainingContext context) => _start = group.AllReduceTime;

    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (result.Epoch == 1 && context.Epochs > 1) return;
        ReduceSeconds += (group.AllReduceTime - _start).TotalSeconds;
        TrainSeconds += samplesPerEpoch / result.SamplesPerSecond;
        Samples += samplesPerEpoch;
        Steps += context.StepsPerEpoch;
    }
}

/// <summary>Lesson 1's model: 784 pixels → 128 ReLU units → 10 class logits.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 256)]
[Input(784, Min = 0f, Max = 1f)]
public partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>Lesson 2's model: two convolution blocks (3x3, same padding, ReLU, 2x2 max pooling), then a linear classifier.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 256)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
public partial class FashionCnn
{
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(32, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Flatten { get; }
    [Dropout(0.25f)] public partial Layer Dropout { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
