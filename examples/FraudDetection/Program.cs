// Lesson 7: fraud and default risk on a table. 4,454 real credit applicants (data/credit-scoring), 28 % bad.
//
//   dotnet run -c Release --project examples/FraudDetection [-- --epochs 30 --splits 5 --recall 0.8 --json rows.json --write-splits splits.json]
//
// 1. Read the CSV into a typed table (missing values are NA in this file) and declare the column transforms once:
//    TabularPipeline. It is fitted on each split's TRAINING rows only and then applied to validation and test rows.
// 2. Stratified 60/20/20 splits keep the bad rate in every part. Several splits, because one split's AUC moves by a
//    few hundredths.
// 3. The same network trained plain and with the bad class weighted (FitOptions.PositiveClassWeight = good/bad).
// 4. A lender states the recall it needs ("catch 80 % of the bad loans"); the threshold that gives it is chosen on the
//    validation rows, and the confusion matrix and precision at that threshold are measured on the test rows.
// 5. Why the model decides: integrated gradients and permutation importance, per original column.
// 6. The same splits with gradient-boosted trees from ML.NET: tools/MlNetPeer (--write-splits gives it the rows).
using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Data.Tabular;
using Axon.Examples;
using Axon.Explanations;
using Axon.Metrics;
using FraudDetection;

var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 30, "Passes over each training split");
var splitsOption = ExampleCommandLine.PositiveInt("--splits", 5, "Stratified 60/20/20 splits (seeds 1..N)");
var recallOption = new Option<double>("--recall") { Description = "Recall of bad loans the threshold must reach on the validation rows, in (0, 1]", DefaultValueFactory = _ => 0.8 };
recallOption.Validators.Add(result =>
{
    if (result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && !(r > 0 && r <= 1))
        result.AddError($"--recall expects a fraction in (0, 1], but was given {result.Tokens[0].Value}");
});
var jsonOption = new Option<FileInfo?>("--json") { Description = "Write the result rows as a JSON array to this file" };
var splitsFileOption = new Option<FileInfo?>("--write-splits") { Description = "Write the split rows as JSON (for tools/MlNetPeer)" };
var dataOption = new Option<FileInfo?>("--data") { Description = "The credit CSV (default: data/credit-scoring/credit_data.csv)" };
var minimalOption = new Option<bool>("--minimal") { Description = "Run only the ~30-line program of README.md (CreditScoring.cs)" };
var command = new RootCommand("Lesson 7: credit default as fraud-style detection: thresholds for a stated recall, explanations, and an ML.NET comparison.")
{
    epochsOption, splitsOption, recallOption, jsonOption, splitsFileOption, dataOption, minimalOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
var data = parsed.GetValue(dataOption);
if (parsed.GetValue(minimalOption))
{
    CreditScoring.Run(data?.FullName ?? CreditData.FindFile());
    return 0;
}
return Run(parsed.GetValue(epochsOption), parsed.GetValue(splitsOption), parsed.GetValue(recallOption),
    parsed.GetValue(jsonOption), parsed.GetValue(splitsFileOption), data);

static int Run(int epochs, int splitCount, double recall, FileInfo? json, FileInfo? splitsFile, FileInfo? data)
{
    string path = data?.FullName ?? CreditData.FindFile();
    var table = Csv.Read(path);
    var pipeline = CreditData.Pipeline();
    var labels = pipeline.Labels(table);
    var splits = CreditData.Splits(labels, splitCount);
    if (splitsFile is not null) CreditData.SaveSplits(splits, splitsFile.FullName);
    Console.WriteLine($"data: {path}: {table.RowCount:N0} applicants, {labels.Sum():N0} bad; missing: "
        + string.Join(", ", table.ColumnNames.Where(c => table.MissingCount(c) > 0).Select(c => $"{c} {table.MissingCount(c)}")));
    Console.WriteLine($"threshold: the highest logit with recall ≥ {recall:P0} of the bad loans on the validation rows; scored on the test rows");
    Console.WriteLine();

    var rows = new System.Collections.Generic.List<ResultRow>();
    var outcomes = new System.Collections.Generic.List<(ModelOutcome Plain, ModelOutcome Weighted)>();
    foreach (var split in splits)
    {
        pipeline.Fit(table, split.Train);   // statistics of the training rows only
        var train = pipeline.Transform(table, split.Train);
        var validation = pipeline.Transform(table, split.Validation);
        var test = pipeline.Transform(table, split.Test);

        var (plainModel, plainSeconds) = Lesson.Train(train, epochs, split.Split);
        pipeline.CheckWidth(plainModel);
        float weight = Lesson.BalancingWeight(train);   // good / bad ≈ 2.55: both classes weigh the same in the loss
        var (weightedModel, weightedSeconds) = Lesson.Train(train, epochs, split.Split, weight);
        var plain = Lesson.Evaluate("axon-plain", plainModel, validation, test, recall, plainSeconds);
        var weighted = Lesson.Evaluate($"axon-weighted", weightedModel, validation, test, recall, weightedSeconds);
        outcomes.Add((plain, weighted));
        rows.Add(plain.Row(split.Split));
        rows.Add(weighted.Row(split.Split));
        Console.WriteLine($"split {split.Split}: {train.Count:N0} train, {validation.Count:N0} validation, {test.Count:N0} test; "
            + $"ROC-AUC plain {plain.RocAuc:F3}, bad weighted ×{weight:F2} {weighted.RocAuc:F3}");

        if (split.Split != 1) continue;
        Console.WriteLine();
        Console.WriteLine($"Split 1, plain model, test rows at the validation threshold (logit ≥ {plain.Threshold:F3}):");
        Console.WriteLine();
        Console.Write(plain.Test.ToMarkdown(["good", "bad"]));
        Console.WriteLine();

        // Why: integrated gradients of the logit from the average applicant, summed per original column.
        var baseline = Lesson.MeanRow(train);
        var ig = Attributions.IntegratedGradients(plainModel, test.Features, baseline);
        var byColumn = FeatureReport.MeanAbsoluteByColumn(ig, pipeline.FeatureColumns);
        var permutation = PermutationImportance.Compute(plainModel, test, (o, t) => BinaryRanking.RocAuc(o, t), pipeline.FeatureColumns, repeats: 5, seed: 1);
        Console.WriteLine("What drives the decisions (split 1, plain model, test rows), per original column:");
        Console.WriteLine();
        Console.WriteLine("| column | mean abs. integrated gradient (logit) | ROC-AUC drop when shuffled |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var f in byColumn)
        {
            var p = permutation.Single(x => x.Feature == f.Feature);
            Console.WriteLine($"| {f.Feature} | {f.Importance:F3} | {p.Importance:F3} ± {p.StandardDeviation:F3} |");
        }
        Console.WriteLine();
    }

    Console.WriteLine();
    Console.WriteLine($"Test rows, mean (min-max) over {splitCount} splits; {epochs} epochs; threshold for recall {recall:P0} chosen on validation:");
    Console.WriteLine();
    Console.WriteLine("| model | ROC-AUC | PR-AUC | recall | precision | Brier | training |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(TableRow("CreditNet, plain", outcomes.Select(o => o.Plain).ToList()));
    Console.WriteLine(TableRow("CreditNet, bad loans weighted (PositiveClassWeight = good/bad)", outcomes.Select(o => o.Weighted).ToList()));
    Console.WriteLine($"| chance | 0.5 | {labels.Average():F3} | | | {labels.Average() * (1 - labels.Average()):F3} | |");

    if (json is not null)
    {
        File.WriteAllText(json.FullName, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine();
        Console.WriteLine($"wrote {rows.Count} rows to {json.FullName}");
    }
    return 0;
}

static string TableRow(string name, System.Collections.Generic.List<ModelOutcome> runs)
{
    string Stat(Func<ModelOutcome, double> f) => $"{runs.Average(f):F3} ({runs.Min(f):F3}-{runs.Max(f):F3})";
    return $"| {name} | {Stat(r => r.RocAuc)} | {Stat(r => r.PrAuc)} | {Stat(r => r.Test.Recall(1))} | {Stat(r => r.Test.Precision(1))} "
        + $"| {Stat(r => r.Brier)} | {runs.Average(r => r.Seconds):F1} s |";
}
