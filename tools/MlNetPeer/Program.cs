// The ML.NET peer of lesson 7: gradient-boosted trees (FastTree) on exactly the rows the lesson uses.
//
//   dotnet run -c Release --project examples/FraudDetection -- --write-splits /tmp/splits.json --json /tmp/axon.json
//   dotnet run -c Release --project tools/MlNetPeer -- --splits /tmp/splits.json --json /tmp/mlnet.json
//
// Same data file, same transforms (CreditData.Pipeline, fitted on each split's training rows; trees do not need the
// scaling, it does them no harm), same threshold rule (Axon.Metrics.Thresholds on the validation rows) and the same
// metrics code, so the only difference is the model.
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Data;
using Axon.Data.Tabular;
using Axon.Metrics;
using FraudDetection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

var splitsOption = new Option<FileInfo?>("--splits") { Description = "Splits written by the lesson's --write-splits. Default: the same seeded split code, seeds 1..5." };
var jsonOption = new Option<FileInfo?>("--json") { Description = "Write the result rows as a JSON array to this file." };
var recallOption = new Option<double>("--recall") { Description = "Recall of bad loans the threshold must reach on validation data.", DefaultValueFactory = _ => 0.8 };
var treesOption = new Option<int>("--trees") { Description = "Boosted trees.", DefaultValueFactory = _ => 200 };
var root = new RootCommand("ML.NET FastTree on the lesson 7 splits") { splitsOption, jsonOption, recallOption, treesOption };
root.SetAction(parse => Run(parse.GetValue(splitsOption), parse.GetValue(jsonOption), parse.GetValue(recallOption), parse.GetValue(treesOption)));
return root.Parse(args).Invoke();

static int Run(FileInfo? splitsFile, FileInfo? json, double recall, int trees)
{
    var table = Csv.Read(CreditData.FindFile());
    var pipeline = CreditData.Pipeline();
    var labels = pipeline.Labels(table);
    var splits = splitsFile is null ? CreditData.Splits(labels, 5) : CreditData.LoadSplits(splitsFile.FullName);
    var rows = new List<ResultRow>();
    var seconds = new List<double>();
    foreach (var split in splits)
    {
        pipeline.Fit(table, split.Train);
        var train = pipeline.Transform(table, split.Train);
        var validation = pipeline.Transform(table, split.Validation);
        var test = pipeline.Transform(table, split.Test);

        var ml = new MLContext(seed: split.Split);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = trees,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 20,
            LearningRate = 0.05,
            Seed = split.Split,
            NumberOfThreads = 1,
        });
        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(View(ml, train));
        seconds.Add(clock.Elapsed.TotalSeconds);

        var choice = Thresholds.ForRecall(Scores(ml, model, validation), validation.Targets!, recall);
        var scores = Scores(ml, model, test);
        var matrix = Axon.Metrics.ConfusionMatrix.Binary(scores, test.Targets!, choice.Threshold);
        var row = new ResultRow("mlnet-fasttree", split.Split, BinaryRanking.RocAuc(scores, test.Targets!), BinaryRanking.AveragePrecision(scores, test.Targets!),
            matrix.Recall(1), matrix.Precision(1), choice.Threshold);
        rows.Add(row);
        Console.WriteLine($"split {split.Split}: ROC-AUC {row.RocAuc:F3}, PR-AUC {row.PrAuc:F3}, test recall {row.Recall:F3} at precision {row.Precision:F3}");
    }
    string Stat(Func<ResultRow, double> f) => $"{rows.Average(f):F3} ({rows.Min(f):F3}-{rows.Max(f):F3})";
    Console.WriteLine();
    Console.WriteLine("| model | ROC-AUC | PR-AUC | recall | precision | training |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| ML.NET FastTree, {trees} trees of 16 leaves | {Stat(r => r.RocAuc)} | {Stat(r => r.PrAuc)} | {Stat(r => r.Recall)} | {Stat(r => r.Precision)} | {seconds.Average():F1} s |");
    if (json is not null) File.WriteAllText(json.FullName, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

static IDataView View(MLContext ml, Dataset data) =>
    ml.Data.LoadFromEnumerable(Enumerable.Range(0, data.Count).Select(i => new Row
    {
        Label = data.Targets![i] >= 0.5f,
        Features = data.FeaturesOf(i).ToArray(),
    }));

static float[] Scores(MLContext ml, ITransformer model, Dataset data) =>
    ml.Data.CreateEnumerable<Scored>(model.Transform(View(ml, data)), reuseRowObject: false).Select(s => s.Score).ToArray();

internal sealed class Row
{
    public bool Label { get; set; }

    [VectorType(CreditData.Width)]
    public float[] Features { get; set; } = [];
}

internal sealed class Scored
{
    public float Score { get; set; }
}
