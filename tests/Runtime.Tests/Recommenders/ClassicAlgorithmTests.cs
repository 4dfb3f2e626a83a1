using System;
using Axon.Recommenders;
using Xunit;

namespace Axon.Runtime.Tests.Recommenders;

/// <summary>Every similarity and algorithm on <see cref="Toy"/>, against figures worked out by hand (in the comments).</summary>
public class ClassicAlgorithmTests
{
    private static float Sim(float[] sim, int n, int a, int b) => sim[a * n + b];

    [Fact]
    public void Msd_ToyUsers_MatchesHandComputed()
    {
        var sim = Similarities.Compute(RatingMatrix.ByUser(Toy.Ratings()), Similarity.Msd);
        Assert.Equal(0.2f, Sim(sim, 4, 0, 1), 6);          // i0..i2: diffs 2,2,2 → msd 4 → 1/5
        Assert.Equal(1 / 1.5f, Sim(sim, 4, 0, 2), 6);      // i0,i1: 1,0 → ½
        Assert.Equal(1 / 3.5f, Sim(sim, 4, 0, 3), 6);      // i1,i2: 2,−1 → 5/2
        Assert.Equal(0.25f, Sim(sim, 4, 1, 2), 6);         // i0,i1,i3: −1,−2,−2 → 3
        Assert.Equal(1 / 5.5f, Sim(sim, 4, 3, 1), 6);      // i1,i2: 0,−3 → 9/2
        Assert.Equal(0.2f, Sim(sim, 4, 2, 3), 6);          // i1,i4: 2,2 → 4
        Assert.Equal(1f, Sim(sim, 4, 2, 2));
    }

    [Fact]
    public void Cosine_ToyUsers_MatchesHandComputed()
    {
        var sim = Similarities.Compute(RatingMatrix.ByUser(Toy.Ratings()), Similarity.Cosine);
        Assert.Equal(26 / Math.Sqrt(50 * 14), Sim(sim, 4, 0, 1), 6);   // (15+3+8)/√((25+9+16)(9+1+4))
        Assert.Equal(29 / Math.Sqrt(34 * 25), Sim(sim, 4, 2, 0), 6);   // i0,i1: (20+9)/√((16+9)(25+9))
    }

    [Fact]
    public void Pearson_ToyUsers_MatchesHandComputed()
    {
        var sim = Similarities.Compute(RatingMatrix.ByUser(Toy.Ratings()), Similarity.Pearson);
        Assert.Equal(1f, Sim(sim, 4, 0, 1), 6);                       // (5,3,4) vs (3,1,2): a shift
        // u1 (3,1,3) vs u2 (4,3,5) on i0,i1,i3: centred (⅔,−4⁄3,⅔)·(0,−1,1) = 2, norms² 8/3 and 2.
        Assert.Equal(2 / Math.Sqrt(8.0 / 3 * 2), Sim(sim, 4, 1, 2), 6);
        // u2 (3,4) vs u3 (1,2) on i1,i4: a shift again.
        Assert.Equal(1f, Sim(sim, 4, 3, 2), 6);
    }

    [Fact]
    public void PearsonBaseline_ToyUsers_MatchesHandComputed_WithShrinkage()
    {
        var x = RatingMatrix.ByUser(Toy.Ratings());
        // μ = 3 and zero biases: d = r − 3. u0 (2,0,1) vs u1 (0,−2,−1): −1/√(5·5) = −0.2, shrunk by (3−1)/(3−1+100).
        var sim = Similarities.Compute(x, Similarity.PearsonBaseline, shrinkage: 100, globalMean: 3, rowBias: new double[4], columnBias: new double[5]);
        Assert.Equal(-0.2 * 2 / 102, Sim(sim, 4, 0, 1), 6);
        // u0 (2,0) vs u2 (1,0): ρ = 1, shrunk by 1/(1+1) with shrinkage 1.
        sim = Similarities.Compute(x, Similarity.PearsonBaseline, shrinkage: 1, globalMean: 3, rowBias: new double[4], columnBias: new double[5]);
        Assert.Equal(0.5f, Sim(sim, 4, 0, 2), 6);
        // Biases move the centre: b_u0 = 1 makes u0's d = (1,−1,0); with u1 (0,−2,−1): 2/√(2·5).
        sim = Similarities.Compute(x, Similarity.PearsonBaseline, shrinkage: 0, globalMean: 3, rowBias: [1, 0, 0, 0], columnBias: new double[5]);
        Assert.Equal(2 / Math.Sqrt(10), Sim(sim, 4, 0, 1), 6);
    }

    [Fact]
    public void MinSupport_ZeroesPairsWithFewCommonItems()
    {
        var sim = Similarities.Compute(RatingMatrix.ByUser(Toy.Ratings()), Similarity.Msd, minSupport: 3);
        Assert.Equal(0.2f, Sim(sim, 4, 0, 1), 6);   // 3 common items
        Assert.Equal(0f, Sim(sim, 4, 0, 2));        // 2 common items
    }

    [Fact]
    public void KnnWithMeans_UserBasedMsd_MatchesHandComputed()
    {
        var knn = new KnnWithMeans(new KnnOptions { K = 2 });
        knn.Fit(Toy.Ratings());
        // u3 on i0: raters u0 (sim 1/3.5), u1 (1/5.5), u2 (0.2); k = 2 keeps u0 and u2.
        // μ_u3 = 8/3, μ_u0 = 4, μ_u2 = 4: 8/3 + (1/3.5·(5−4) + 0.2·(4−4)) / (1/3.5 + 0.2).
        double expected = 8.0 / 3 + (1 / 3.5) / (1 / 3.5 + 0.2);
        Assert.Equal(expected, knn.Predict(3, 0), 5);
        Assert.Equal(4f, knn.Means[0], 6);
    }

    [Fact]
    public void KnnBasic_UserBasedMsd_MatchesHandComputed_AndMinKFallsBackToGlobalMean()
    {
        var ratings = Toy.Ratings();
        var knn = new KnnBasic(new KnnOptions { K = 2 });
        knn.Fit(ratings);
        Assert.Equal((5 / 3.5 + 0.2 * 4) / (1 / 3.5 + 0.2), knn.Predict(3, 0), 5);
        var strict = new KnnBasic(new KnnOptions { K = 2, MinK = 3 });
        strict.Fit(ratings);
        Assert.Equal(45f / 14, strict.Predict(3, 0), 5);    // μ of the 14 ratings
        var means = new KnnWithMeans(new KnnOptions { K = 2, MinK = 3 });
        means.Fit(ratings);
        Assert.Equal(8f / 3, means.Predict(3, 0), 5);       // μ_u3
    }

    [Fact]
    public void KnnBasic_ItemBasedCosine_MatchesHandComputed()
    {
        var knn = new KnnBasic(new KnnOptions { UserBased = false, Similarity = Similarity.Cosine, K = 1 });
        knn.Fit(Toy.Ratings());
        // u0 on i3: u0 rated i0, i1, i2. Cosine with i3 over common users:
        // i0·i3 on u1,u2: (9+20)/√((9+16)(9+25)) = 0.9947; i1·i3 on u1,u2: (3+15)/√((1+9)(9+25)) = 0.9762;
        // i2·i3 on u1: 6/√(4·9) = 1. k = 1 keeps i2, so the prediction is u0's rating of i2.
        Assert.Equal(4f, knn.Predict(0, 3), 6);
        var all = new KnnBasic(new KnnOptions { UserBased = false, Similarity = Similarity.Cosine, K = 3 });
        all.Fit(Toy.Ratings());
        double s0 = 29 / Math.Sqrt(25 * 34.0), s1 = 18 / Math.Sqrt(10 * 34.0);
        Assert.Equal((s0 * 5 + s1 * 3 + 4) / (s0 + s1 + 1), all.Predict(0, 3), 5);
    }

    [Fact]
    public void Knn_UnknownUserOrItem_PredictsGlobalMean_ClippedToScale()
    {
        var r = Toy.Ratings();
        var train = r.Subset([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]);   // drops both ratings of i4
        var knn = new KnnWithMeans();
        knn.Fit(train);
        Assert.Equal((float)train.GlobalMean(), knn.Predict(0, 4), 6);
        Assert.InRange(knn.Predict(3, 0), 1f, 5f);
    }

    [Fact]
    public void BaselineOnly_OneAlsEpoch_MatchesHandComputed()
    {
        var algo = new BaselineOnly(new BaselineOptions { Epochs = 1, ItemRegularization = 1, UserRegularization = 1 });
        algo.Fit(Toy.Ratings());
        // μ = 45/14. b_i0 = (12 − 3μ)/(1+3); b_i1 = (8 − 4μ)/5; b_i2 = (11 − 3μ)/4; b_i4 = (6 − 2μ)/3;
        // b_u3 = Σ_{i1,i2,i4}(r − μ − b_i)/(1+3).
        double mu = 45.0 / 14, bi0 = (12 - 3 * mu) / 4, bi1 = (8 - 4 * mu) / 5, bi2 = (11 - 3 * mu) / 4, bi4 = (6 - 2 * mu) / 3;
        double bu3 = ((1 - mu - bi1) + (5 - mu - bi2) + (2 - mu - bi4)) / 4;
        Assert.Equal(bi0, algo.ItemBias[0], 5);
        Assert.Equal(bu3, algo.UserBias[3], 5);
        Assert.Equal(mu + bu3 + bi0, algo.Predict(3, 0), 5);
    }

    [Fact]
    public void BaselineOnly_Sgd_OneStepMatchesHandComputed()
    {
        // One rating, one epoch: e = r − μ = 0 on a single rating, so use two ratings of one user.
        var r = Ratings.FromRaw([1, 1], [1, 2], [4f, 2f]);
        var algo = new BaselineOnly(new BaselineOptions { Method = BaselineMethod.Sgd, Epochs = 1, LearningRate = 0.1, Regularization = 0.5 });
        algo.Fit(r);
        // μ = 3. Rating 1: e = 1, b_u = 0.1, b_i1 = 0.1. Rating 2: e = 2 − 3.1 = −1.1,
        // b_u = 0.1 + 0.1(−1.1 − 0.05) = −0.015, b_i2 = 0.1(−1.1) = −0.11.
        Assert.Equal(-0.015, algo.UserBias[0], 6);
        Assert.Equal(0.1, algo.ItemBias[0], 6);
        Assert.Equal(-0.11, algo.ItemBias[1], 6);
    }
}
