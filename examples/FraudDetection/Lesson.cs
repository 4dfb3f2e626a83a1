using System;
using System.Collections.Generic;
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
/// <param name="Brier">Test Brier score of σ(logit): calibration, which oversampling the bad loans worsens.</param>
/// <param name="Seconds">Training time.</param>
public sealed record ModelOutcome(string Name, double RocAuc, double PrAuc, float Threshold, ConfusionMatrix Test, double Brier, double Seconds)
{
    /// <summary>The row <c>--json</c> writes.</summary>
    public ResultRow Row(int split) => new(Name, split, RocAuc, PrAuc, Test.Recall(1), Test.Precision(1), Threshold);
}

/// <summary>The lesson's steps, shared by the program and its integration test.</summary>
public static class Lesson
{
    /// <summary>Trains a fresh <see cref="CreditNet"/> (initialised from <paramref name="seed"/>) with Adam, batches of 64.</summary>
    public static (CreditNet Model, double Seconds) Train(Dataset train, int epochs, int seed)
    {
        var model = new CreditNet(seed: seed);
        var clock = Stopwatch.StartNew();
        model.Fit(train, new FitOptions { Epochs = epochs, BatchSize = 64, Seed = seed, Progress = ProgressMode.None });
        return (model, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Class weighting by oversampling: every bad row appears <paramref name="copies"/> times, which weights the bad class's
    /// loss by that factor on shuffled batches (the same expected gradient as a positive-class weight).
    /// </summary>
    public static Dataset Oversample(Dataset train, int copies)
    {
        var rows = new List<int>();
        for (int i = 0; i < train.Count; i++)
            for (int c = 0, n = train.Targets![i] >= 0.5f ? copies : 1; c < n; c++) rows.Add(i);
        return train.Subset(rows.ToArray());
    }

    /// <summary>The copies that balance the classes: round(good / bad) in <paramref name="train"/>.</summary>
    public static int BalancingCopies(Dataset train)
    {
        int bad = train.Targets!.Count(t => t >= 0.5f);
        return Math.Max(1, (int)Math.Round((train.Count - bad) / (double)bad));
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
