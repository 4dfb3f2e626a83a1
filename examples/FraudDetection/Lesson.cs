using System;
using System.Diagnostics;
using System.Linq;
using Axon;
using Axon.Data;
using Axon.Data.Tabular;
using Axon.Metrics;
using Axon.Training;

namespace FraudDetection;

/// <summary>A model on one split: ranking on the test rows, the validation-chosen threshold, and what it gives on the test rows.</summary>
/// <param name="Name">Which model.</param>
/// <param name="RocAuc">Test ROC-AUC.</param>
/// <param name="PrAuc">Test average precision (area under the precision–recall curve).</param>
/// <param name="Threshold">The logit threshold chosen on the validation rows for the target recall.</param>
/// <param name="Test">The test rows' confusion matrix at that threshold (class 1 = bad).</param>
/// <param name="Brier">Test Brier score of σ(logit): calibration, which weighting the bad loans worsens.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ModelOutcome(string Name, double RocAuc, double PrAuc, float Threshold, ConfusionMatrix Test, double Brier, double Seconds)
{
    /// <summary>The row <c>--json</c> writes.</summary>
    public ResultRow Row(int split) => new(Name, split, RocAuc, PrAuc, Test.Recall(1), Test.Precision(1), Threshold);
}

/// <summary>The lesson's steps, shared by the program and its integration test.</summary>
public static class Lesson
{
    /// <summary>
    /// Trains a fresh <see cref="CreditNet"/> (initialised from <paramref name="seed"/>) with Adam, batches of 64; with
    /// <paramref name="positiveClassWeight"/> &gt; 1 the bad loans' loss terms weigh that much more (<see cref="FitOptions.PositiveClassWeight"/>).
    /// </summary>
    public static (CreditNet Model, double Seconds) Train(Dataset train, int epochs, int seed, float positiveClassWeight = 1f)
    {
        var model = new CreditNet(seed: seed);
        var clock = Stopwatch.StartNew();
        model.Fit(train, new FitOptions
        {
            Epochs = epochs, BatchSize = 64, Seed = seed, Progress = ProgressMode.None, PositiveClassWeight = positiveClassWeight,
        });
        return (model, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The positive-class weight that balances the classes: good / bad in <paramref name="train"/>.</summary>
    public static float BalancingWeight(Dataset train)
    {
        int bad = train.Targets!.Count(t => t >= 0.5f);
        return (float)(train.Count - bad) / bad;
    }

    /// <summary>Logits of every row of <paramref name="data"/>.</summary>
    public static float[] Logits(IModel model, Dataset data)
    {
        var logits = new float[data.Count];
        model.Predict(data.Features, logits);
        return logits;
    }

    /// <summary>
    /// Chooses the threshold on <paramref name="validation"/> (the highest logit threshold with recall ≥ <paramref name="recall"/>),
    /// then scores <paramref name="test"/> with it: the test rows never influence the choice.
    /// </summary>
    public static ModelOutcome Evaluate(string name, IModel model, Dataset validation, Dataset test, double recall, double seconds)
    {
        var choice = Thresholds.ForRecall(Logits(model, validation), validation.Targets!, recall);
        var logits = Logits(model, test);
        return new ModelOutcome(name, BinaryRanking.RocAuc(logits, test.Targets!), BinaryRanking.AveragePrecision(logits, test.Targets!),
            choice.Threshold, ConfusionMatrix.Binary(logits, test.Targets!, choice.Threshold),
            Calibration.BrierScore(Calibration.Sigmoid(logits), test.Targets!), seconds);
    }

    /// <summary>The mean of the training rows: the integrated-gradients baseline, "an average applicant".</summary>
    public static float[] MeanRow(Dataset train)
    {
        var mean = new double[train.FeatureSize];
        for (int i = 0; i < train.Count; i++)
        {
            var row = train.FeaturesOf(i);
            for (int j = 0; j < mean.Length; j++) mean[j] += row[j];
        }
        return mean.Select(m => (float)(m / train.Count)).ToArray();
    }
}
