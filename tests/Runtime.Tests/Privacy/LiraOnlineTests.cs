using System;
using Axon.Privacy;
using Xunit;

namespace Axon.Runtime.Tests.Privacy;

/// <summary>The online LiRA statistic on hand-made confidences, against the formula worked out here independently.</summary>
public class LiraOnlineTests
{
    // 3 samples (2 members, 1 non-member) × 4 shadows, [shadow, sample].
    private static readonly float[] Phi =
    [
        3.0f, 1.0f, 0.5f,
        2.0f, -1.0f, 2.5f,
        4.0f, 0.0f, 1.5f,
        1.0f, 2.0f, 3.5f,
    ];

    private static readonly bool[] Trained =
    [
        true, false, true,
        false, true, false,
        true, false, false,
        false, true, true,
    ];

    private static double LogNormal(double x, double mean, double sigma) =>
        -0.5 * Math.Log(2 * Math.PI) - Math.Log(sigma) - (x - mean) * (x - mean) / (2 * sigma * sigma);

    [Fact]
    public void Scores_AreTheLogLikelihoodRatioUnderPooledInAndOutGaussians()
    {
        // Sample 0: IN {3, 4} mean 3.5, OUT {2, 1} mean 1.5. Sample 1: IN {-1, 2} mean 0.5, OUT {1, 0} mean 0.5.
        // Sample 2: IN {0.5, 3.5} mean 2, OUT {2.5, 1.5} mean 2.
        // Pooled IN: (0.25 + 0.25 + 2.25 + 2.25 + 2.25 + 2.25) / (1 + 1 + 1) = 9.5 / 3; OUT: (0.25 + 0.25 + 0.25 + 0.25 + 0.25 + 0.25) / 3 = 0.5.
        double sigmaIn = Math.Sqrt(9.5 / 3), sigmaOut = Math.Sqrt(0.5);
        float[] target = [3.2f, 0.4f, -1.0f];
        var scores = (float[])target.Clone();
        MembershipInference.OnlineScores(scores, Phi, Trained, shadows: 4, members: 2);
        double[] meanIn = [3.5, 0.5, 2.0], meanOut = [1.5, 0.5, 2.0];
        for (int i = 0; i < 3; i++)
        {
            double expected = LogNormal(target[i], meanIn[i], sigmaIn) - LogNormal(target[i], meanOut[i], sigmaOut);
            Assert.Equal(expected, scores[i], 5);
        }
        // Near its IN mean and far above its OUT mean: evidence of membership. At the mean both share, the narrower OUT
        // Gaussian is the likelier: evidence against.
        Assert.True(scores[0] > 0 && scores[1] < 0, string.Join(", ", scores));
    }

    [Fact]
    public void ASampleInEveryShadow_IsNamed()
    {
        var trained = (bool[])Trained.Clone();
        for (int s = 0; s < 4; s++) trained[s * 3 + 1] = true;   // sample 1 (member 1) IN all four
        var e = Assert.Throws<ArgumentException>(() => MembershipInference.OnlineScores(new float[3], Phi, trained, 4, 2));
        Assert.Contains("audited sample 1 (member 1) is IN every one of the 4 shadows", e.Message);
        for (int s = 0; s < 4; s++) trained[s * 3 + 2] = false;  // sample 2 (non-member 0) OUT of all four
        trained[1] = false; trained[4] = false;
        e = Assert.Throws<ArgumentException>(() => MembershipInference.OnlineScores(new float[3], Phi, trained, 4, 2));
        Assert.Contains("OUT of every one", e.Message);
    }

    [Fact]
    public void NoSampleInTwoShadows_CannotEstimateTheInVariance()
    {
        // Two shadows, each sample IN exactly one: no IN spread anywhere.
        bool[] trained = [true, false, true, false, true, false];
        var e = Assert.Throws<ArgumentException>(() => MembershipInference.OnlineScores(new float[3], new float[6], trained, 2, 2));
        Assert.Contains("no audited sample is IN two shadows", e.Message);
    }
}
