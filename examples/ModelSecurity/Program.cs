// Lesson: does a trained model leak which samples it was trained on, and what does DP-SGD cost to stop it?
//
//   dotnet run -c Release --project examples/ModelSecurity [-- [data folder] [--members N] [--epochs N] [--dp-epochs N] [--shadows N] [--online-shadows N]]
//
// 1. Trains an MLP on 2,000 Fashion-MNIST images (the members) until it memorises them, and audits it with two
//    membership-inference attacks against 2,000 other training images it never saw (the non-members):
//    the loss threshold (Yeom et al. 2018), offline LiRA (Carlini et al. 2022) with shadow models trained the same way
//    on images disjoint from both, and online LiRA with shadow models trained in complementary pairs on halves of the
//    audited images (each image IN half of them). Reports attack AUC and TPR at 0.1 % and 1 % FPR, and the test accuracy.
// 2. Trains the same MLP from the same seed with DP-SGD (FitOptions.DifferentialPrivacy: Poisson sampling, per-sample
//    clipping to C = 1, Gaussian noise σ·C) at two noise levels, reports the (ε, δ = 1e-5) the RDP accountant gives, the
//    accuracy it costs and the same attacks.
// 3. Evasion: PGD-40 against AutoAttack's standard suite (APGD-CE, APGD-T, Square; StandardAttackSuite) at L∞ ε = 0.1 on an
//    MLP trained on the whole training file, with and without FGSM adversarial training (--no-suite skips it).
// With no folder it uses the full Fashion-MNIST when /usr/share/datasets/fashion-mnist exists, else the committed subset.
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using Axon;
using Axon.Adversarial;
using Axon.Data;
using Axon.Examples;
using Axon.Privacy;
using Axon.Training;
using ModelSecurityExample;

var folderArgument = ExampleCommandLine.DataFolder("Folder with the four Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist, else the committed subset in data/fashion-mnist)");
var membersOption = ExampleCommandLine.PositiveInt("--members", 2000, "Training images of the audited model (and of each shadow model)");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 80, "Epochs of ordinary training (the target and the shadow models)");
var dpEpochsOption = ExampleCommandLine.PositiveInt("--dp-epochs", 20, "Epochs of DP-SGD training");
var dpRateOption = new Option<float>("--dp-lr") { Description = "Adam learning rate of the DP-SGD runs", DefaultValueFactory = _ => 0.004f };
var attackSamplesOption = ExampleCommandLine.PositiveInt("--attack-samples", 200, "Test images attacked in part 3 (PGD-40 against the standard suite)");
var noSuiteOption = new Option<bool>("--no-suite") { Description = "Skip part 3 (the attack suite against PGD-40)" };
var shadowsOption = ExampleCommandLine.PositiveInt("--shadows", 4, "Shadow models of the offline LiRA attack (at least 2)");
var onlineShadowsOption = new Option<int>("--online-shadows")
{
    Description = "Shadow models of the online LiRA attack, in complementary pairs on halves of the audited images (even, at least 4; 0 skips it)",
    DefaultValueFactory = _ => 4,
};
var command = new RootCommand("Model security: membership inference against an overfitting MLP, and DP-SGD at two privacy levels.")
{
    folderArgument, membersOption, epochsOption, dpEpochsOption, dpRateOption, shadowsOption, onlineShadowsOption, attackSamplesOption, noSuiteOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
int members = parsed.GetValue(membersOption), epochs = parsed.GetValue(epochsOption), dpEpochs = parsed.GetValue(dpEpochsOption);
int shadowCount = parsed.GetValue(shadowsOption), onlineShadowCount = parsed.GetValue(onlineShadowsOption);
float dpLearningRate = parsed.GetValue(dpRateOption);
int attackSamples = parsed.GetValue(attackSamplesOption);
if (shadowCount < 2)
{
    Console.Error.WriteLine($"{AppDomain.CurrentDomain.FriendlyName}: --shadows expects at least 2 (LiRA estimates a variance), but was given {shadowCount}");
    return ExampleCommandLine.UsageError;
}
if (onlineShadowCount != 0 && (onlineShadowCount < 4 || onlineShadowCount % 2 != 0))
{
    // Pairs make every image IN half the shadows; two pairs give each image two IN and two OUT shadows for the variances.
    Console.Error.WriteLine($"{AppDomain.CurrentDomain.FriendlyName}: --online-shadows expects an even number of at least 4 (pairs of complementary halves), or 0 to skip online LiRA, but was given {onlineShadowCount}");
    return ExampleCommandLine.UsageError;
}
string folder = parsed.GetValue(folderArgument)?.FullName ?? FashionMnist.FindDirectory();
var (train, test) = FashionMnist.Load(folder);
if (train.Count < 3 * members)
{
    Console.Error.WriteLine($"{AppDomain.CurrentDomain.FriendlyName}: --members {members} needs at least {3 * members} training images (members, non-members, a shadow pool); the data has {train.Count}");
    return ExampleCommandLine.UsageError;
}

// A fixed shuffle splits the training file three ways: members, non-members, and the pool the shadow models draw from.
var shuffled = train.Shuffled(seed: 17);
var memberSet = shuffled.Subset(Range(0, members));
var nonMemberSet = shuffled.Subset(Range(members, members));
var pool = shuffled.Subset(Range(2 * members, shuffled.Count - 2 * members));
Console.WriteLine($"data: {folder}: {members:N0} members, {members:N0} non-members, a shadow pool of {pool.Count:N0}, {test.Count:N0} test images");
var clock = Stopwatch.StartNew();

FitOptions Plain(long seed) => new() { Epochs = epochs, BatchSize = 64, Seed = seed, Progress = ProgressMode.None };

var target = new PrivateMlp(seed: 7);
target.Fit(memberSet, Plain(1));
Console.WriteLine($"target: {clock.Elapsed.TotalSeconds:F1} s");

// Offline LiRA: shadow models trained like the target on random halves of the pool, none of them on an audited image.
clock.Restart();
var shadows = new List<IModel>();
for (int s = 0; s < shadowCount; s++)
{
    var shadow = new PrivateMlp(seed: 100 + s);
    shadow.Fit(pool.Shuffled(seed: 200 + s).Subset(Range(0, Math.Min(members, pool.Count))), Plain(300 + s));
    shadows.Add(shadow);
}
Console.WriteLine($"{shadowCount} shadow models: {clock.Elapsed.TotalSeconds:F1} s");

// Online LiRA: shadow models in complementary pairs over the audited images (members, then non-members: the audit's
// order), a random half and then the other half, so every image is IN half of them and OUT of the rest.
clock.Restart();
var audited = shuffled.Subset(Range(0, 2 * members));
var onlineShadows = new List<LiraShadow>();
for (int pair = 0; pair < onlineShadowCount / 2; pair++)
{
    var order = Range(0, 2 * members);
    new Random(400 + pair).Shuffle(order);
    var half = new bool[2 * members];
    foreach (int i in order.AsSpan(0, members)) half[i] = true;
    foreach (bool inFirst in new[] { true, false })
    {
        var trained = Array.ConvertAll(half, h => h == inFirst);
        var shadow = new PrivateMlp(seed: 500 + 2 * pair + (inFirst ? 0 : 1));
        shadow.Fit(audited.Subset(Array.FindAll(Range(0, 2 * members), i => trained[i])), Plain(600 + 2 * pair + (inFirst ? 0 : 1)));
        onlineShadows.Add(new LiraShadow(shadow, trained));
    }
}
if (onlineShadowCount > 0) Console.WriteLine($"{onlineShadowCount} online shadow models: {clock.Elapsed.TotalSeconds:F1} s");

var rows = new List<(string Model, double Epsilon, double TrainAccuracy, double TestAccuracy, MembershipAudit Loss, MembershipAudit Lira, MembershipAudit? Online, double Seconds)>();
void Audit(string label, IModel model, double epsilon, double seconds)
{
    var loss = MembershipInference.LossThreshold(model, memberSet, nonMemberSet);
    var lira = MembershipInference.LiraOffline(model, memberSet, nonMemberSet, shadows);
    var online = onlineShadows.Count > 0 ? MembershipInference.LiraOnline(model, memberSet, nonMemberSet, onlineShadows) : null;
    rows.Add((label, epsilon, Trainer.Evaluate(model, memberSet).Accuracy, Trainer.Evaluate(model, test).Accuracy, loss, lira, online, seconds));
}
Audit("standard", target, double.PositiveInfinity, double.NaN);

// DP-SGD: the same model and seed; expected batch 200 of 2,000 (q = 0.1), clip C = 1, two noise multipliers.
foreach (float sigma in new[] { 0.8f, 2f })
{
    clock.Restart();
    var model = new PrivateMlp(seed: 7);
    // Noisy, clipped gradients are small: DP-SGD wants a larger step than the 0.001 the model declares.
    model.Optimizer.LearningRate = dpLearningRate;
    var history = model.Fit(memberSet, new FitOptions
    {
        Epochs = dpEpochs, BatchSize = members / 10, Seed = 1, Progress = ProgressMode.None,
        DifferentialPrivacy = new DpSgdOptions { NoiseMultiplier = sigma, MaxGradientNorm = 1f, Delta = 1e-5 },
    });
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"DP-SGD σ = {sigma}: {seconds:F1} s");
    Audit($"DP-SGD σ = {sigma}", model, history.Last.Epsilon, seconds);
}

Console.WriteLine();
string onlineHeader = onlineShadows.Count > 0 ? " online LiRA AUC | TPR @ 0.1 % FPR | TPR @ 1 % FPR |" : "";
Console.WriteLine($"| model | ε (δ = 1e-5) | train accuracy | test accuracy | loss-threshold AUC | TPR @ 0.1 % FPR | TPR @ 1 % FPR | offline LiRA AUC | TPR @ 0.1 % FPR | TPR @ 1 % FPR |{onlineHeader}");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (onlineShadows.Count > 0 ? "---:|---:|---:|" : ""));
foreach (var r in rows)
    Console.WriteLine(
        $"| {r.Model} | {(double.IsInfinity(r.Epsilon) ? "∞" : r.Epsilon.ToString("F2"))} | {r.TrainAccuracy:P1} | {r.TestAccuracy:P1} | " +
        $"{r.Loss.Auc:F3} | {r.Loss.TprAtTenthPercentFpr:P1} | {r.Loss.TprAtOnePercentFpr:P1} | " +
        $"{r.Lira.Auc:F3} | {r.Lira.TprAtTenthPercentFpr:P1} | {r.Lira.TprAtOnePercentFpr:P1} |" +
        (r.Online is { } o ? $" {o.Auc:F3} | {o.TprAtTenthPercentFpr:P1} | {o.TprAtOnePercentFpr:P1} |" : ""));
if (parsed.GetValue(noSuiteOption)) return 0;

// 3. Evasion: robust accuracy under PGD-40 against AutoAttack's standard suite (APGD-CE, APGD-T, Square), on an MLP trained on
//    the whole training file and on the same MLP with FGSM adversarial training (ε = 0.1); L∞ ε = 0.1.
const float Epsilon = 0.1f;
int attacked = Math.Min(attackSamples, test.Count), f = PrivateMlp.InputSize, k = PrivateMlp.OutputSize;
var table = new List<string>
{
    $"| model ({attacked} test images, L∞ ε = {Epsilon}) | clean | PGD-40 | APGD-CE | + APGD-T | + FAB-T | + Square (suite) | Square-only |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
};
Console.WriteLine();
foreach (var (label, adversarialTraining) in new[] { ("standard MLP", false), ("FGSM-trained MLP (ε = 0.1)", true) })
{
    clock.Restart();
    var model = new PrivateMlp(seed: 7);
    model.Fit(train, new FitOptions
    {
        Epochs = 3, BatchSize = 64, Seed = 1, Progress = ProgressMode.None,
        Adversarial = adversarialTraining ? new AdversarialTrainingOptions { Epsilon = Epsilon } : null,
    });
    const int Chunk = 100;
    var suite = new StandardAttackSuite(model, Chunk) { SquareQueries = 1000, Seed = 1 };
    var adversarial = new float[Chunk * f];
    var gradient = new float[Chunk * f];
    var logits = new float[Chunk * k];
    int pgd = 0, clean = 0, afterCe = 0, afterT = 0, afterFab = 0, robust = 0, squareOnly = 0;
    for (int start = 0; start < attacked; start += Chunk)
    {
        int m = Math.Min(Chunk, attacked - start);
        var batch = new Batch(test.Features.AsSpan(start * f, m * f), test.Labels.AsSpan(start, m), default, m);
        Attacks.Pgd(model, batch, Epsilon, 2.5f * Epsilon / 40, 40, adversarial.AsSpan(0, m * f), gradient.AsSpan(0, m * f), seed: 1);
        model.Predict(adversarial.AsSpan(0, m * f), logits.AsSpan(0, m * k));
        for (int i = 0; i < m; i++)
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits.AsSpan(i * k, k)) == batch.Labels[i]) pgd++;
        var counts = suite.Run(model, batch, AttackNorm.LInf, Epsilon, adversarial.AsSpan(0, m * f));
        clean += counts.Clean; afterCe += counts.AfterApgdCe; afterT += counts.AfterApgdT; afterFab += counts.AfterFabT; robust += counts.Robust; squareOnly += counts.SquareOnly;
    }
    double n = attacked;
    table.Add($"| {label} | {clean / n:P1} | {pgd / n:P1} | {afterCe / n:P1} | {afterT / n:P1} | {afterFab / n:P1} | {robust / n:P1} | {squareOnly} |");
    Console.WriteLine($"{label}: {clock.Elapsed.TotalSeconds:F1} s (training and attacks)");
}
Console.WriteLine();
foreach (string line in table) Console.WriteLine(line);
return 0;

static int[] Range(int start, int count)
{
    var indices = new int[count];
    for (int i = 0; i < count; i++) indices[i] = start + i;
    return indices;
}
