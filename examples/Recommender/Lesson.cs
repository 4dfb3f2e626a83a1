using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Axon;
using Axon.Data;
using Axon.Recommenders;
using Axon.Training;

namespace RecommenderExample;

/// <summary>The lesson's settings; the defaults are what examples/Recommender/README.md reports.</summary>
public sealed record LessonSettings
{
    public int Folds { get; init; } = 5;
    public long Seed { get; init; } = 1;
    public int MfEpochs { get; init; } = 10;
    public float MfFactorDecay { get; init; } = 2f;
    public float MfBiasDecay { get; init; } = 0f;
    public float NcfDecay { get; init; } = 3f;
    public float MfInitStd { get; init; } = 0.1f;
    public int NcfEpochs { get; init; } = 10;
    public int ImplicitEpochs { get; init; } = 10;
    public int Negatives { get; init; } = 4;
    public int BatchSize { get; init; } = 1024;
}

/// <summary>One row of either table, as <c>--json</c> writes it (null where a figure does not apply).</summary>
public sealed record ResultRow(
    string Table, string Algorithm, double? Rmse, double? Mae, double? NdcgAt10, double? HitRateAt10,
    double FitSeconds, double? PredictSeconds);

/// <summary>Lesson 6: the algorithms, the two tables, and a user's recommendations.</summary>
public static class Lesson
{
    /// <summary>The rating predictors of the first table, each a fresh instance.</summary>
    public static IEnumerable<Func<IRatingPredictor>> RatingAlgorithms(LessonSettings s)
    {
        yield return () => new BaselineOnly();
        yield return () => new KnnWithMeans(new KnnOptions { K = 40, Similarity = Similarity.Msd, UserBased = true });
        yield return () => BiasedMf(s);
        yield return () => NeuralCf(s);
    }

    /// <summary>The scorers of the ranking table.</summary>
    public static IEnumerable<Func<IRatingPredictor>> RankingAlgorithms(LessonSettings s)
    {
        yield return () => new MostPopular();
        yield return () => new BaselineOnly();
        yield return () => BiasedMf(s);
        yield return () => NeuralCf(s);
        yield return () => Implicit(s);
    }

    public static ModelScorer BiasedMf(LessonSettings s)
    {
        var model = new BiasedMF();
        return new ModelScorer("BiasedMF", model, (m, train) =>
        {
            var rng = new Rng(s.Seed);
            // Surprise's SVD starts the factors from N(0, 0.1²) and the biases at 0 (Embedding's default is N(0, 1)).
            foreach (var layer in new[] { model.UserFactors, model.ItemFactors })
                foreach (ref float w in layer.Weight) w = rng.NextGaussian() * s.MfInitStd;
            model.UserBias.Weight.Clear();
            model.ItemBias.Weight.Clear();
            model.UserFactors.WeightDecay = model.ItemFactors.WeightDecay = s.MfFactorDecay;
            model.UserBias.WeightDecay = model.ItemBias.WeightDecay = s.MfBiasDecay;
            Trainer.Fit(m, RatingData.Explicit(train, (float)train.GlobalMean()),
                new FitOptions { Epochs = s.MfEpochs, BatchSize = s.BatchSize, Seed = s.Seed, Progress = ProgressMode.None });
        }, ratingModel: true, itemVectors: model.ItemFactors);
    }

    public static ModelScorer NeuralCf(LessonSettings s)
    {
        var model = new NeuralCF();
        return new ModelScorer("NeuralCF", model, (m, train) =>
        {
            var rng = new Rng(s.Seed);
            foreach (var layer in new[] { model.UserVec, model.ItemVec })
                foreach (ref float w in layer.Weight) w = rng.NextGaussian() * s.MfInitStd;
            model.UserVec.WeightDecay = model.ItemVec.WeightDecay = s.NcfDecay;
            Trainer.Fit(m, RatingData.Explicit(train, (float)train.GlobalMean()),
                new FitOptions { Epochs = s.NcfEpochs, BatchSize = s.BatchSize, Seed = s.Seed, Progress = ProgressMode.None });
        }, ratingModel: true, itemVectors: model.ItemVec);
    }

    public static ModelScorer Implicit(LessonSettings s)
    {
        var model = new ImplicitMF();
        return new ModelScorer("ImplicitMF (BCE)", model, (m, train) =>
        {
            var rng = new Rng(s.Seed);
            foreach (var layer in new[] { model.UserFactors, model.ItemFactors })
                foreach (ref float w in layer.Weight) w = rng.NextGaussian() * s.MfInitStd;
            model.ItemBias.Weight.Clear();
            model.UserFactors.WeightDecay = model.ItemFactors.WeightDecay = s.MfFactorDecay / 10;
            var byUser = RatingMatrix.ByUser(train);
            // Fresh negatives every epoch: one Fit epoch per sample of the unrated items.
            for (int epoch = 0; epoch < s.ImplicitEpochs; epoch++)
                Trainer.Fit(m, RatingData.Implicit(byUser, s.Negatives, s.Seed * 1000 + epoch),
                    new FitOptions { Epochs = 1, BatchSize = 1024, Seed = s.Seed + epoch, Progress = ProgressMode.None });
        }, ratingModel: false, itemVectors: model.ItemFactors);
    }

    /// <summary>RMSE, MAE, fit and predict time of each algorithm, averaged over the same k folds.</summary>
    public static List<ResultRow> RatingTable(Ratings ratings, LessonSettings s, TextWriter? log = null)
    {
        var folds = RatingSplits.KFold(ratings, s.Folds, s.Seed);
        var rows = new List<ResultRow>();
        foreach (var make in RatingAlgorithms(s))
        {
            double rmse = 0, mae = 0, fit = 0, predict = 0;
            string name = "";
            foreach (var fold in folds)
            {
                var algo = make();
                name = algo.Name;
                long t0 = Stopwatch.GetTimestamp();
                algo.Fit(fold.Train);
                long t1 = Stopwatch.GetTimestamp();
                var acc = RatingAccuracy.Evaluate(algo, fold.Test);
                long t2 = Stopwatch.GetTimestamp();
                rmse += acc.Rmse;
                mae += acc.Mae;
                fit += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                predict += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
            }
            var row = new ResultRow("rating", name, rmse / folds.Length, mae / folds.Length, null, null, fit / folds.Length, predict / folds.Length);
            log?.WriteLine($"  {row.Algorithm,-18} RMSE {row.Rmse:F4}  MAE {row.Mae:F4}  fit {row.FitSeconds:F2} s  predict {row.PredictSeconds:F3} s (per fold)");
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>NDCG@10 and hit rate@10 of each scorer under leave-last-out.</summary>
    public static List<ResultRow> RankingTable(Ratings ratings, LessonSettings s, TextWriter? log = null)
    {
        var split = RatingSplits.LeaveLastOut(ratings, s.Seed);
        var workspace = new RankingWorkspace(split, 10);
        var rows = new List<ResultRow>();
        foreach (var make in RankingAlgorithms(s))
        {
            var algo = make();
            long t0 = Stopwatch.GetTimestamp();
            algo.Fit(split.Train);
            long t1 = Stopwatch.GetTimestamp();
            var r = workspace.Run(algo);
            long t2 = Stopwatch.GetTimestamp();
            var row = new ResultRow("ranking", algo.Name, null, null, r.Ndcg, r.HitRate,
                Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, Stopwatch.GetElapsedTime(t1, t2).TotalSeconds);
            log?.WriteLine($"  {row.Algorithm,-18} NDCG@10 {row.NdcgAt10:F4}  HR@10 {row.HitRateAt10:F4}  fit {row.FitSeconds:F2} s  rank {row.PredictSeconds:F2} s");
            rows.Add(row);
        }
        return rows;
    }
}
