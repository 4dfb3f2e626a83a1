// Lesson: how robust is a classifier to small worst-case input changes, and does adversarial training help?
//
//   dotnet run -c Release --project examples/AdversarialRobustness [-- [data folder] [--subset] [--epochs N] [--samples N]]
//
// Trains an MLP on Fashion-MNIST, measures its accuracy under FGSM and PGD attacks at
// ε ∈ {0, 0.01, 0.03, 0.05, 0.1} (RobustnessReport), then trains the same MLP from the same seed
// with FGSM adversarial training (Goodfellow et al., 2015: ε = 0.1, α = ½) and measures it again.
// Prints both reports as Markdown and writes robustness.svg and robustness.json to the current folder.
// With no folder it uses the full Fashion-MNIST when /usr/share/datasets/fashion-mnist exists,
// else the 10,000/2,000-image subset committed in data/; --subset forces the subset.
using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using Axon;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;

string? folder = null;
bool subset = false;
int epochs = 5, samples = 2000;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[++i]); break;
        case "--samples": samples = int.Parse(args[++i]); break;
        case "--subset": subset = true; break;
        default: folder = args[i]; break;
    }
}

folder ??= subset
    ? FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory) ?? throw new DirectoryNotFoundException("the committed Fashion-MNIST subset was not found.")
    : FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
Console.WriteLine($"data: {folder} ({train.Count:N0} training, {test.Count:N0} test images; attacks on the first {Math.Min(samples, test.Count):N0} test images)");

const float TrainingEpsilon = 0.1f;
var robustnessOptions = new RobustnessOptions { Epsilons = [0f, 0.01f, 0.03f, 0.05f, 0.1f], PgdSteps = 10, MaxSamples = samples };
var clock = Stopwatch.StartNew();

// 1. Standard training.
var standard = new RobustMlp(seed: 7);
standard.Fit(train, new FitOptions { Epochs = epochs, BatchSize = 128, Seed = 1, Progress = ProgressMode.None });
var before = RobustnessReport.Run(standard, test, robustnessOptions);
Console.WriteLine($"standard training: {clock.Elapsed.TotalSeconds:F1} s (training and attacks)\n");
Console.WriteLine(before.ToMarkdown("the standard MLP"));

// 2. FGSM adversarial training: each step trains on the batch and its FGSM examples (2 × 128 ≤ MaxBatchSize 256).
clock.Restart();
var hardened = new RobustMlp(seed: 7);
hardened.Fit(train, new FitOptions
{
    Epochs = epochs,
    BatchSize = 128,
    Seed = 1,
    Progress = ProgressMode.None,
    Adversarial = new AdversarialTrainingOptions { Epsilon = TrainingEpsilon, Alpha = 0.5 },
});
var after = RobustnessReport.Run(hardened, test, robustnessOptions);
Console.WriteLine($"adversarial training (FGSM, ε = {TrainingEpsilon}, α = 0.5): {clock.Elapsed.TotalSeconds:F1} s (training and attacks)\n");
Console.WriteLine(after.ToMarkdown("the adversarially trained MLP"));

double errorBefore = 1 - before.Get(RobustnessAttack.Fgsm, TrainingEpsilon).RobustAccuracy;
double errorAfter = 1 - after.Get(RobustnessAttack.Fgsm, TrainingEpsilon).RobustAccuracy;
double pgdBefore = 1 - before.Get(RobustnessAttack.Pgd, TrainingEpsilon).RobustAccuracy;
double pgdAfter = 1 - after.Get(RobustnessAttack.Pgd, TrainingEpsilon).RobustAccuracy;
Console.WriteLine(
    $"FGSM error at ε = {TrainingEpsilon}: {errorBefore:P1} before, {errorAfter:P1} after adversarial training " +
    $"(PGD-10: {pgdBefore:P1} → {pgdAfter:P1}; clean error {1 - before.CleanAccuracy:P1} → {1 - after.CleanAccuracy:P1}).");

File.WriteAllText("robustness.svg", RobustnessReport.ToSvg([("standard", before), ("adversarial", after)]));
using (var stream = File.Create("robustness.json"))
using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
{
    json.WriteStartObject();
    json.WritePropertyName("standard");
    before.WriteJson(json);
    json.WritePropertyName("adversarial");
    after.WriteJson(json);
    json.WriteEndObject();
}
Console.WriteLine($"wrote {Path.GetFullPath("robustness.svg")} and {Path.GetFullPath("robustness.json")}");

/// <summary>784 pixels → 128 ReLU units → 10 class logits; batches of up to 256 so that adversarial training fits 2 × 128.</summary>
[Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 256)]
[Input(784, Min = 0f, Max = 1f)]
public partial class RobustMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
