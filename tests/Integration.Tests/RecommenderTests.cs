using System;
using System.IO;
using System.Linq;
using Axon.Recommenders;
using Axon.Testing;
using Axon.Training;
using RecommenderExample;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Lesson 6 on a subsample of the committed MovieLens ratings, the Axon models as recommenders, and per-layer weight decay.</summary>
public class RecommenderTests
{
    private static readonly Lazy<Ratings> s_all = new(() =>
        MovieLens.Load(Path.Combine(AppContext.BaseDirectory, "data", "movielens-latest-small")));

    // The first 150 users (about a quarter of the ratings); indices stay those of the full catalog, so the models' sizes fit.
    private static readonly Lazy<Ratings> s_sample = new(() =>
    {
        var all = s_all.Value;
        return all.Subset(Enumerable.Range(0, all.Count).Where(r => all.Users[r] < 150).ToArray());
    });

    // A quarter of the data in batches of 256 gives about the number of steps the lesson takes (the decay acts per step).
    private static readonly LessonSettings s_fast = new() { Folds = 3, MfEpochs = 10, BatchSize = 256, NcfEpochs = 3, ImplicitEpochs = 3 };

    [Fact]
    public void Lesson_RatingTable_OnSubsample_MfBeatsBaselineAndKnnIsNearIt()
    {
        var rows = Lesson.RatingTable(s_sample.Value, s_fast);
        Assert.Equal(["BaselineOnly", "KNNWithMeans", "BiasedMF", "NeuralCF"], rows.Select(r => r.Algorithm));
        var rmse = rows.ToDictionary(r => r.Algorithm, r => r.Rmse!.Value);
        foreach (var r in rows)
        {
            Assert.InRange(r.Rmse!.Value, 0.75, 1.05);
            Assert.InRange(r.Mae!.Value, 0.55, r.Rmse.Value);
            Assert.Null(r.NdcgAt10);
        }
        Assert.True(rmse["BiasedMF"] < rmse["BaselineOnly"], $"biased MF {rmse["BiasedMF"]:F4} vs baseline {rmse["BaselineOnly"]:F4}");
        // With a quarter of the users KNN has fewer neighbours than on the full data (0.023 above the baseline there).
        Assert.InRange(rmse["KNNWithMeans"] - rmse["BaselineOnly"], -0.05, 0.1);
    }

    [Fact]
    public void Lesson_RankingTable_OnSubsample_ImplicitModelBeatsRandom()
    {
        var rows = Lesson.RankingTable(s_sample.Value, s_fast);
        Assert.Equal(["MostPopular", "BaselineOnly", "BiasedMF", "NeuralCF", "ImplicitMF (BCE)"], rows.Select(r => r.Algorithm));
        foreach (var r in rows)
        {
            Assert.InRange(r.HitRateAt10!.Value, 0, 1);
            Assert.InRange(r.NdcgAt10!.Value, 0, r.HitRateAt10.Value);
            Assert.Null(r.Rmse);
        }
        // Random top-10 lists hit a held-out item with probability about 10 / 9,700; popularity and the implicit model do far better.
        Assert.True(rows[0].HitRateAt10 > 0.01);
        Assert.True(rows[^1].HitRateAt10 > 0.01, $"implicit hit rate {rows[^1].HitRateAt10}");
    }

    [Fact]
    public void BiasedMf_Recommends_UnratedItems_AndSimilarItems_AllocationFree()
    {
        var train = s_sample.Value;
        var mf = Lesson.BiasedMf(s_fast with { MfEpochs = 2 });
        mf.Fit(train);
        var recommender = new Recommender(mf, train);
        int user = 3;
        var rated = train.Items.Where((_, r) => train.Users[r] == user).ToHashSet();
        var top = recommender.Recommend(user, 10);
        Assert.Equal(10, top.Length);
        Assert.DoesNotContain(top, rated.Contains);
        // Best first, and nothing unrated scores higher than the 10th.
        var scores = new float[train.ItemCount];
        ((IRatingPredictor)mf).ScoreItems(user, scores);
        for (int k = 1; k < 10; k++) Assert.True(scores[top[k - 1]] >= scores[top[k]]);
        Assert.DoesNotContain(Enumerable.Range(0, train.ItemCount), i => !rated.Contains(i) && !top.Contains(i) && scores[i] > scores[top[9]]);

        var similar = recommender.SimilarItems(0, 5);
        Assert.DoesNotContain(0, similar);
        Assert.Equal(5, similar.Length);

        var dest = new int[10];
        Assert.Equal(0, Allocations.Least(() => recommender.Recommend(user, dest)));
        Assert.Equal(0, Allocations.Least(() => recommender.SimilarItems(0, dest)));
        Assert.Equal(0, Allocations.Least(() => mf.Predict(1, 2)));
    }

    [Fact]
    public void ScoringLoops_Knn_Metrics_AllocateNothing()
    {
        var split = RatingSplits.LeaveLastOut(s_sample.Value, seed: 1);
        var knn = new KnnWithMeans();
        knn.Fit(split.Train);
        var workspace = new RankingWorkspace(split, 10);
        var popular = new MostPopular();
        popular.Fit(split.Train);
        workspace.Run(popular);
        RatingAccuracy.Evaluate(knn, split.Test);
        Assert.Equal(0, Allocations.Least(() => knn.Predict(5, 7)));
        Assert.Equal(0, Allocations.Least(() => RatingAccuracy.Evaluate(knn, split.Test)));
        Assert.Equal(0, Allocations.Least(() => workspace.Run(popular)));
    }

    [Fact]
    public void LayerWeightDecay_ShrinksOnlyThatLayer_ByLearningRateTimesDecay()
    {
        var plain = new MatrixFactorization();
        var decayed = new MatrixFactorization();
        decayed.UserVec.WeightDecay = 0.5f;
        var before = decayed.UserVec.Weight.ToArray();
        var itemsBefore = decayed.ItemVec.Weight.ToArray();
        Assert.Equal(before, plain.UserVec.Weight.ToArray());
        float[] x = [1, 2, 3, 4], y = [0.5f, -1f];
        plain.TrainStep(x, y);
        decayed.TrainStep(x, y);
        // Adam's step is the same in both (the gradient is computed before the decay); the decay adds −η·λ·w.
        float eta = decayed.Optimizer.LearningRate;
        for (int k = 0; k < before.Length; k++)
            Assert.Equal(plain.UserVec.Weight[k] - eta * 0.5f * before[k], decayed.UserVec.Weight[k], 5);
        Assert.Equal(plain.ItemVec.Weight.ToArray(), decayed.ItemVec.Weight.ToArray());
        Assert.NotEqual(itemsBefore, decayed.ItemVec.Weight.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => decayed.UserVec.WeightDecay = -1f);
    }

    [Fact]
    public void ImplicitData_SamplesOnlyUnratedNegatives()
    {
        var r = s_sample.Value;
        var byUser = RatingMatrix.ByUser(r);
        var data = RatingData.Implicit(byUser, 2, seed: 5);
        Assert.Equal(r.Count * 3, data.Count);
        var pairs = r.Users.Zip(r.Items).ToHashSet();
        for (int s = 0; s < data.Count; s++)
        {
            var f = data.FeaturesOf(s);
            bool positive = data.TargetsOf(s)[0] == 1f;
            Assert.Equal(positive, pairs.Contains(((int)f[0], (int)f[1])));
        }
    }
}
