// Lesson 3: a model that is a graph, a residual MLP.
//
//   dotnet run -c Release --project examples/ResidualMlp [-- [data folder] [--epochs N] [--batch B]]
//
// 1. Layers read the member declared just before them, unless they say otherwise: From = nameof(X)
//    reads X, Graph.Input reads the model input. Add, Multiply, Concat and Dot join branches.
// 2. nameof makes a misspelled branch a C# error; reading a member declared below is AXN0110 (a
//    cycle), adding [128] to [64] is AXN0208 with both shapes, and a branch nobody reads is AXN0209.
// 3. Backward sums the gradient of every member read more than once (Stem below is read by Block1
//    and by Residual1): nothing to wire by hand.
// 4. Compare with the same depth without the skip connections.
using System;
using System.CommandLine;
using System.Diagnostics;
using Axon;
using Axon.Data;
using Axon.Training;
using Axon.Examples;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 5, "Training epochs");
var batchOption = ExampleCommandLine.PositiveInt("--batch", 64, "Samples per training step");
var command = new RootCommand("Lesson 3: a residual MLP with LayerNorm on Fashion-MNIST, against the same layers without skips.")
{
    folderArgument, epochsOption, batchOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
string? folder = parsed.GetValue(folderArgument)?.FullName;
int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption);

folder ??= FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
Console.WriteLine($"data: {folder} ({train.Count:N0} training, {test.Count:N0} test images)");
Console.WriteLine(ResidualMlp.Summary);
Console.WriteLine();

(double Seconds, double Accuracy) Run(IModel model)
{
    var clock = Stopwatch.StartNew();
    model.Fit(train, new FitOptions { Epochs = epochs, BatchSize = batch, Progress = ProgressMode.None });
    return (clock.Elapsed.TotalSeconds, model.Evaluate(test).Accuracy);
}

var residual = Run(new ResidualMlp());
var plain = Run(new PlainDeepMlp());
Console.WriteLine($"| model | parameters | training ({epochs} epochs) | test accuracy |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| ResidualMlp | {ResidualMlp.ParameterCount:N0} | {residual.Seconds:F1} s | {residual.Accuracy:F4} |");
Console.WriteLine($"| PlainDeepMlp | {PlainDeepMlp.ParameterCount:N0} | {plain.Seconds:F1} s | {plain.Accuracy:F4} |");

return 0;

/// <summary>A stem and two pre-norm residual blocks: x + f(LayerNorm(x)).</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy)]
[Input(784, Min = 0f, Max = 1f)]
public partial class ResidualMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Stem { get; }

    [LayerNorm] public partial Layer Norm1 { get; }
    [Dense(128, Activation.Gelu)] public partial Layer Block1 { get; }
    [Add(nameof(Block1), nameof(Stem))] public partial Layer Residual1 { get; }

    [LayerNorm] public partial Layer Norm2 { get; }
    [Dense(128, Activation.Gelu)] public partial Layer Block2 { get; }
    [Add(nameof(Block2), nameof(Residual1))] public partial Layer Residual2 { get; }

    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>The same layers without the skip connections.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy)]
[Input(784, Min = 0f, Max = 1f)]
public partial class PlainDeepMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Stem { get; }
    [LayerNorm] public partial Layer Norm1 { get; }
    [Dense(128, Activation.Gelu)] public partial Layer Block1 { get; }
    [LayerNorm] public partial Layer Norm2 { get; }
    [Dense(128, Activation.Gelu)] public partial Layer Block2 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
