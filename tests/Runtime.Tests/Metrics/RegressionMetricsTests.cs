using System;
using Axon.Metrics;
using Xunit;

namespace Axon.Runtime.Tests.Metrics;

public class RegressionMetricsTests
{
    // ŷ = [1, 2, 4, -1], y = [2, 2, 1, 1]: errors e = ŷ − y = [-1, 0, 3, -2].
    private static readonly float[] Predicted = [1, 2, 4, -1];
    private static readonly float[] Actual = [2, 2, 1, 1];

    [Fact]
    public void MaeMseRmse_MatchHandComputedValues()
    {
        Assert.Equal(6.0, RegressionMetrics.AbsoluteErrorSum(Predicted, Actual));        // 1 + 0 + 3 + 2
        Assert.Equal(1.5, RegressionMetrics.MeanAbsoluteError(Predicted, Actual));       // 6 / 4
        Assert.Equal(3.5, RegressionMetrics.MeanSquaredError(Predicted, Actual));        // (1 + 0 + 9 + 4) / 4
        Assert.Equal(Math.Sqrt(3.5), RegressionMetrics.RootMeanSquaredError(Predicted, Actual), 15);
    }

    [Fact]
    public void RSquared_MatchesHandComputedValue_AndIsZeroForTheMean()
    {
        // ȳ = 1.5; Σ(y − ȳ)² = 0.25 + 0.25 + 0.25 + 0.25 = 1; Σe² = 14: R² = 1 − 14 = −13.
        Assert.Equal(-13.0, RegressionMetrics.RSquared(Predicted, Actual), 12);
        Assert.Equal(0.0, RegressionMetrics.RSquared([1.5f, 1.5f, 1.5f, 1.5f], Actual), 12);
        Assert.Equal(1.0, RegressionMetrics.RSquared(Actual, Actual), 12);
        Assert.True(double.IsNaN(RegressionMetrics.RSquared([1f, 2f], [3f, 3f])));   // constant actual values: undefined
    }

    [Fact]
    public void DirectionAccuracy_CountsSignHits_AndZeroAsHalf()
    {
        // signs ŷ: + + + −, y: + + + +: hits 1, 1, 1, 0 → 0.75.
        Assert.Equal(0.75, RegressionMetrics.DirectionAccuracy(Predicted, Actual));
        // A zero forecast never calls a direction: exactly the coin flip.
        Assert.Equal(0.5, RegressionMetrics.DirectionAccuracy(new float[4], Actual));
        // ŷ = [0.1, −0.2, 0.3], y = [−1, −1, 0]: miss, hit, no move (½) → 1.5 / 3.
        Assert.Equal(0.5, RegressionMetrics.DirectionAccuracy([0.1f, -0.2f, 0.3f], [-1f, -1f, 0f]));
    }

    [Fact]
    public void DirectionAccuracy_OfLevels_MeasuresChangesFromTheReference()
    {
        // Last prices r = [10, 10, 10], predicted [11, 9, 12], actual [12, 11, 8]: up/up hit, down/up miss, up/down miss.
        Assert.Equal(1.0 / 3, RegressionMetrics.DirectionAccuracy([11f, 9f, 12f], [12f, 11f, 8f], [10f, 10f, 10f]), 15);
    }

    [Fact]
    public void Score_ComputesEveryMetric_DirectionOnlyWhenAsked()
    {
        var s = RegressionMetrics.Score(Predicted, Actual, direction: true);
        Assert.Equal(new RegressionScores(4, 1.5, Math.Sqrt(3.5), -13.0, 0.75), s with { RSquared = Math.Round(s.RSquared, 10) });
        Assert.True(double.IsNaN(RegressionMetrics.Score(Predicted, Actual).DirectionAccuracy));
    }

    [Fact]
    public void EmptyInput_IsNaN_AndMismatchedLengthsThrow()
    {
        Assert.True(double.IsNaN(RegressionMetrics.MeanAbsoluteError([], [])));
        Assert.True(double.IsNaN(RegressionMetrics.RootMeanSquaredError([], [])));
        Assert.True(double.IsNaN(RegressionMetrics.DirectionAccuracy([], [])));
        var e = Assert.Throws<ArgumentException>(() => RegressionMetrics.MeanAbsoluteError([1f, 2f], [1f]));
        Assert.Contains("actual has 1 values; expected one per prediction, 2", e.Message);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.DirectionAccuracy([1f], [1f], [1f, 2f]));
    }
}
