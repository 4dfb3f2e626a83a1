// Lesson 2: a convolutional network, with every shape checked while you type.
//
//   dotnet run -c Release --project examples/FashionCnn [-- [data folder] [--epochs N] [--batch B] [--threads T]]
//
// 1. Declare the image input as [channels, height, width]. Every layer's output shape is inferred
//    at compile time; hover FashionCnn in the IDE to see the table below, or print Summary.
// 2. Make a mistake on purpose: change Conv2's kernel to 15. The IDE underlines the 15 (AXN0207:
//    "the 15x15 window does not fit its [16, 14, 14] input"), before anything runs.
//    Delete the Flatten line: the Dense layer is underlined (AXN0205, "expects [features], but its
//    input has shape [32, 7, 7]"), and the IDE offers to insert the Flatten back.
// 3. Train and compare with lesson 1's MLP: same data, same epochs.
// 4. Dropout is active in training only; Predict, Evaluate and attacks run in inference mode, so
//    there is no model.eval() to forget.
using System;
using System.CommandLine;
using System.Diagnostics;
using Axon;
using Axon.Data;
using Axon.Training;
using Axon.Examples;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 3, "Training epochs");
var batchOption = ExampleCommandLine.PositiveInt("--batch", 32, "Samples per training step");
var threadsOption = ExampleCommandLine.PositiveInt("--threads", 1, "Threads for the matrix products");
var command = new RootCommand("Lesson 2: a small CNN on Fashion-MNIST, against the MLP with the same recipe.")
{
    folderArgument, epochsOption, batchOption, threadsOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
string? folder = parsed.GetValue(folderArgument)?.FullName;
int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption), threads = parsed.GetValue(threadsOption);

folder ??= FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
Console.WriteLine($"data: {folder} ({train.Count:N0} training, {test.Count:N0} test images)");
Console.WriteLine(FashionCnn.Summary);
Console.WriteLine();

var cnn = new FashionCnn { Threads = threads };
var clock = Stopwatch.StartNew();
cnn.Fit(train, epochs: epochs, batchSize: batch, validationSplit: 0.1);
double cnnSeconds = clock.Elapsed.TotalSeconds;
var cnnResult = cnn.Evaluate(test);

var mlp = new FashionMlp { Threads = threads };
clock.Restart();
mlp.Fit(train, epochs: epochs, batchSize: batch, validationSplit: 0.1, progress: ProgressMode.None);
double mlpSeconds = clock.Elapsed.TotalSeconds;
var mlpResult = mlp.Evaluate(test);

Console.WriteLine();
Console.WriteLine($"| model | parameters | training ({epochs} epochs) | test accuracy |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| FashionCnn | {FashionCnn.ParameterCount:N0} | {cnnSeconds:F1} s | {cnnResult.Accuracy:F4} |");
Console.WriteLine($"| FashionMlp | {FashionMlp.ParameterCount:N0} | {mlpSeconds:F1} s | {mlpResult.Accuracy:F4} |");

return 0;

/// <summary>Two convolution blocks (3x3, same padding, ReLU, 2x2 max pooling), then a linear classifier.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(1, 28, 28, Min = 0f, Max = 1f)]
public partial class FashionCnn
{
    [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }   // [16, 28, 28]
    [MaxPool2D(2)] public partial Layer Pool1 { get; }                                              // [16, 14, 14]
    [Conv2D(32, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv2 { get; }   // [32, 14, 14]
    [MaxPool2D(2)] public partial Layer Pool2 { get; }                                              // [32, 7, 7]
    [Flatten] public partial Layer Flatten { get; }                                                 // [1568]
    [Dropout(0.25f)] public partial Layer Dropout { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>Lesson 1's MLP, for comparison.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
[Input(784, Min = 0f, Max = 1f)]
public partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
