// Lesson 1: declare a model, train it on Fashion-MNIST, evaluate, save and load it.
//
//   dotnet run -c Release --project examples/FashionMnist [-- [data folder] [--epochs N] [--batch B]]
//
// With no folder it uses the full Fashion-MNIST when /usr/share/datasets/fashion-mnist exists
// (Debian package dataset-fashion-mnist), else the 10,000/2,000-image subset committed in data/.
using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using Axon;
using Axon.Data;
using Axon.Examples;
using Axon.Training;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 5, "Training epochs");
var batchOption = ExampleCommandLine.PositiveInt("--batch", 128, "Samples per training step");
var command = new RootCommand("Lesson 1: train the README's MLP on Fashion-MNIST, save it, reload it and print its test accuracy.")
{
    folderArgument, epochsOption, batchOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
string? folder = parsed.GetValue(folderArgument)?.FullName;
int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption);

folder ??= FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
Console.WriteLine($"data: {folder} ({train.Count:N0} training, {test.Count:N0} test images)");

var model = new FashionMlp();
Console.WriteLine(FashionMlp.Summary);
Console.WriteLine();

var clock = Stopwatch.StartNew();
var history = model.Fit(train, epochs: epochs, batchSize: batch, validationSplit: 0.1);
Console.WriteLine($"trained {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s");

// Save, then load into a fresh model: the file is plain safetensors (hidden.weight [128, 784], ...),
// readable by PyTorch's nn.Linear layers of the same names.
string path = Path.Combine(Path.GetTempPath(), "fashion-mlp.safetensors");
model.Save(path);
var restored = new FashionMlp(seed: 1);
restored.Load(path);
var result = restored.Evaluate(test);
Console.WriteLine($"saved and reloaded {path}");
Console.WriteLine($"test loss: {result.Loss:F4}");
Console.WriteLine($"test accuracy: {result.Accuracy:F4}");

return 0;

/// <summary>The model of the README: 784 pixels → 128 ReLU units → 10 class logits.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 256)]
[Input(784, Min = 0f, Max = 1f)]
public partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
