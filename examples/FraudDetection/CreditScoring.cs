using System;
using System.IO;
using Axon.Data.Tabular;
using Axon.Metrics;
using Axon.Training;

namespace FraudDetection;

/// <summary>The whole credit-scoring program in about 30 lines of user code (README.md shows it); <c>--minimal</c> runs it.</summary>
public static class CreditScoring
{
    public static void Run(string path)
    {
        var table = Csv.Read(path);                                   // "NA" and empty fields are missing
        var pipeline = new TabularPipeline()
            .Numeric(["Seniority", "Time", "Age", "Expenses", "Amount", "Price"])
            .Numeric(["Income", "Assets", "Debt"], log1p: true, missing: Missing.MedianAndIndicator)
            .OneHot("Home", "Marital", "Records", "Job")
            .BinaryTarget("Status", "bad");
        var labels = pipeline.Labels(table);
        var (rest, testRows) = StratifiedSplit.Split(labels, 0.2, seed: 1);
        var (trainRows, validationRows) = StratifiedSplit.Split(labels, 0.25, seed: 1, rows: rest);
        pipeline.Fit(table, trainRows);                               // statistics of the training rows only
        var train = pipeline.Transform(table, trainRows);
        var validation = pipeline.Transform(table, validationRows);
        var test = pipeline.Transform(table, testRows);

        var model = new CreditNet();
        pipeline.CheckWidth(model);
        model.Fit(train, new FitOptions { Epochs = 30, BatchSize = 64 });

        var scores = new float[validation.Count];
        model.Predict(validation.Features, scores);
        var threshold = Thresholds.ForRecall(scores, validation.Targets!, recall: 0.8).Threshold;
        var logits = new float[test.Count];
        model.Predict(test.Features, logits);
        Console.WriteLine($"ROC-AUC {BinaryRanking.RocAuc(logits, test.Targets!):F3}, PR-AUC {BinaryRanking.AveragePrecision(logits, test.Targets!):F3}");
        Console.Write(ConfusionMatrix.Binary(logits, test.Targets!, threshold).ToMarkdown(["good", "bad"]));
        pipeline.SaveWith(model, Path.Combine(Path.GetTempPath(), "credit.safetensors"));   // model + transform together
    }
}
